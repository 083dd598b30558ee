"""Unit tests of SOUP: CycloneDX and SPDX reading, records, changes between imports."""
