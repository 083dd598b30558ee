"""Spreadsheets (XLSX, CSV) as items: ``qms import xlsx``.

A legacy requirement list or trace matrix is read with the ``[sheet]`` table of the
mapping file (:mod:`~qmsdoc.interchange.mapping`): the header row names the columns,
each following row with an id is one item, link columns may hold several ids
(separated by commas, semicolons or line breaks). Problems are one line naming the
file, the sheet and the cell (``reqs.xlsx: Requirements!A7: ...``; ``reqs.csv:7:``
for CSV): a formula (the value a reader saw may not be the one stored), an empty or
duplicate id, a type the mapping does not know, a column the header lacks.

The workbook's cells are read by :func:`qmsdoc.export.xlsx.read_sheet_rows`, the one
module that talks to openpyxl (read-only, formulas kept as formulas so that they are
refused, never evaluated), from bytes held within the ``report`` input limit, after
every member of the archive has been inflated within that limit
(:mod:`~qmsdoc.interchange.archive`), so a zip bomb never reaches openpyxl.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError
from qmsdoc.export.xlsx import read_sheet_rows
from qmsdoc.input_files import excerpt, read_input_bytes, read_input_text
from qmsdoc.interchange.archive import check_inflated_size
from qmsdoc.interchange.records import ImportedItem, normal_value

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from qmsdoc.interchange.mapping import ImportMapping, SheetMap
    from qmsdoc.profile import Profile

__all__ = ["SheetImport", "read_spreadsheet"]

_SEPARATORS = re.compile(r"[,;\n]")


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetImport:
    """The items of one sheet and the number of rows read."""

    items: tuple[ImportedItem, ...]
    rows_read: int
    sheet: str


@dataclass(frozen=True, slots=True)
class _Cell:
    where: str
    """``file: Sheet!B7`` or ``file:7``."""
    value: str
    formula: bool = False


def read_spreadsheet(
    path: Path, mapping: ImportMapping, profile: Profile
) -> SheetImport:
    """Read ``path`` (``.xlsx`` or ``.csv``) with the mapping's ``[sheet]`` table.

    :raises InputError: One line naming the file and cell of the first problem.
    """
    sheet_map = mapping.sheet
    if sheet_map is None:
        raise InputError(f"{mapping.source}: no [sheet] table; a spreadsheet needs one")
    if path.suffix.lower() == ".csv":
        name, rows = path.name, _csv_rows(path)
    else:
        name, rows = _xlsx_rows(path, sheet_map.sheet)
    return _Rows(sheet_map, mapping, profile).read(rows, sheet=name)


def _csv_rows(path: Path) -> list[list[_Cell]]:
    text = read_input_text(path, kind="report", encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[_Cell]] = []
    line = 1
    try:
        for row in reader:
            rows.append([_Cell(f"{path}:{line}", value) for value in row])
            line = reader.line_num + 1
    except csv.Error as error:
        raise InputError(f"{path}:{reader.line_num}: not valid CSV: {error}") from None
    return rows


def _xlsx_rows(path: Path, wanted: str | None) -> tuple[str, list[list[_Cell]]]:
    data = read_input_bytes(path, kind="report")
    check_inflated_size(data, source=str(path))
    name, rows = read_sheet_rows(data, wanted, source=str(path))
    return name, [
        [
            _Cell(
                f"{path}: {name}!{cell.coordinate}",
                _text(cell.value),
                cell.formula
                or (isinstance(cell.value, str) and cell.value.startswith("=")),
            )
            for cell in row
        ]
        for row in rows
    ]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value)


class _Rows:
    """Turns the rows of one sheet into items."""

    def __init__(
        self, sheet: SheetMap, mapping: ImportMapping, profile: Profile
    ) -> None:
        self.sheet = sheet
        self.mapping = mapping
        self.profile = profile

    def read(self, rows: Sequence[Sequence[_Cell]], *, sheet: str) -> SheetImport:
        if len(rows) < self.sheet.header_row:
            raise InputError(
                f"{self.mapping.source}: [sheet.header_row]: the sheet {sheet!r} has "
                f"only {len(rows)} rows"
            )
        header = rows[self.sheet.header_row - 1]
        columns = {
            " ".join(cell.value.split()): index
            for index, cell in enumerate(header)
            if cell.value.strip()
        }
        needed = [
            self.sheet.id,
            self.sheet.type_column,
            self.sheet.title,
            self.sheet.content,
        ]
        needed += [name for name, _ in (*self.sheet.fields, *self.sheet.links)]
        for name in needed:
            if name is not None and name not in columns:
                where = header[0].where if header else sheet
                raise InputError(
                    f"{where}: no column {name!r} in header row {self.sheet.header_row} "
                    f"(columns: {excerpt(', '.join(columns), 160)})"
                )
        wanted = {columns[name] for name in needed if name is not None}
        items: list[ImportedItem] = []
        seen: dict[str, str] = {}
        count = 0
        for row in rows[self.sheet.header_row :]:
            cells = {index: row[index] for index in wanted if index < len(row)}
            for cell in cells.values():
                if cell.formula:
                    raise InputError(
                        f"{cell.where}: formula {excerpt(cell.value, 40)!r}; "
                        "give its value instead (formulas are not evaluated)"
                    )
            if not any(cell.value.strip() for cell in cells.values()):
                continue
            count += 1
            item = self.item(row, columns)
            if item.id in seen:
                raise InputError(
                    f"{item.source}: duplicate id {item.id!r} (first at {seen[item.id]})"
                )
            seen[item.id] = item.source
            items.append(item)
        return SheetImport(items=tuple(items), rows_read=count, sheet=sheet)

    def item(self, row: Sequence[_Cell], columns: dict[str, int]) -> ImportedItem:
        def cell(name: str) -> _Cell:
            index = columns[name]
            return row[index] if index < len(row) else _Cell(row[0].where, "")

        id_cell = cell(self.sheet.id)
        item_id = id_cell.value.strip()
        if not item_id:
            raise InputError(f"{id_cell.where}: empty ID in a row with content")
        type_name = self.sheet.item_type
        if self.sheet.type_column is not None:
            type_cell = cell(self.sheet.type_column)
            type_name = dict(self.sheet.types).get(type_cell.value.strip())
            if type_name is None:
                known = ", ".join(name for name, _ in self.sheet.types)
                raise InputError(
                    f"{type_cell.where}: type {excerpt(type_cell.value, 40)!r} is not "
                    f"in [sheet.types] ({known})"
                )
        item_type = self.profile.item_type(type_name or "")
        assert item_type is not None  # checked when the mapping was read
        fields = [
            (field, self.value(field, cell(column).value))
            for column, field in self.sheet.fields
            if cell(column).value.strip()
        ]
        present = {field for field, _ in fields}
        fields.extend(pair for pair in self.sheet.defaults if pair[0] not in present)
        links = []
        for column, link in self.sheet.links:
            targets = tuple(_split(cell(column).value))
            if targets:
                links.append((link, targets))
        return ImportedItem(
            item_type=item_type.name,
            directive=item_type.directive,
            id=item_id,
            title=" ".join(cell(self.sheet.title).value.split())
            if self.sheet.title
            else "",
            fields=tuple(fields),
            links=tuple(links),
            content=cell(self.sheet.content).value.strip()
            if self.sheet.content
            else "",
            source=id_cell.where,
        )

    def value(self, field: str, value: str) -> str:
        spec = self.profile.field_spec(field)
        if spec is not None and spec.kind in ("choice", "choices"):
            parts = _split(value) if spec.kind == "choices" else [value.strip()]
            return ", ".join(self.mapping.value(field, part) for part in parts)
        return normal_value(self.mapping.value(field, value))


def _split(text: str) -> Iterator[str]:
    return (part.strip() for part in _SEPARATORS.split(text) if part.strip())
