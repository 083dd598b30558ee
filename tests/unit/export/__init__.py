"""Unit tests of the exports (the traceability workbook)."""

from __future__ import annotations
