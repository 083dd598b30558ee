"""Reports written to disk: findings file and other machine-readable records."""

from __future__ import annotations

from qmsdoc.report.findings_file import findings_document, write_findings
from qmsdoc.report.gaps_file import gaps_document, write_gaps
from qmsdoc.storage.atomic import write_atomic

__all__ = [
    "findings_document",
    "gaps_document",
    "write_atomic",
    "write_findings",
    "write_gaps",
]
