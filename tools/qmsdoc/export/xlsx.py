"""The traceability workbook, written with openpyxl: the only module that imports it.

Sheets: one per trace matrix of the profile that has rows, ``Coverage`` (one row per
rule), ``Gaps`` (one row per hole), ``SOUP`` and ``Vulnerabilities`` when SBOM and
scanner records were imported, ``All items`` and ``About``. Every sheet has a frozen
header row, an autofilter, fixed column widths
and wrapped text; item cells link to the item in the HTML build. Untrusted text is
always stored as a string (never a formula), and the file is byte-identical for the
same input: fixed document times and fixed times on every zip entry.
"""

from __future__ import annotations

import io
import re
import zipfile
from copy import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qmsdoc.checks.soup import soup_key
from qmsdoc.checks.vulnerability import assessments_of
from qmsdoc.report.atomic import write_atomic
from qmsdoc.trace.matrix import build_matrix, natural_key

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from pathlib import Path

    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from qmsdoc.history.diff import RevisionDiff
    from qmsdoc.model import Item
    from qmsdoc.profile import Profile
    from qmsdoc.soup.records import SbomRecord
    from qmsdoc.trace.gaps import GapReport
    from qmsdoc.trace.graph import TraceGraph
    from qmsdoc.trace.matrix import MatrixView
    from qmsdoc.vulnerability.records import ScanRecord

__all__ = [
    "WorkbookContext",
    "diff_workbook_bytes",
    "workbook_bytes",
    "write_diff_workbook",
    "write_workbook",
]

#: characters XML 1.0 cannot hold; dropped from untrusted text
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_GAP_FILL = PatternFill("solid", fgColor="F4A3A3")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MAX_WIDTH = 60
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
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
    for spec in context.profile.matrices:
        view = build_matrix(context.graph, spec)
        if view.rows:
            writer.matrix(workbook.create_sheet(_sheet_name(spec.name)), view)
    writer.coverage(workbook.create_sheet("Coverage"))
    writer.gaps(workbook.create_sheet("Gaps"))
    if context.sboms and context.profile.soup is not None:
        writer.soup(workbook.create_sheet("SOUP"))
    if context.scans and context.profile.soup is not None:
        writer.vulnerabilities(workbook.create_sheet("Vulnerabilities"))
    writer.all_items(workbook.create_sheet("All items"))
    writer.about(workbook.create_sheet("About"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _seal(buffer.getvalue(), context.generated)


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
                writer.text(sheet, item.kind),
                writer.text(sheet, item.item_id),
                writer.text(sheet, item.title),
                writer.text(sheet, fields),
                writer.text(sheet, links),
                writer.text(sheet, "\n".join(item.text_diff[2:])),
                writer.text(sheet, item.path),
            ]
        )
    headers = ["Change", "ID", "Title", "Fields", "Links", "Text diff", "File"]
    writer.table(sheet, headers, rows, [9, 12, 50, 50, 30, 60, 36])
    about = workbook.create_sheet("About")
    writer.table(
        about,
        ["Property", "Value"],
        [
            [writer.text(about, "From"), writer.text(about, difference.old)],
            [writer.text(about, "To"), writer.text(about, difference.new)],
            [
                writer.text(about, "Generated (UTC)"),
                writer.text(about, generated.strftime("%Y-%m-%dT%H:%M:%SZ")),
            ],
        ],
        [18, 60],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _seal(buffer.getvalue(), generated)


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

    def matrix(self, sheet: WriteOnlyWorksheet, view: MatrixView) -> None:
        headers = [column.title for column in view.columns]
        widths = [len(title) for title in headers]
        rows = []
        for row in view.rows:
            cells = []
            for index, cell in enumerate(row.cells):
                if cell.gap:
                    cells.append(self.text(sheet, "MISSING", gap=True))
                    widths[index] = max(widths[index], 7)
                    continue
                text = "\n".join(f"{item.id} {item.title}" for item in cell.items)
                widths[index] = max(
                    widths[index], *(len(line) for line in text.splitlines() or [""])
                )
                cells.append(
                    self.text(sheet, text, link=cell.items[0] if cell.items else None)
                )
            rows.append(cells)
        self.table(sheet, headers, rows, widths)

    def coverage(self, sheet: WriteOnlyWorksheet) -> None:
        headers = [
            "Rule",
            "Check",
            "Clause",
            "Blocking",
            "Items",
            "Covered",
            "Coverage %",
            "Holes",
        ]
        rows = [
            [
                self.text(sheet, figure.rule.name),
                self.text(sheet, f"qms.{figure.rule.check_id}"),
                self.text(sheet, figure.rule.clause),
                self.text(sheet, "yes" if figure.rule.blocking else "no"),
                figure.total,
                figure.covered,
                figure.percent,
                len(figure.uncovered),
            ]
            for figure in self.context_.gaps.figures
        ]
        self.table(sheet, headers, rows, [28, 40, 30, 9, 8, 8, 11, 7])

    def gaps(self, sheet: WriteOnlyWorksheet) -> None:
        headers = ["Rule", "Item", "Title", "Location"]
        rows = []
        for figure in self.context_.gaps.figures:
            for item_id in figure.uncovered:
                item = self.context_.graph.item(item_id)
                rows.append(
                    [
                        self.text(sheet, figure.rule.name),
                        self.text(sheet, item_id, link=item),
                        self.text(sheet, item.title if item else ""),
                        self.text(sheet, str(item.location) if item else ""),
                    ]
                )
        self.table(sheet, headers, rows, [28, 12, 60, 40])

    def soup(self, sheet: WriteOnlyWorksheet) -> None:
        context = self.context_
        config = context.profile.soup
        assert config is not None
        items: dict[str, Item] = {}
        for soup_item in context.graph.of_type(config.soup_type):
            items.setdefault(soup_key(soup_item, config), soup_item)
        headers = ["SBOM", "Component", "Version", "Supplier", "PURL", "Licences",
                   "SHA-256", "SOUP item", "Safety relevance", "Support", "End of support"]  # fmt: skip
        rows = []
        for record in context.sboms:
            for component in record.components:
                item = items.get(component.key)
                sha256 = dict(component.hashes).get("SHA-256") or dict(
                    component.hashes
                ).get("sha256", "")
                rows.append(
                    [
                        self.text(sheet, record.name),
                        self.text(sheet, component.name),
                        self.text(sheet, component.version or ""),
                        self.text(sheet, component.supplier or ""),
                        self.text(sheet, component.purl or ""),
                        self.text(sheet, ", ".join(component.licenses)),
                        self.text(sheet, sha256),
                        self.text(sheet, item.id, link=item)
                        if item is not None
                        else self.text(sheet, "MISSING", gap=True),
                        self.text(sheet, _field(item, config.relevance_field)),
                        self.text(sheet, _field(item, "support_level")),
                        self.text(sheet, _field(item, "end_of_support")),
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
                        self.text(sheet, record.name),
                        self.text(sheet, reported.vulnerability_id),
                        self.text(sheet, ", ".join(reported.aliases)),
                        self.text(sheet, reported.package),
                        self.text(sheet, reported.version or ""),
                        self.text(sheet, reported.severity or ""),
                        self.text(sheet, ", ".join(reported.fixed_versions)),
                        self.text(sheet, first.id, link=first)
                        if first is not None
                        else self.text(sheet, "UNASSESSED", gap=True),
                        self.text(
                            sheet,
                            ", ".join(
                                item.field(config.status_field) or ""
                                for item in assessed
                            ),
                        ),
                        self.text(sheet, reported.title),
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
                    self.text(sheet, item.id, link=item),
                    self.text(sheet, item.item_type),
                    self.text(sheet, item.title),
                    self.text(sheet, item.field("status") or ""),
                    self.text(sheet, links),
                    self.text(sheet, fields),
                    self.text(sheet, str(item.location)),
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
        rows = [
            [self.text(sheet, key), self.text(sheet, value)] for key, value in facts
        ]
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
        sheet.append([self._header(sheet, title) for title in headers])
        for row in rows:
            sheet.append(row)

    def _header(self, sheet: WriteOnlyWorksheet, title: str) -> Cell:
        cell = self.text(sheet, title)
        cast("Any", cell)._style = copy(self._header_style)
        return cell

    def text(
        self,
        sheet: WriteOnlyWorksheet,
        text: str,
        *,
        link: Item | None = None,
        gap: bool = False,
    ) -> Cell:
        """A string cell: never a formula, whatever the text starts with."""
        cell = WriteOnlyCell(sheet, value=_ILLEGAL.sub("", text))
        cell.data_type = "s"
        cast("Any", cell)._style = copy(self._gap if gap else self._wrap)
        if link is not None:
            cell.hyperlink = (
                f"{self.context_.html_base}{link.location.docname}.html#{link.id}"
            )
        return cell


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


def _seal(data: bytes, generated: datetime) -> bytes:
    """Rewrite the zip so that the same input gives the same bytes.

    Every entry gets one fixed time (zip times run from 1980 to 2107); the document's
    modified time, which openpyxl sets to the clock when saving, becomes
    ``generated``; and a carriage return in cell text is written as a character
    reference, which XML keeps (a literal CR would be read back as a line feed).
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
            elif info.filename.startswith("xl/worksheets/"):
                content = content.replace(b"\r", b"&#13;")
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return output.getvalue()
