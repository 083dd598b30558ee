"""Committed records that cannot be read: a finding at the record, not an exception.

The device file reads its records (evidence runs, the reviewed-link record, SBOMs,
scanner records, the signer registry, review exports) while it prepares the check
context (:mod:`qmsdoc.device_file`); a record it cannot use is reported through
:data:`RECORD_INVALID` and the check run goes on without it.
"""

from __future__ import annotations

from qmsdoc.checks.spec import CheckSpec

__all__ = ["RECORD_INVALID", "SPECS"]

RECORD_INVALID = CheckSpec(
    check_id="record_invalid",
    severity="error",
    summary=(
        "committed record (evidence, reviewed links, SBOM, scan, signer registry, "
        "review export) that cannot be read (ISO 13485 4.2.5)"
    ),
    clause="ISO 13485 4.2.5 via 21 CFR 820.10",
)
#: the findings made while the context is read, outside the check run
SPECS: tuple[CheckSpec, ...] = (RECORD_INVALID,)
