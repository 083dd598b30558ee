"""The traceability workbook, read back with openpyxl: sheets, links, gaps, safety."""

from __future__ import annotations

import dataclasses
import functools
import io
import math
import re
import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qmsdoc.device_file import read_items_with_evidence
from qmsdoc.export.xlsx import WorkbookContext, workbook_bytes, write_workbook
from qmsdoc.profile import load_profile
from qmsdoc.project import load_project
from qmsdoc.soup.records import Component, SbomRecord
from qmsdoc.trace import TraceGraph
from qmsdoc.trace.gaps import gap_report
from qmsdoc.trace.matrix import build_matrix
from qmsdoc.vulnerability.records import ScannerFinding, ScanRecord
from qmstest import REPOSITORY

from .._rst import SECURITY_CHAIN, VALID_CHAIN, default_profile, item, items_from
from ..evidence._evidence_support import evaluate, manual

if TYPE_CHECKING:
    from pathlib import Path

    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell, MergedCell

    from qmsdoc.evidence import EvidenceView
    from qmsdoc.model import Item
    from qmsdoc.profile import Profile
    from qmsdoc.project import Project

#: even seconds: zip entry times have a resolution of two seconds
GENERATED = datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC)
HTML_BASE = "../_build/html/"
SHEETS = [
    "Design chain",
    "Risk chain",
    "Security chain",
    "Requirement verification",
    "Coverage",
    "Gaps",
    "Verification",
    "All items",
    "About",
]
COVERAGE_HEADERS = [
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
#: the two columns every matrix sheet gains after its own
STATE_HEADERS = ["Traced", "Verification (executed records)"]
VERIFICATION_HEADERS = ["Item", "Type", "Title", "State", "Detail", "Records"]
RED = "00F4A3A3"
GAP_HEADERS = ["Rule", "Item", "Title", "Location"]
ITEM_HEADERS = ["ID", "Type", "Title", "Status", "Links", "Fields", "Location"]


def _context(
    graph: TraceGraph,
    profile: Profile | None = None,
    *,
    project: str = "Test project",
    generated: datetime = GENERATED,
    evidence: EvidenceView | None = None,
) -> WorkbookContext:
    active = profile or default_profile()
    return WorkbookContext(
        project=project,
        profile=active,
        graph=graph,
        gaps=gap_report(graph, active, evidence),
        evidence=evidence,
        commit="0123456789abcdef0123456789abcdef01234567",
        generated=generated,
        generator="qmsdoc test",
        html_base=HTML_BASE,
    )


@functools.cache
def _serenya_evidence() -> tuple[Project, tuple[Item, ...], EvidenceView | None]:
    project = load_project(REPOSITORY)
    items, evidence = read_items_with_evidence(project)
    return project, items, evidence


def _serenya() -> tuple[Project, tuple[Item, ...], TraceGraph]:
    project, items, _ = _serenya_evidence()
    return project, items, TraceGraph(items)


@functools.cache
def _serenya_bytes() -> bytes:
    project, _, graph = _serenya()
    evidence = _serenya_evidence()[2]
    return workbook_bytes(
        _context(graph, project.profile, project=project.name, evidence=evidence)
    )


def _book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _sheet(book: Workbook, name: str) -> Worksheet:
    sheet = book[name]
    assert isinstance(sheet, Worksheet)
    return sheet


def _values(sheet: Worksheet) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _about(book: Workbook) -> dict[str, Any]:
    return {str(key): value for key, value in _values(_sheet(book, "About"))}


def _target(cell: Cell | MergedCell) -> str | None:
    return cell.hyperlink.target if cell.hyperlink is not None else None


def _link(entry: Item) -> str:
    return f"{HTML_BASE}{entry.location.docname}.html#{entry.id}"


def _gap_graph() -> TraceGraph:
    """UN-1 <- REQ-1, with nothing else: design outputs, tests and validation missing."""
    return TraceGraph(
        [
            item("UN-1", "user_need", line=1),
            item("REQ-1", links=[("satisfies", "UN-1")], line=5),
        ]
    )


def _zip_parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def _next_second() -> None:
    """Sleep until the wall clock shows the next whole second."""
    now = time.time()
    time.sleep(math.floor(now) + 1 - now + 0.05)


# -- the Serenya device file ---------------------------------------------------------


def test_serenya_sheets_in_order() -> None:
    assert _book(_serenya_bytes()).sheetnames == SHEETS


def test_serenya_header_rows() -> None:
    project, _, _ = _serenya()
    book = _book(_serenya_bytes())
    for spec, name in zip(project.profile.matrices, SHEETS[:4], strict=True):
        headers = [column.title for column in spec.columns]
        assert _values(_sheet(book, name))[0] == headers + STATE_HEADERS
    assert _values(_sheet(book, "Coverage"))[0] == COVERAGE_HEADERS
    assert _values(_sheet(book, "Gaps"))[0] == GAP_HEADERS
    assert _values(_sheet(book, "Verification"))[0] == VERIFICATION_HEADERS
    assert _values(_sheet(book, "All items"))[0] == ITEM_HEADERS
    assert _values(_sheet(book, "About"))[0] == ["Property", "Value"]
    header = _sheet(book, "All items")["A1"]
    assert header.font.b
    assert header.fill.fgColor.rgb == "00DDDDDD"


def test_serenya_row_counts_equal_the_graph() -> None:
    project, items, graph = _serenya()
    book = _book(_serenya_bytes())
    for spec, name in zip(project.profile.matrices, SHEETS[:4], strict=True):
        rows = build_matrix(graph, spec).rows
        assert len(rows) > 0
        assert _sheet(book, name).max_row == len(rows) + 1
    with_id = [entry for entry in items if entry.id]
    assert _sheet(book, "All items").max_row == len(with_id) + 1 == len(graph) + 1
    report = gap_report(graph, project.profile)
    assert _sheet(book, "Coverage").max_row == len(report.figures) + 1
    assert _sheet(book, "Gaps").max_row == report.hole_count + 1
    evidence = _serenya_evidence()[2]
    assert evidence is not None
    gated = evidence.gated(graph)
    assert len(gated) > 100
    assert _sheet(book, "Verification").max_row == len(gated) + 1
    assert _sheet(book, "About").max_row == 9


def test_serenya_every_sheet_freezes_the_header_and_filters_the_table() -> None:
    book = _book(_serenya_bytes())
    for name in SHEETS:
        sheet = _sheet(book, name)
        width = len(_values(sheet)[0])
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == (
            f"A1:{get_column_letter(width)}{sheet.max_row}"
        ), name
        assert sheet.max_column == width, name


def test_serenya_column_widths_are_fixed_and_capped() -> None:
    book = _book(_serenya_bytes())
    items = _sheet(book, "All items")
    assert items.column_dimensions["A"].width == 14
    assert items.column_dimensions["C"].width == 60
    design = _sheet(book, "Design chain")
    assert all(
        0 < design.column_dimensions[get_column_letter(index)].width <= 60
        for index in range(1, 6)
    )


def test_serenya_matrix_cells_list_the_items_and_link_the_first() -> None:
    project, _, graph = _serenya()
    book = _book(_serenya_bytes())
    for spec, name in zip(project.profile.matrices, SHEETS[:4], strict=True):
        sheet = _sheet(book, name)
        view = build_matrix(graph, spec)
        evidence = _serenya_evidence()[2]
        assert evidence is not None
        for number, row in enumerate(view.rows, start=2):
            cells = sheet[number]
            assert len(cells) == len(row.cells) + 2
            traced, verification = cells[-2:]
            assert traced.value == ("no" if row.has_gap else "yes")
            subjects = [i for i in (row.root, row.expanded) if i is not None]
            shown = [
                f"{i.id}: {state.label}"
                for i in dict.fromkeys(subjects)
                if (state := evidence.state_of(i.id)) is not None
            ]
            subject = row.expanded or row.root
            assert verification.value == (
                "; ".join(shown) or f"n/a ({subject.item_type} is not verified)"
            )
            for cell, expected in zip(cells[:-2], row.cells, strict=True):
                text = "\n".join(f"{e.id} {e.title}" for e in expected.items)
                assert cell.value == (text or None)
                assert cell.data_type == "s" or cell.value is None
                assert _target(cell) == (
                    _link(expected.items[0]) if expected.items else None
                )
                assert cell.alignment.wrap_text
    assert "MISSING" not in {
        cell
        for name in SHEETS[:4]
        for row in _values(_sheet(book, name))
        for cell in row
    }


def test_serenya_all_items_link_to_the_html_build() -> None:
    _, _, graph = _serenya()
    sheet = _sheet(_book(_serenya_bytes()), "All items")
    by_id = {entry.id: entry for entry in graph}
    seen = []
    for row in sheet.iter_rows(min_row=2):
        identifier = row[0].value
        assert isinstance(identifier, str)
        entry = by_id[identifier]
        seen.append(identifier)
        assert _target(row[0]) == _link(entry)
        assert re.fullmatch(
            r"\.\./_build/html/[a-z0-9_/-]+\.html#[A-Z]+-[A-Za-z0-9.-]+",
            _target(row[0]) or "",
        )
        assert [cell.value for cell in row[1:4]] == [
            entry.item_type,
            entry.title,
            entry.field("status") or None,
        ]
        assert row[6].value == f"{entry.location.path}:{entry.location.line}"
        assert all(_target(cell) is None for cell in row[1:])
    assert sorted(seen) == sorted(by_id)


def test_serenya_about_sheet() -> None:
    project, _, graph = _serenya()
    about = _about(_book(_serenya_bytes()))
    assert about == {
        "Property": "Value",
        "Project": "Serenya",
        "Profile": f"medical-device {project.profile.version}",
        "Commit": "0123456789abcdef0123456789abcdef01234567",
        "Generated (UTC)": "2024-05-06T07:08:10Z",
        "Generator": "qmsdoc test",
        "Items": str(len(graph)),
        "Links": str(sum(len(entry.links) for entry in graph)),
        "Gap report": "pass",
    }


def test_serenya_about_shows_the_commit_label_and_project(tmp_path: Path) -> None:
    project, _, graph = _serenya()
    context = dataclasses.replace(
        _context(graph, project.profile, project="Serenya"),
        commit="unknown (not a git repository)",
    )
    target = tmp_path / "out" / "traceability.xlsx"
    write_workbook(target, context)
    about = _values(_sheet(_book(target.read_bytes()), "About"))
    assert ["Commit", "unknown (not a git repository)"] in about
    assert ["Project", "Serenya"] in about
    assert sorted(path.name for path in target.parent.iterdir()) == [
        "traceability.xlsx"
    ]


# -- gaps ----------------------------------------------------------------------------


def test_gaps_are_missing_cells_on_a_red_fill() -> None:
    graph = _gap_graph()
    book = _book(workbook_bytes(_context(graph)))
    sheet = _sheet(book, "Design chain")
    assert _values(sheet) == [
        [
            "User need",
            "Requirement",
            "Design outputs",
            "Verification tests",
            "Validation",
            *STATE_HEADERS,
        ],
        [
            "UN-1 Item UN-1",
            "REQ-1 Item REQ-1",
            "MISSING",
            "MISSING",
            "MISSING",
            "no",
            # no evidence given: the column says so instead of claiming anything
            "no evidence records configured",
        ],
    ]
    row = sheet[2]
    assert [cell.fill.fgColor.rgb == RED for cell in row] == [
        False,
        False,
        True,
        True,
        True,
        True,
        True,
    ]
    assert [_target(cell) for cell in row] == [
        f"{HTML_BASE}items.html#UN-1",
        f"{HTML_BASE}items.html#REQ-1",
        None,
        None,
        None,
        None,
        None,
    ]
    verification = _values(_sheet(book, "Requirement verification"))
    assert verification[1] == [
        "REQ-1 Item REQ-1",
        "UN-1 Item UN-1",
        None,
        "MISSING",
        "MISSING",
        "no",
        "no evidence records configured",
    ]
    assert _values(_sheet(book, "Verification")) == [
        VERIFICATION_HEADERS,
        ["no evidence records configured", None, None, None, None, None],
    ]


def test_traced_and_verified_are_separate_columns_of_each_matrix() -> None:
    # VT-001 executed and passed; VAL-001 (verifying RC-001, validating UN-001) not
    items, view = evaluate([manual("m-1", "VT-001")], now=VALID_CHAIN)
    graph = TraceGraph(items)
    book = _book(workbook_bytes(_context(graph, evidence=view)))
    design = _values(_sheet(book, "Design chain"))
    # a row shows the states of its root (the user need) and of its requirement
    assert design[1][-2:] == ["yes", "UN-001: planned, not executed; REQ-001: passed"]
    risk = _sheet(book, "Risk chain")
    assert _values(risk)[0][-2:] == STATE_HEADERS
    # fully traced, yet not verified: the traced cell is plain, the state cell red
    assert _values(risk)[1][-2:] == ["yes", "RC-001: planned, not executed"]
    assert [cell.fill.fgColor.rgb == RED for cell in risk[2][-2:]] == [False, True]
    requirements = _sheet(book, "Requirement verification")
    assert _values(requirements)[1][-2:] == ["yes", "REQ-001: passed"]
    assert [cell.fill.fgColor.rgb == RED for cell in requirements[2][-2:]] == [
        False,
        False,
    ]


def test_the_verification_sheet_lists_the_state_of_every_gated_item() -> None:
    items, view = evaluate([manual("m-1", "VT-001")], now=VALID_CHAIN)
    book = _book(workbook_bytes(_context(TraceGraph(items), evidence=view)))
    assert book.sheetnames.index("Verification") == (book.sheetnames.index("Gaps") + 1)
    sheet = _sheet(book, "Verification")
    assert _values(sheet) == [
        VERIFICATION_HEADERS,
        [
            "RC-001",
            "risk_control",
            "Show the result timestamp and a staleness banner",
            "planned, not executed",
            "planned, not executed: 1 of 2 verifiers have a result; "
            "no result for VAL-001",
            "run m-1: VT-001 passed",
        ],
        [
            "REQ-001",
            "requirement",
            "Display lab results within 2 seconds",
            "passed",
            "passed: run m-1",
            "run m-1: VT-001 passed",
        ],
        [
            "UN-001",
            "user_need",
            "Clinician sees the latest lab results",
            "planned, not executed",
            "planned, not executed: 0 of 1 verifiers have a result; "
            "no result for VAL-001",
            "no executed record",
        ],
    ]
    assert [cell.fill.fgColor.rgb == RED for cell in sheet["D"][1:]] == [
        True,
        False,
        True,
    ]
    assert _target(sheet["A3"]) == f"{HTML_BASE}items.html#REQ-001"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F4"
    # the same file after VT-001 failed: the sheet follows the records
    items, failed = evaluate(
        [manual("m-1", "VT-001", outcome="failed")], now=VALID_CHAIN
    )
    sheet = _sheet(
        _book(workbook_bytes(_context(TraceGraph(items), evidence=failed))),
        "Verification",
    )
    assert [row[:4:3] for row in _values(sheet)[1:]] == [
        ["RC-001", "FAILED"],
        ["REQ-001", "FAILED"],
        ["UN-001", "planned, not executed"],
    ]
    assert _values(sheet)[2][4] == "failed: VT-001 (run m-1)"


def test_the_coverage_sheet_has_a_row_per_rule() -> None:
    graph = _gap_graph()
    report = gap_report(graph, default_profile())
    sheet = _sheet(_book(workbook_bytes(_context(graph))), "Coverage")
    assert _values(sheet) == [
        COVERAGE_HEADERS,
        *(
            [
                figure.rule.name,
                f"qms.coverage_{figure.rule.name}",
                figure.rule.clause,
                "yes",
                figure.total,
                figure.covered,
                "empty rule" if figure.empty else figure.percent,
                len(figure.uncovered),
                "n/a",
                "n/a",
            ]
            for figure in report.figures
        ),
    ]
    rows = {row[0]: row for row in _values(sheet)[1:]}
    assert rows["user_need_validated"][4:] == [1, 0, 0.0, 1, "n/a", "n/a"]
    # a rule that applies to no item is not 100 %
    assert rows["hazard_analysed"][4:] == [0, 0, "empty rule", 0, "n/a", "n/a"]
    assert sheet.auto_filter.ref == f"A1:J{len(report.figures) + 1}"


def test_the_coverage_sheet_shows_verified_beside_traced() -> None:
    items, view = evaluate([manual("m-1", "VT-001")], now=VALID_CHAIN)
    graph = TraceGraph(items)
    sheet = _sheet(_book(workbook_bytes(_context(graph, evidence=view))), "Coverage")
    rows = {row[0]: row[4:] for row in _values(sheet)[1:]}
    assert rows["requirement_verified"] == [1, 1, 100, 0, 1, 100]
    assert rows["control_verified"] == [1, 1, 100, 0, 0, 0]
    assert rows["user_need_validated"] == [1, 1, 100, 0, 0, 0]
    assert rows["hazard_analysed"] == [1, 1, 100, 0, "n/a", "n/a"]


def test_a_root_without_expansion_shows_missing_row_cells() -> None:
    graph = TraceGraph([item("UN-1", "user_need")])
    sheet = _sheet(_book(workbook_bytes(_context(graph))), "Design chain")
    assert _values(sheet)[1] == [
        "UN-1 Item UN-1",
        "MISSING",
        "MISSING",
        "MISSING",
        "MISSING",
        "no",
        "no evidence records configured",
    ]


def test_the_gaps_sheet_lists_every_hole() -> None:
    graph = _gap_graph()
    profile = default_profile()
    book = _book(workbook_bytes(_context(graph)))
    sheet = _sheet(book, "Gaps")
    report = gap_report(graph, profile)
    expected = [
        [
            figure.rule.name,
            hole,
            f"Item {hole}",
            "items.rst:1" if hole == "UN-1" else "items.rst:5",
        ]
        for figure in report.figures
        for hole in figure.uncovered
    ]
    assert report.hole_count == 3
    assert _values(sheet) == [GAP_HEADERS, *expected]
    assert [_target(row[1]) for row in sheet.iter_rows(min_row=2)] == [
        f"{HTML_BASE}items.html#{row[1]}" for row in expected
    ]
    assert sheet.auto_filter.ref == "A1:D4"
    about = _about(book)
    assert about["Gap report"] == "fail"


def test_a_matrix_without_rows_is_left_out() -> None:
    # no hazardous situation: the risk chain has no rows
    book = _book(workbook_bytes(_context(_gap_graph())))
    assert book.sheetnames == [
        "Design chain",
        "Requirement verification",
        "Coverage",
        "Gaps",
        "Verification",
        "All items",
        "About",
    ]
    empty = _book(workbook_bytes(_context(TraceGraph([]))))
    assert empty.sheetnames == [
        "Coverage",
        "Gaps",
        "Verification",
        "All items",
        "About",
    ]
    assert _values(_sheet(empty, "All items")) == [ITEM_HEADERS]
    assert _values(_sheet(empty, "Gaps")) == [GAP_HEADERS]
    assert _sheet(empty, "All items").auto_filter.ref == "A1:G1"


def test_a_matrix_named_like_a_fixed_sheet_does_not_take_its_name(
    tmp_path: Path,
) -> None:
    path = tmp_path / "qms.toml"
    path.write_text(
        'extends = "medical-device"\n[matrices.gaps]\ntitle = "Requirements"\n'
        'root = "requirement"\ncolumns = [{ title = "Requirement", path = [] }]\n',
        encoding="utf-8",
    )
    book = _book(workbook_bytes(_context(_gap_graph(), load_profile(path))))
    assert _values(_sheet(book, "Gaps"))[0] == GAP_HEADERS


# -- untrusted text ------------------------------------------------------------------

FORMULA_LIKE = [
    '=HYPERLINK("http://x")',
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "\tcmd",
    "=cmd|' /C calc'!A0",
]


def _titled(titles: list[str]) -> TraceGraph:
    return TraceGraph(
        dataclasses.replace(item(f"REQ-{number}", line=number), title=title)
        for number, title in enumerate(titles, start=1)
    )


def test_formula_like_titles_are_stored_as_text() -> None:
    data = workbook_bytes(_context(_titled(FORMULA_LIKE)))
    sheet = _sheet(_book(data), "All items")
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == FORMULA_LIKE
    assert all(cell.data_type == "s" for cell in cells)
    for name, part in _zip_parts(data).items():
        if name.startswith("xl/worksheets/sheet"):
            assert b"<f>" not in part
            assert b"<f " not in part


def test_formula_like_ids_and_status_are_stored_as_text() -> None:
    odd = dataclasses.replace(item("=1+1"), fields=(("status", "=2+3"), ("kind", "@x")))
    sheet = _sheet(_book(workbook_bytes(_context(TraceGraph([odd])))), "All items")
    row = sheet[2]
    assert [row[0].value, row[3].value, row[5].value] == ["=1+1", "=2+3", "kind: @x"]
    assert all(cell.data_type == "s" for cell in (row[0], row[3], row[5]))


def test_a_title_starting_with_a_carriage_return_is_kept_exactly() -> None:
    sheet = _sheet(_book(workbook_bytes(_context(_titled(["\rCR"])))), "All items")
    assert sheet["C2"].value == "\rCR"
    assert sheet["C2"].data_type == "s"


def test_control_characters_are_dropped() -> None:
    title = "Bad\x00\x01\x08\x0b\x0c\x0e\x1f title\twith tab\nand line"
    data = workbook_bytes(_context(_titled([title]), project="Pro\x07ject\x1b"))
    book = _book(data)
    assert _sheet(book, "All items")["C2"].value == "Bad title\twith tab\nand line"
    about = _about(book)
    assert about["Project"] == "Project"


# -- deterministic bytes -------------------------------------------------------------


def test_two_calls_give_the_same_parts() -> None:
    graph = _gap_graph()
    first = _zip_parts(workbook_bytes(_context(graph)))
    second = _zip_parts(workbook_bytes(_context(graph)))
    assert list(first) == list(second)
    # docProps/core.xml is compared by the tests below
    assert {k: v for k, v in first.items() if k != "docProps/core.xml"} == {
        k: v for k, v in second.items() if k != "docProps/core.xml"
    }


def test_the_document_times_are_the_generated_time() -> None:
    core = _zip_parts(workbook_bytes(_context(_gap_graph())))["docProps/core.xml"]
    assert b"<dcterms:created" in core
    assert core.count(b">2024-05-06T07:08:10Z<") == 2


def test_two_calls_give_byte_identical_bytes() -> None:
    graph = _gap_graph()
    first = workbook_bytes(_context(graph))
    _next_second()
    assert workbook_bytes(_context(graph)) == first


def test_every_zip_entry_has_the_generated_time() -> None:
    archive = zipfile.ZipFile(io.BytesIO(workbook_bytes(_context(_gap_graph()))))
    assert {info.date_time for info in archive.infolist()} == {(2024, 5, 6, 7, 8, 10)}
    assert {info.external_attr for info in archive.infolist()} == {0o600 << 16}


def test_a_time_before_1980_is_kept_in_the_about_sheet_only() -> None:
    data = workbook_bytes(
        _context(_gap_graph(), generated=datetime(1970, 1, 1, tzinfo=UTC))
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    about = _about(_book(data))
    assert about["Generated (UTC)"] == "1970-01-01T00:00:00Z"


def test_a_time_after_2107_still_gives_a_workbook() -> None:
    data = workbook_bytes(
        _context(_gap_graph(), generated=datetime(2200, 1, 1, tzinfo=UTC))
    )
    about = _about(_book(data))
    assert about["Generated (UTC)"] == "2200-01-01T00:00:00Z"


def test_different_generated_times_differ_only_in_times() -> None:
    graph = _gap_graph()
    first_bytes = workbook_bytes(_context(graph))
    later = datetime(2025, 1, 2, 3, 4, 6, tzinfo=UTC)
    second_bytes = workbook_bytes(_context(graph, generated=later))
    assert first_bytes != second_bytes
    first, second = _zip_parts(first_bytes), _zip_parts(second_bytes)
    assert list(first) == list(second)
    (about_part,) = (
        name
        for name, part in first.items()
        if name.startswith("xl/worksheets/sheet") and b"Generated (UTC)" in part
    )
    differing = {name for name in first if first[name] != second[name]}
    assert differing == {"docProps/core.xml", about_part}
    assert b"2024-05-06T07:08:10Z" in first[about_part]
    assert b"2025-01-02T03:04:06Z" in second[about_part]
    archive = zipfile.ZipFile(io.BytesIO(second_bytes))
    assert {info.date_time for info in archive.infolist()} == {(2025, 1, 2, 3, 4, 6)}


# -- SOUP and vulnerability sheets ------------------------------------------------


def test_soup_and_vulnerability_sheets_keep_untrusted_text_as_text() -> None:
    graph = TraceGraph(items_from(VALID_CHAIN + SECURITY_CHAIN))
    component = Component(
        name="requests",
        version="2.31.0",
        supplier='=HYPERLINK("http://evil.example","x")',
        purl="pkg:pypi/requests@2.31.0",
        licenses=("Apache-2.0",),
        hashes=(("SHA-256", "ab" * 32),),
    )
    stray = Component(
        name="+cmd", version="1", supplier=None, purl="pkg:pypi/plus-cmd@1"
    )
    sbom = SbomRecord(
        name="api",
        source="api.cdx.json",
        format="CycloneDX",
        spec_version="1.6",
        digest="0" * 64,
        components=(component, stray),
    )
    scan = ScanRecord(
        name="api",
        scanner="trivy",
        source="api.trivy.json",
        digest="1" * 64,
        findings=(
            ScannerFinding(
                vulnerability_id="CVE-2023-32681",
                package="requests",
                version="2.31.0",
                severity="MEDIUM",
                fixed_versions=("2.31.1",),
                title="@SUM(A1) proxy leak",
            ),
            ScannerFinding(
                vulnerability_id="CVE-2099-0001", package="plus-cmd", version="1"
            ),
        ),
    )
    context = replace(_context(graph), sboms=(sbom,), scans=(scan,))
    book = _book(workbook_bytes(context))
    assert book.sheetnames[-4:] == ["SOUP", "Vulnerabilities", "All items", "About"]
    soup = _values(_sheet(book, "SOUP"))
    assert soup[1][:4] == [
        "api",
        "requests",
        "2.31.0",
        '=HYPERLINK("http://evil.example","x")',
    ]
    assert soup[1][6:8] == ["ab" * 32, "SOUP-001"]
    assert soup[2][1] == "+cmd"
    assert soup[2][7] == "MISSING"
    assert _sheet(book, "SOUP")["D2"].data_type == "s"
    vulnerabilities = _values(_sheet(book, "Vulnerabilities"))
    assert vulnerabilities[1][7:10] == [
        "VULN-001",
        "not_affected",
        "@SUM(A1) proxy leak",
    ]
    assert vulnerabilities[2][7] == "UNASSESSED"


def test_awkward_text_reads_back_as_written_or_within_excel_limits() -> None:
    titles = {
        "REQ-001": "   ",
        "REQ-002": "Blutzucker über 11,1 mmol/L \u2013 kritisch",
        "REQ-003": "x" * 40_000,
        "REQ-004": "noncharacter \ufffe dropped",
        "REQ-005": '=1+1 & "quoted" <tag>',
    }
    items = [
        replace(item(item_id, path="a&b <c>.rst", line=number), title=title)
        for number, (item_id, title) in enumerate(titles.items(), start=1)
    ]
    book = _book(workbook_bytes(_context(TraceGraph(items))))
    sheet = _sheet(book, "All items")
    by_id = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert by_id["REQ-001"][2].value == "   "
    assert by_id["REQ-002"][2].value == titles["REQ-002"]
    assert by_id["REQ-003"][2].value == "x" * 32_767  # Excel's limit for a cell
    assert by_id["REQ-004"][2].value == "noncharacter  dropped"
    assert by_id["REQ-005"][2].value == titles["REQ-005"]
    assert by_id["REQ-005"][2].data_type == "s"
    link = by_id["REQ-005"][0].hyperlink
    assert link is not None
    assert link.target == f"{HTML_BASE}a&b <c>.html#REQ-005"
