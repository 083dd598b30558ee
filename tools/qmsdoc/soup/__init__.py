"""SOUP from SBOMs: CycloneDX and SPDX files imported as committed records, compared
from one import (or baseline) to the next (IEC 62304 8.1.2; FD&C Act 524B SBOM).

The readers (:mod:`qmsdoc.soup.sbom`, which loads cyclonedx-python-lib and spdx-tools)
are imported on their own, so that checking and building with the stored records
does not load the SBOM libraries.
"""

from __future__ import annotations

from qmsdoc.soup.diff import SbomDiff, VersionChange, describe, diff_records
from qmsdoc.soup.records import Component, SbomRecord, component_key
from qmsdoc.soup.store import (
    FORMAT,
    read_record,
    read_records,
    record_from_text,
    record_text,
    write_record,
)

__all__ = [
    "FORMAT",
    "Component",
    "SbomDiff",
    "SbomRecord",
    "VersionChange",
    "component_key",
    "describe",
    "diff_records",
    "read_record",
    "read_records",
    "record_from_text",
    "record_text",
    "write_record",
]
