"""A requirement list laid out as a person lays it out (a merged title row above
the header, several ids in one cell, a blank row) imports; a formula, an empty or
duplicate id and an unknown link target are one line with the sheet and the cell,
and nothing is written."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from openpyxl import Workbook

from qmsdoc.device_file import read_items
from qmsdoc.errors import InputError
from qmsdoc.interchange.importer import write_import
from qmsdoc.interchange.mapping import load_mapping
from qmsdoc.interchange.spreadsheet import read_spreadsheet

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.project import Project

_MAP = """\
[sheet]
name = "Requirements"
header_row = 2
id = "ID"
type_column = "Kind of item"
title = "Title"
content = "Description"
fields = { "Status" = "status" }
links = { "Traces to" = "satisfies" }
defaults = {}

[sheet.types]
"User need" = "user_need"
"Requirement" = "requirement"

[sheet.values.status]
"Released" = "approved"
"Open" = "draft"
"""

_ROWS: list[list[object]] = [
    ["UN-1", "User need", "See abnormal results", "The patient wants to see them.", "Released", None],
    ["UN-2", "User need", "Understand a result", None, "Open", None],
    [None, None, None, None, None, None],
    ["REQ-1", "Requirement", "Flag results", "Flag each result\noutside the range.", "Released", "UN-1; UN-2"],
    ["REQ-2", "Requirement", "Explain flags", None, datetime(2025, 1, 2), "UN-1,UN-2\nUN-1"],
]  # fmt: skip


def _workbook(path: Path, rows: list[list[object]] = _ROWS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Requirements"
    sheet["A1"] = "Serenya requirement list, version 3 (exported from Excel)"
    sheet.merge_cells("A1:F1")
    sheet.append(["ID", "Kind of item", "Title", "Description", "Status", "Traces to"])
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Notes")["A1"] = "free text"
    workbook.save(path)
    return path


def _mapping(project: Project, tmp_path: Path) -> Path:
    path = tmp_path / "map.toml"
    path.write_text(_MAP, encoding="utf-8")
    return path


def test_a_laid_out_workbook_imports_and_reads_back(
    empty_project: Project, tmp_path: Path
) -> None:
    profile = empty_project.profile
    mapping = load_mapping(_mapping(empty_project, tmp_path), profile)
    read = read_spreadsheet(_workbook(tmp_path / "reqs.xlsx"), mapping, profile)
    assert (read.rows_read, read.sheet) == (4, "Requirements")
    assert [item.id for item in read.items] == ["UN-1", "UN-2", "REQ-1", "REQ-2"]
    assert read.items[2].links == (("satisfies", ("UN-1", "UN-2")),)
    assert read.items[3].links == (("satisfies", ("UN-1", "UN-2", "UN-1")),)
    assert read.items[3].fields == (("status", "2025-01-02"),)
    assert read.items[0].source == f"{tmp_path / 'reqs.xlsx'}: Requirements!A3"
    write_import(
        empty_project, read.items, command="xlsx", source=tmp_path / "reqs.xlsx",
        out=empty_project.root / "items", fmt="rst", objects_read=read.rows_read,
    )  # fmt: skip
    items = {item.id: item for item in read_items(empty_project)}
    assert items["REQ-1"].item_type == "requirement"
    assert items["REQ-1"].content == "Flag each result\noutside the range."
    assert [link.target for link in items["REQ-1"].links] == ["UN-1", "UN-2"]
    assert items["UN-1"].fields == (("status", "approved"),)


def test_csv_rows_import_with_line_numbers(
    empty_project: Project, tmp_path: Path
) -> None:
    profile = empty_project.profile
    mapping = load_mapping(_mapping(empty_project, tmp_path), profile)
    path = tmp_path / "reqs.csv"
    path.write_text(
        "Requirement list,,,,,\n"
        "ID,Kind of item,Title,Description,Status,Traces to\n"
        'UN-1,User need,See results,"two\nlines",Open,\n'
        "REQ-1,Requirement,Flag,,Open,UN-1\n",
        encoding="utf-8",
    )
    read = read_spreadsheet(path, mapping, profile)
    assert [(i.id, i.source) for i in read.items] == [
        ("UN-1", f"{path}:3"),
        ("REQ-1", f"{path}:5"),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["REQ-3", "Requirement", "=CONCAT(C3,C4)", None, "Open", None],
         "Requirements!C8: formula '=CONCAT(C3,C4)'; give its value instead"),
        ([None, "Requirement", "No id", None, "Open", None],
         "Requirements!A8: empty ID in a row with content"),
        (["UN-1", "User need", "Again", None, "Open", None],
         "Requirements!A8: duplicate id 'UN-1' (first at "),
        (["REQ-3", "Test case", "Unknown type", None, "Open", None],
         "Requirements!B8: type 'Test case' is not in [sheet.types]"),
    ],
    ids=["formula", "empty-id", "duplicate-id", "unknown-type"],
)  # fmt: skip
def test_bad_rows_are_one_line_with_sheet_and_cell(
    empty_project: Project, tmp_path: Path, row: list[object], message: str
) -> None:
    profile = empty_project.profile
    mapping = load_mapping(_mapping(empty_project, tmp_path), profile)
    path = _workbook(tmp_path / "reqs.xlsx", [*_ROWS, row])
    with pytest.raises(InputError) as raised:
        read_spreadsheet(path, mapping, profile)
    assert str(raised.value).startswith(f"{path}: {message}")


def test_an_unknown_link_target_writes_nothing(
    empty_project: Project, tmp_path: Path
) -> None:
    profile = empty_project.profile
    mapping = load_mapping(_mapping(empty_project, tmp_path), profile)
    row: list[object] = ["REQ-3", "Requirement", "Dangling", None, "Open", "UN-1, UN-9"]
    path = _workbook(tmp_path / "reqs.xlsx", [*_ROWS, row])
    read = read_spreadsheet(path, mapping, profile)
    with pytest.raises(InputError) as raised:
        write_import(
            empty_project, read.items, command="xlsx", source=path,
            out=empty_project.root / "items", fmt="rst", objects_read=5,
        )  # fmt: skip
    assert str(raised.value) == (
        f"{path}: Requirements!A8: REQ-3: satisfies names 'UN-9', which is neither "
        "imported nor an item of the project"
    )
    assert list((empty_project.root / "items").iterdir()) == []
