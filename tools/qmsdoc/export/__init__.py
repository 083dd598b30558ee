"""Exports of the device file: the traceability workbook."""

from __future__ import annotations

from qmsdoc.export.xlsx import (
    WorkbookContext,
    diff_workbook_bytes,
    workbook_bytes,
    write_diff_workbook,
    write_workbook,
)

__all__ = [
    "WorkbookContext",
    "diff_workbook_bytes",
    "workbook_bytes",
    "write_diff_workbook",
    "write_workbook",
]
