"""The traceability workbook, written with openpyxl: the only module that imports it.

Sheets: one per trace matrix of the profile that has rows, ``Coverage`` (one row per
rule), ``Gaps`` (one row per hole), ``SOUP`` and ``Vulnerabilities`` when SBOM and
scanner records were imported, ``All items`` and ``About``. Every sheet has a frozen
header row, an autofilter, fixed column widths
and wrapped text; item cells link to the item in the HTML build. Untrusted text is
always stored as a string (never a formula), and the file is byte-identical for the
same input: fixed document times and fixed times on every zip entry.

openpyxl writes the workbook (styles, sheet settings, parts); the rows, hyperlinks and
their relationships are serialised here, exactly as openpyxl's own write-only sheets
write them, and spliced into its sheet parts: building one openpyxl cell per value cost
most of the export time of a large device file.
"""

from __future__ import annotations

import io
import re
import zipfile
from copy import copy
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, cast

from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qmsdoc.checks.soup import soup_items_by_key
from qmsdoc.checks.vulnerability import assessments_of
from qmsdoc.model.ordering import natural_key
from qmsdoc.processes import PROCESSES
from qmsdoc.storage.atomic import write_atomic
from qmsdoc.trace.matrix import build_matrix, row_verification

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime
    from pathlib import Path

    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from qmsdoc.evidence.status import EvidenceView
    from qmsdoc.history.diff import RevisionDiff
    from qmsdoc.model import Item
    from qmsdoc.profile import Profile
    from qmsdoc.soup.records import SbomRecord
    from qmsdoc.trace.gaps import GapReport
    from qmsdoc.trace.graph import TraceGraph
    from qmsdoc.trace.matrix import MatrixRow, MatrixView
    from qmsdoc.vulnerability.records import ScanRecord

__all__ = [
    "SECTIONS",
    "WorkbookContext",
    "diff_workbook_bytes",
    "workbook_bytes",
    "write_diff_workbook",
    "write_workbook",
]

#: characters XML 1.0 cannot hold; dropped from untrusted text
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: openpyxl cuts a cell's text to Excel's limit of characters per cell
_CELL_TEXT_LIMIT = 32767
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_GAP_FILL = PatternFill("solid", fgColor="F4A3A3")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MAX_WIDTH = 60
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_RELATIONSHIPS_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)
_PACKAGE_RELATIONSHIPS_NS = (
    "http://schemas.openxmlformats.org/package/2006/relationships"
)
#: openpyxl serialises with lxml when it is installed, else with the standard library;
#: the rows written here follow the same one: how an empty element ends, whether
#: characters beyond ASCII become references, how a tab in an attribute is written,
#: whether a text of only spaces is marked to be preserved
_EMPTY_END = "/>" if LXML else " />"
_EMPTY_CELL_END = "></c>" if LXML else " />"
_NON_ASCII = "xmlcharrefreplace" if LXML else "strict"
_ENCODING = "ascii" if LXML else "utf-8"
_TAB_IN_ATTRIBUTE = "&#9;" if LXML else "&#09;"
_PRESERVE_BLANK = LXML
#: what openpyxl writes for a write-only sheet without rows, and where the
#: hyperlinks go (after the autofilter, before the page margins)
_EMPTY_SHEET_DATA = b"<sheetData></sheetData>"
_PAGE_MARGINS = b"<pageMargins "
#: sheets the workbook always has; a matrix may not take their names
_FIXED_SHEETS = ("Coverage", "Gaps", "SOUP", "Vulnerabilities", "All items", "About")


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkbookContext:
    """Everything the workbook shows about where it came from."""

    project: str
    profile: Profile
    graph: TraceGraph
    gaps: GapReport
    commit: str
    generated: datetime
    generator: str
    html_base: str
    """Prefix of links to item pages, e.g. ``../_build/html/``."""
    sboms: tuple[SbomRecord, ...] = ()
    """Imported SBOM records (the ``SOUP`` sheet)."""
    scans: tuple[ScanRecord, ...] = ()
    """Imported scanner records (the ``Vulnerabilities`` sheet)."""
    evidence: EvidenceView | None = None
    """Verification states (the ``Verification`` sheet and the matrices' state
    columns); None: no evidence configured, and the sheets say so."""


def write_workbook(path: Path, context: WorkbookContext) -> None:
    """Write the workbook atomically (temporary file, then rename)."""
    write_atomic(path, workbook_bytes(context))


def workbook_bytes(context: WorkbookContext) -> bytes:
    """The workbook as deterministic bytes."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = context.generator
    workbook.properties.created = context.generated.replace(tzinfo=None)
    workbook.properties.modified = context.generated.replace(tzinfo=None)
    writer = _SheetWriter(context, workbook)
    # each QMS process's sections, in process order (qmsdoc.processes)
    for process in PROCESSES:
        for section in process.sheets:
            SECTIONS[section](writer, workbook, context)
    writer.all_items(workbook.create_sheet("All items"))
    writer.about(workbook.create_sheet("About"))
    return writer.save(context.generated)


def _matrices(
    writer: _SheetWriter, workbook: Workbook, context: WorkbookContext
) -> None:
    for spec in context.profile.matrices:
        view = build_matrix(context.graph, spec)
        if view.rows:
            writer.matrix(workbook.create_sheet(_sheet_name(spec.name)), view)


def _soup(writer: _SheetWriter, workbook: Workbook, context: WorkbookContext) -> None:
    if context.sboms and context.profile.soup is not None:
        writer.soup(workbook.create_sheet("SOUP"))


def _vulnerabilities(
    writer: _SheetWriter, workbook: Workbook, context: WorkbookContext
) -> None:
    if context.scans and context.profile.soup is not None:
        writer.vulnerabilities(workbook.create_sheet("Vulnerabilities"))


#: the workbook sections the QMS processes name (``QmsProcess.sheets``); ``All items``
#: and ``About`` close every workbook
SECTIONS: dict[str, Callable[[_SheetWriter, Workbook, WorkbookContext], None]] = {
    "matrices": _matrices,
    "coverage": lambda writer, book, _: writer.coverage(book.create_sheet("Coverage")),
    "gaps": lambda writer, book, _: writer.gaps(book.create_sheet("Gaps")),
    "verification": lambda writer, book, _: writer.verification(
        book.create_sheet("Verification")
    ),
    "soup": _soup,
    "vulnerabilities": _vulnerabilities,
}


def write_diff_workbook(
    path: Path, difference: RevisionDiff, generated: datetime
) -> None:
    """Write the differences between two revisions as one sheet, atomically."""
    write_atomic(path, diff_workbook_bytes(difference, generated))


def diff_workbook_bytes(difference: RevisionDiff, generated: datetime) -> bytes:
    """A workbook with a ``Changes`` sheet: one row per added, removed or changed item."""
    workbook = Workbook(write_only=True)
    workbook.properties.created = generated.replace(tzinfo=None)
    sheet = workbook.create_sheet("Changes")
    writer = _SheetWriter(None, workbook)
    rows = []
    for item in difference.items:
        fields = "\n".join(f"{c.name}: {c.old!r} -> {c.new!r}" for c in item.fields)
        links = "\n".join(
            [
                *(f"+ {link}" for link in item.links_added),
                *(f"- {link}" for link in item.links_removed),
            ]
        )
        rows.append(
            [
                writer.text(item.kind),
                writer.text(item.item_id),
                writer.text(item.title),
                writer.text(fields),
                writer.text(links),
                writer.text("\n".join(item.text_diff[2:])),
                writer.text(item.path),
            ]
        )
    headers = ["Change", "ID", "Title", "Fields", "Links", "Text diff", "File"]
    writer.table(sheet, headers, rows, [9, 12, 50, 50, 30, 60, 36])
    about = workbook.create_sheet("About")
    writer.table(
        about,
        ["Property", "Value"],
        [
            [writer.text("From"), writer.text(difference.old)],
            [writer.text("To"), writer.text(difference.new)],
            [
                writer.text("Generated (UTC)"),
                writer.text(generated.strftime("%Y-%m-%dT%H:%M:%SZ")),
            ],
        ],
        [18, 60],
    )
    return writer.save(generated)


class _SheetWriter:
    def __init__(self, context: WorkbookContext | None, workbook: Workbook) -> None:
        self._context = context
        # Styles are registered once and their index arrays copied onto each cell:
        # assigning a style object per cell re-hashes it every time, which was most
        # of the export time on large files.
        sample = WriteOnlyCell(workbook.create_sheet("_styles"), value="")
        sample.alignment = _WRAP
        self._wrap = copy(_style_of(sample))
        sample.fill = _GAP_FILL
        self._gap = copy(_style_of(sample))
        sample.fill = _HEADER_FILL
        sample.font = _HEADER_FONT
        self._header_style = copy(_style_of(sample))
        workbook.remove(workbook["_styles"])
        self._workbook = workbook
        self._style_ids: dict[_Style, int] = {}
        self._sheets: list[tuple[WriteOnlyWorksheet, _SheetRows]] = []

    def save(self, generated: datetime) -> bytes:
        """The workbook with the rows of every table, as deterministic bytes."""
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        # openpyxl numbers the sheet parts when it saves
        rows = {
            cast("Any", sheet).path.removeprefix("/"): sheet_rows
            for sheet, sheet_rows in self._sheets
        }
        return _seal(buffer.getvalue(), generated, rows)

    def matrix(self, sheet: WriteOnlyWorksheet, view: MatrixView) -> None:
        headers = [column.title for column in view.columns]
        widths = [len(title) for title in headers]
        rows = []
        for row in view.rows:
            cells = self._matrix_cells(row, widths)
            cells.append(self.text("no" if row.has_gap else "yes", gap=row.has_gap))
            cells.append(self._state_cell(row))
            rows.append(cells)
        headers += ["Traced", "Verification (executed records)"]
        widths += [7, 24]
        self.table(sheet, headers, rows, widths)

    def _state_cell(self, row: MatrixRow) -> Any:
        """The verification states of the row's root and expanded item; says so when
        none can be found."""
        evidence = self.context_.evidence
        if evidence is None:
            return self.text("no evidence records configured", gap=True)
        text, done = row_verification(evidence, row)
        return self.text(text, gap=not done)

    def verification(self, sheet: WriteOnlyWorksheet) -> None:
        headers = ["Item", "Type", "Title", "State", "Detail", "Records"]
        rows = []
        evidence = self.context_.evidence
        graph = self.context_.graph
        if evidence is None:
            rows.append([self.text("no evidence records configured", gap=True)])
        else:
            for state in evidence.gated(graph):
                item = graph.item(state.item_id)
                records = "\n".join(
                    sorted(
                        {
                            f"{r.record}: {r.result.name} {r.result.outcome}"
                            for r in state.executed
                        }
                    )
                )
                rows.append(
                    [
                        self.text(state.item_id, link=item),
                        self.text(item.item_type if item else ""),
                        self.text(item.title if item else ""),
                        self.text(state.label, gap=not state.verified),
                        self.text(state.describe()),
                        self.text(records or "no executed record"),
                    ]
                )
        self.table(sheet, headers, rows, [12, 18, 50, 22, 60, 60])

    def _matrix_cells(self, row: MatrixRow, widths: list[int]) -> list[Any]:
        cells = []
        for index, cell in enumerate(row.cells):
            if cell.gap:
                cells.append(self.text("MISSING", gap=True))
                widths[index] = max(widths[index], 7)
                continue
            text = "\n".join(f"{item.id} {item.title}" for item in cell.items)
            widths[index] = max(
                widths[index], *(len(line) for line in text.splitlines() or [""])
            )
            cells.append(self.text(text, link=cell.items[0] if cell.items else None))
        return cells

    def coverage(self, sheet: WriteOnlyWorksheet) -> None:
        headers = [
            "Rule",
            "Check",
            "Clause",
            "Blocking",
            "Items",
            "Traced",
            "Traced %",
            "Holes",
            "Verified (executed records)",
            "Verified %",
        ]
        rows = []
        for figure in self.context_.gaps.figures:
            verified = self.context_.gaps.verified_figure(figure.rule.name)
            rows.append(
                [
                    self.text(figure.rule.name),
                    self.text(f"qms.{figure.rule.check_id}"),
                    self.text(figure.rule.clause),
                    self.text("yes" if figure.rule.blocking else "no"),
                    figure.total,
                    figure.covered,
                    self.text("empty rule", gap=True)
                    if figure.empty
                    else figure.percent,
                    len(figure.uncovered),
                    verified.verified if verified else self.text("n/a"),
                    verified.percent if verified else self.text("n/a"),
                ]
            )
        self.table(sheet, headers, rows, [28, 40, 30, 9, 8, 8, 11, 7, 14, 11])

    def gaps(self, sheet: WriteOnlyWorksheet) -> None:
        headers = ["Rule", "Item", "Title", "Location"]
        rows = []
        for figure in self.context_.gaps.figures:
            for item_id in figure.uncovered:
                item = self.context_.graph.item(item_id)
                rows.append(
                    [
                        self.text(figure.rule.name),
                        self.text(item_id, link=item),
                        self.text(item.title if item else ""),
                        self.text(str(item.location) if item else ""),
                    ]
                )
        self.table(sheet, headers, rows, [28, 12, 60, 40])

    def soup(self, sheet: WriteOnlyWorksheet) -> None:
        context = self.context_
        config = context.profile.soup
        assert config is not None
        items = soup_items_by_key(context.graph, config)
        headers = ["SBOM", "Component", "Version", "Supplier", "PURL", "Licences",
                   "SHA-256", "SOUP item", "Safety relevance", "Support", "End of support"]  # fmt: skip
        rows = []
        for record in context.sboms:
            for component in record.components:
                item = items.get(component.key, [None])[0]
                sha256 = dict(component.hashes).get("SHA-256") or dict(
                    component.hashes
                ).get("sha256", "")
                rows.append(
                    [
                        self.text(record.name),
                        self.text(component.name),
                        self.text(component.version or ""),
                        self.text(component.supplier or ""),
                        self.text(component.purl or ""),
                        self.text(", ".join(component.licenses)),
                        self.text(sha256),
                        self.text(item.id, link=item)
                        if item is not None
                        else self.text("MISSING", gap=True),
                        self.text(_field(item, config.relevance_field)),
                        self.text(_field(item, config.support_level_field)),
                        self.text(_field(item, config.end_of_support_field)),
                    ]
                )
        self.table(sheet, headers, rows, [14, 24, 12, 24, 36, 18, 20, 11, 10, 16, 12])

    def vulnerabilities(self, sheet: WriteOnlyWorksheet) -> None:
        context = self.context_
        config = context.profile.soup
        assert config is not None
        headers = ["Scan", "Vulnerability", "Aliases", "Package", "Version",
                   "Severity", "Fixed in", "Assessment", "VEX status", "Title"]  # fmt: skip
        rows = []
        for record in context.scans:
            for reported in record.findings:
                assessed = assessments_of(context.graph, config, reported)
                first = assessed[0] if assessed else None
                rows.append(
                    [
                        self.text(record.name),
                        self.text(reported.vulnerability_id),
                        self.text(", ".join(reported.aliases)),
                        self.text(reported.package),
                        self.text(reported.version or ""),
                        self.text(reported.severity or ""),
                        self.text(", ".join(reported.fixed_versions)),
                        self.text(first.id, link=first)
                        if first is not None
                        else self.text("UNASSESSED", gap=True),
                        self.text(
                            ", ".join(
                                item.field(config.status_field) or ""
                                for item in assessed
                            ),
                        ),
                        self.text(reported.title),
                    ]
                )
        self.table(sheet, headers, rows, [14, 22, 22, 18, 10, 9, 14, 11, 14, 50])

    def all_items(self, sheet: WriteOnlyWorksheet) -> None:
        headers = ["ID", "Type", "Title", "Status", "Links", "Fields", "Location"]
        rows = []
        items = sorted(self.context_.graph, key=lambda item: natural_key(item.id))
        for item in items:
            links = "\n".join(f"{link.link_type} {link.target}" for link in item.links)
            fields = "\n".join(
                f"{name}: {' '.join(value.split())}"
                for name, value in item.fields
                if name != "status"
            )
            rows.append(
                [
                    self.text(item.id, link=item),
                    self.text(item.item_type),
                    self.text(item.title),
                    self.text(item.field("status") or ""),
                    self.text(links),
                    self.text(fields),
                    self.text(str(item.location)),
                ]
            )
        self.table(sheet, headers, rows, [12, 20, 60, 11, 28, 50, 40])

    def about(self, sheet: WriteOnlyWorksheet) -> None:
        context = self.context_
        links = sum(len(item.links) for item in context.graph)
        facts = [
            ("Project", context.project),
            ("Profile", f"{context.profile.name} {context.profile.version}"),
            ("Commit", context.commit),
            ("Generated (UTC)", context.generated.strftime("%Y-%m-%dT%H:%M:%SZ")),
            ("Generator", context.generator),
            ("Items", str(len(context.graph))),
            ("Links", str(links)),
            ("Gap report", "fail" if context.gaps.blocking_failed else "pass"),
        ]
        rows = [[self.text(key), self.text(value)] for key, value in facts]
        self.table(sheet, ["Property", "Value"], rows, [18, 70])

    @property
    def context_(self) -> WorkbookContext:
        assert self._context is not None
        return self._context

    def table(
        self,
        sheet: WriteOnlyWorksheet,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[int],
    ) -> None:
        # column widths and the autofilter exist on write-only sheets at run time, but
        # not in the stubs
        dimensions = cast("Any", sheet).column_dimensions
        for index, width in enumerate(widths, start=1):
            dimensions[get_column_letter(index)].width = min(width + 2, _MAX_WIDTH)
        sheet.freeze_panes = "A2"
        last = f"{get_column_letter(len(headers))}{len(rows) + 1}"
        cast("Any", sheet).auto_filter.ref = f"A1:{last}"
        header = [replace(self.text(title), style="header") for title in headers]
        self._sheets.append((sheet, self._sheet_rows(sheet, [header, *rows])))

    def text(
        self, text: str, *, link: Item | None = None, gap: bool = False
    ) -> _TextCell:
        """A string cell: never a formula, whatever the text starts with."""
        target = None
        if link is not None:
            target = f"{self.context_.html_base}{link.location.docname}.html#{link.id}"
        return _TextCell(
            text=_ILLEGAL.sub("", text)[:_CELL_TEXT_LIMIT],
            style="gap" if gap else "wrap",
            link=None if target is None else _ILLEGAL.sub("", target),
        )

    def _sheet_rows(
        self, sheet: WriteOnlyWorksheet, rows: Sequence[Sequence[_Value]]
    ) -> _SheetRows:
        width = max((len(row) for row in rows), default=0)
        letters = [get_column_letter(column) for column in range(1, width + 1)]
        parts = ["<sheetData>"]
        links: list[tuple[str, str]] = []
        for number, row in enumerate(rows, start=1):
            parts.append(f'<row r="{number}">')
            for column, value in enumerate(row):
                reference = f"{letters[column]}{number}"
                if not isinstance(value, _TextCell):
                    kind = "b" if isinstance(value, bool) else "n"
                    parts.append(
                        f'<c r="{reference}" t="{kind}"><v>{safe_string(value)}</v></c>'
                    )
                    continue
                style = self._style_ids.get(value.style)
                if style is None:
                    style = self._register_style(sheet, value.style)
                if value.link is not None:
                    links.append((reference, value.link))
                text = value.text
                if not text:
                    parts.append(
                        f'<c r="{reference}" s="{style}" t="inlineStr"{_EMPTY_CELL_END}'
                    )
                    continue
                stripped = text.strip()
                preserve = text != stripped and (bool(stripped) or _PRESERVE_BLANK)
                space = ' xml:space="preserve"' if preserve else ""
                parts.append(
                    f'<c r="{reference}" s="{style}" t="inlineStr">'
                    f"<is><t{space}>{_escape_text(text)}</t></is></c>"
                )
            parts.append("</row>")
        parts.append("</sheetData>")
        data = "".join(parts).encode(_ENCODING, _NON_ASCII)
        return _SheetRows(sheet_data=data, hyperlinks=tuple(links))

    def _register_style(self, sheet: WriteOnlyWorksheet, style: _Style) -> int:
        """Number the style when its first cell is written, at the point openpyxl would."""
        cell = WriteOnlyCell(sheet)
        arrays = {"wrap": self._wrap, "gap": self._gap, "header": self._header_style}
        cast("Any", cell)._style = copy(arrays[style])
        identifier = self._style_ids[style] = cell.style_id
        return identifier


_Style = Literal["wrap", "gap", "header"]


@dataclass(frozen=True, slots=True, kw_only=True)
class _TextCell:
    """A string cell before it is written."""

    text: str
    """Without the characters XML cannot hold, cut to the cell limit."""
    style: _Style
    link: str | None
    """Target of the cell's hyperlink."""


#: a value of a table row: text, or a number (written without a style)
_Value = _TextCell | float


@dataclass(frozen=True, slots=True, kw_only=True)
class _SheetRows:
    """The rows of one sheet, serialised, and its hyperlinks in cell order."""

    sheet_data: bytes
    hyperlinks: tuple[tuple[str, str], ...]
    """(cell reference, target)."""


def _escape_text(text: str) -> str:
    # a carriage return as a reference: XML reads a literal one back as a line feed
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


def _escape_attribute(text: str) -> str:
    return (
        _escape_text(text)
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\t", _TAB_IN_ATTRIBUTE)
    )


def _field(item: Item | None, name: str) -> str:
    return (item.field(name) or "") if item is not None else ""


def _style_of(cell: Cell) -> Any:
    """The cell's style index array (openpyxl's ``StyleArray``, private)."""
    return cast("Any", cell)._style


def _sheet_name(name: str) -> str:
    title = name.replace("_", " ").capitalize()
    if title.casefold() in {fixed.casefold() for fixed in _FIXED_SHEETS}:
        title = f"{title} matrix"
    return title[:31]


def _seal(data: bytes, generated: datetime, rows: Mapping[str, _SheetRows]) -> bytes:
    """Rewrite the zip so that the same input gives the same bytes.

    Every entry gets one fixed time (zip times run from 1980 to 2107); the document's
    modified time, which openpyxl sets to the clock when saving, becomes
    ``generated``; and each sheet part gets its rows, hyperlinks and relationships.
    """
    stamp = min(
        max(generated.timetuple()[:6], (1980, 1, 1, 0, 0, 0)),
        (2107, 12, 31, 23, 59, 58),
    )
    modified = generated.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + modified + rb"\g<2>", content)
            parts = [(info.filename, content)]
            if info.filename in rows:
                parts = _sheet_parts(info.filename, content, rows[info.filename])
            for name, part in parts:
                entry = zipfile.ZipInfo(name, date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o600 << 16
                target.writestr(entry, part)
    return output.getvalue()


def _sheet_parts(
    name: str, content: bytes, rows: _SheetRows
) -> list[tuple[str, bytes]]:
    """The sheet part that openpyxl wrote without rows, completed, and its relationships.

    The hyperlinks and relationships are written as openpyxl writes them: the same
    elements, attribute order and relationship ids (``rId1``... in cell order).
    """
    if content.count(_EMPTY_SHEET_DATA) != 1 or content.count(_PAGE_MARGINS) != 1:
        raise RuntimeError(f"{name}: openpyxl wrote the sheet in an unexpected form")
    if rows.hyperlinks:
        hyperlinks = "".join(
            f'<hyperlink xmlns:r="{_RELATIONSHIPS_NS}" ref="{reference}" '
            f'r:id="rId{number}"{_EMPTY_END}'
            for number, (reference, _) in enumerate(rows.hyperlinks, start=1)
        )
        content = content.replace(
            _PAGE_MARGINS,
            f"<hyperlinks>{hyperlinks}</hyperlinks>".encode() + _PAGE_MARGINS,
        )
    parts = [(name, content.replace(_EMPTY_SHEET_DATA, rows.sheet_data))]
    if rows.hyperlinks:
        relationships = "".join(
            f'<Relationship Type="{_RELATIONSHIPS_NS}/hyperlink" '
            f'Target="{_escape_attribute(target)}" TargetMode="External" '
            f'Id="rId{number}"{_EMPTY_END}'
            for number, (_, target) in enumerate(rows.hyperlinks, start=1)
        )
        folder, _, file_name = name.rpartition("/")
        parts.append(
            (
                f"{folder}/_rels/{file_name}.rels",
                f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS_NS}">'
                f"{relationships}</Relationships>".encode(),
            )
        )
    return parts


# --- manual test protocols -------------------------------------------------------

from datetime import date as _date  # noqa: E402 (appended section)
from datetime import datetime as _datetime  # noqa: E402
from datetime import time as _time  # noqa: E402

from openpyxl import load_workbook  # noqa: E402
from openpyxl.styles import Protection  # noqa: E402
from openpyxl.worksheet.datavalidation import DataValidation  # noqa: E402

from qmsdoc.errors import InputError  # noqa: E402
from qmsdoc.evidence.protocol import protocol_layout  # noqa: E402
from qmsdoc.input_files import regular_file  # noqa: E402

if TYPE_CHECKING:
    from qmsdoc.evidence.protocol import Protocol

__all__ += [
    "SheetCell",
    "protocol_workbook_bytes",
    "read_sheet_rows",
    "read_workbook_cells",
    "write_protocol_workbook",
]

#: the document times of a protocol workbook: fixed, so one protocol is one file
_PROTOCOL_TIME = (2000, 1, 1)
_ENTRY_FILL = PatternFill("solid", fgColor="FFF2CC")
_GIVEN_FILL = PatternFill("solid", fgColor="F2F2F2")


def write_protocol_workbook(path: Path, protocols: Sequence[Protocol]) -> None:
    """Write the protocol workbook atomically."""
    write_atomic(path, protocol_workbook_bytes(protocols))


def protocol_workbook_bytes(protocols: Sequence[Protocol]) -> bytes:
    """A workbook with one sheet per protocol (named by its test id), as deterministic
    bytes: given cells locked, entry cells unlocked and kept as text (so a typed date
    stays what was typed), choice lists on the verdict cells.

    The layout comes from :func:`qmsdoc.evidence.protocol.protocol_layout`.
    """
    generated = _datetime(*_PROTOCOL_TIME)  # document times are naive
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    workbook.properties.creator = "qmsdoc"
    workbook.properties.created = generated
    workbook.properties.modified = generated
    for protocol in protocols:
        layout = protocol_layout(protocol)
        sheet = workbook.create_sheet(layout.name)
        for column, width in layout.widths:
            sheet.column_dimensions[column].width = width
        for spec in layout.cells:
            cell = sheet[spec.coordinate]
            cell.value = _ILLEGAL.sub("", spec.text)[:_CELL_TEXT_LIMIT]
            cell.data_type = "s"  # text, never a formula, whatever it starts with
            cell.alignment = _WRAP
            if spec.role in ("label", "heading"):
                cell.font = _HEADER_FONT
            if spec.role == "heading":
                cell.fill = _HEADER_FILL
            elif spec.role == "given":
                cell.fill = _GIVEN_FILL
            elif spec.role == "entry":
                cell.fill = _ENTRY_FILL
                cell.number_format = "@"
                cell.protection = Protection(locked=False)
        for choice in layout.choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choice.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Not a choice",
                error=f"Choose one of: {', '.join(choice.choices)}",
            )
            validation.add(choice.cells)
            sheet.add_data_validation(validation)
        # locked against accidental edits; no password: the import checks every cell
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _seal(buffer.getvalue(), generated, {})


def read_workbook_cells(path: Path) -> dict[str, dict[str, str]]:
    """Every non-empty cell of a workbook as text: sheet -> coordinate -> text.

    Formulas are read as their text (never evaluated); dates and times as ISO 8601;
    whole numbers without a decimal point.

    :raises InputError: ``file: not a readable workbook`` if it cannot be read, or
        it is not a regular file of at most the report size limit (a FIFO would hang).
    """
    regular_file(path, kind="report")
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        raise InputError(f"{path}: not a readable workbook") from None
    cells: dict[str, dict[str, str]] = {}
    try:
        for sheet in workbook.worksheets:
            values: dict[str, str] = {}
            for row in sheet.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None or value == "":
                        continue
                    if isinstance(value, _datetime | _date | _time):
                        text = value.isoformat()
                    elif isinstance(value, float) and value.is_integer():
                        text = str(int(value))
                    else:
                        text = str(value)
                    values[cast("Any", cell).coordinate] = text
            cells[sheet.title] = values
    except Exception:  # a sheet part may be damaged too
        raise InputError(f"{path}: not a readable workbook") from None
    finally:
        workbook.close()
    return cells


# --- spreadsheets to import (qms import xlsx) ---------------------------------------


@dataclass(frozen=True, slots=True)
class SheetCell:
    """One cell of a sheet read for import, as stored (never evaluated)."""

    coordinate: str
    """``B7``."""
    value: object
    formula: bool
    """The cell holds a formula: the value a reader saw may not be the one stored."""


def read_sheet_rows(
    data: bytes, wanted: str | None, *, source: str
) -> tuple[str, list[list[SheetCell]]]:
    """The rows of one sheet of a workbook given as bytes (read-only, formulas kept
    as formulas), and the sheet's name: ``wanted``, or the first sheet.

    :raises InputError: ``source: ...`` if the bytes are not a workbook openpyxl can
        read, or it has no sheet ``wanted``.
    """
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises what its readers meet
        raise InputError(
            f"{source}: not a workbook openpyxl can read ({type(error).__name__}: "
            f"{' '.join(str(error).split())[:120]})"
        ) from None
    try:
        if wanted is not None and wanted not in workbook.sheetnames:
            raise InputError(
                f"{source}: no sheet {wanted!r} (sheets: {', '.join(workbook.sheetnames)})"
            )
        name = wanted or workbook.sheetnames[0]
        rows = [
            [
                SheetCell(
                    f"{get_column_letter(column)}{row}",
                    getattr(cell, "value", None),
                    getattr(cell, "data_type", None) == "f",
                )
                for column, cell in enumerate(values, 1)
            ]
            for row, values in enumerate(workbook[name].iter_rows(), 1)
        ]
    finally:
        workbook.close()
    return name, rows
