"""Unit tests of test evidence: JUnit parsing, result records, verification states."""
