"""Exports of the device file: the traceability workbook."""

from __future__ import annotations

from qmsdoc.export.xlsx import WorkbookContext, workbook_bytes, write_workbook

__all__ = ["WorkbookContext", "workbook_bytes", "write_workbook"]
