"""Reports written to disk: findings file and other machine-readable records."""

from __future__ import annotations

from qmsdoc.report.atomic import write_atomic
from qmsdoc.report.findings_file import findings_document, write_findings

__all__ = ["findings_document", "write_atomic", "write_findings"]
