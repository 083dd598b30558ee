"""Protocols derived from test items, written as a real workbook, filled in with
openpyxl as a tester would, read back and imported (or refused, naming the cell)."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

import openpyxl
import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence.protocol import (
    FIELD_CELLS,
    FIRST_STEP_ROW,
    STEP_EXPECTED,
    VERIFY_ACTION,
    executions_from_workbook,
    procedure_steps,
    protocol_of,
)
from qmsdoc.evidence.status import item_signature
from qmsdoc.export.xlsx import protocol_workbook_bytes, read_workbook_cells
from qmsdoc.model.rst_source import scan_text

from .._rst import PATH, default_profile, items_from, rst

if TYPE_CHECKING:
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

    from qmsdoc.evidence.manual import ManualExecution
    from qmsdoc.model import Item

TESTS = rst(
    """\
    .. verification_test:: End-to-end intake of PDF and photo reports
       :id: VT-001
       :status: approved
       :test_level: system
       :method: test
       :verifies: REQ-001
       :acceptance: Both sources reach the review screen with all result lines.

       **Procedure.** On each reference device: (1) open report VC-PDF-017 (2 pages,
       24 results) from the Files app; (2) photograph the printed
       report VC-PAP-041 with the in-app camera; and (3) confirm both reports.

       **Expected result.** Two reports appear in the review queue with 24 and 18
       result lines.

    .. verification_test:: Offline view
       :id: VT-002
       :status: approved
       :test_level: system
       :method: test
       :verifies: REQ-001

       **Procedure.** With three reports stored:

       #. Enable airplane mode.
       #. Open each report and its
          explanation.

       **Expected result.** Every report opens with its values and flags.
    """
)
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _project() -> tuple[dict[str, Item], dict[str, str]]:
    profile = default_profile()
    raw = scan_text(TESTS, path=PATH, docname="items", directives=profile.directives)
    items = {item.id: item for item in items_from(TESTS)}
    signatures = {
        record.option("id") or "": item_signature(record, ("status",)) for record in raw
    }
    return items, signatures


def _workbook(tmp_path: Path, *test_ids: str) -> Path:
    items, signatures = _project()
    path = tmp_path / "protocol.xlsx"
    path.write_bytes(
        protocol_workbook_bytes(
            [protocol_of(items[t], signatures[t]) for t in test_ids]
        )
    )
    return path


def _row_of(sheet: Worksheet, label: str) -> int:
    """The row whose column A starts with ``label``, as a tester finds it."""
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        if isinstance(cell.value, str) and cell.value.startswith(label):
            return int(cell.row)
    raise AssertionError(f"no row labelled {label!r}")


def _fill(
    path: Path,
    test_id: str,
    *,
    header: dict[str, str | None] | None = None,
    steps: dict[int, tuple[str, str | None]] | None = None,
) -> None:
    """Fill in a sheet: the header entries by label, then each step (actual, pass or
    fail); every step not named passes. A None value leaves the cell blank."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[test_id]
    entries: dict[str, str | None] = {
        "Version under test": COMMIT,
        "App / build version": "2026.1.0 (build 412)",
        "Environment": "iPhone 15, iOS 18.1",
        "Executor": "A. Tester (V&V engineer)",
        "Executed at": "2026-06-01T10:15:00Z",
        "Overall verdict": "passed",
        "Deviations": "",
    }
    entries.update(header or {})
    for label, value in entries.items():
        sheet.cell(row=_row_of(sheet, label), column=2, value=value)
    step_row = _row_of(sheet, "No.") + 1
    while sheet.cell(row=step_row, column=1).value:
        number = int(str(sheet.cell(row=step_row, column=1).value))
        actual, verdict = (steps or {}).get(number, ("As expected.", "pass"))
        sheet.cell(row=step_row, column=4, value=actual)
        sheet.cell(row=step_row, column=5, value=verdict)
        step_row += 1
    workbook.save(path)


def _import(path: Path, root: Path | None = None) -> list[ManualExecution]:
    items, signatures = _project()
    return executions_from_workbook(
        read_workbook_cells(path),
        items=items,
        signatures=signatures,
        source=path.name,
        root=root or path.parent,
    )


def _refusal(path: Path, root: Path | None = None) -> str:
    with pytest.raises(InputError) as caught:
        _import(path, root)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_inline_numbered_steps_become_rows_with_a_final_verification() -> None:
    items, signatures = _project()
    protocol = protocol_of(items["VT-001"], signatures["VT-001"])
    assert protocol.preamble == "On each reference device:"
    assert [(s.number, s.action, s.expected) for s in protocol.steps] == [
        (1, "open report VC-PDF-017 (2 pages, 24 results) from the Files app",
         STEP_EXPECTED),
        (2, "photograph the printed report VC-PAP-041 with the in-app camera",
         STEP_EXPECTED),
        (3, "confirm both reports.", STEP_EXPECTED),
        (4, VERIFY_ACTION,
         "Two reports appear in the review queue with 24 and 18 result lines.\n"
         "Acceptance criterion: Both sources reach the review screen with all "
         "result lines."),
    ]  # fmt: skip
    assert protocol.item_signature == signatures["VT-001"]


def test_an_enumerated_list_gives_the_steps() -> None:
    items, signatures = _project()
    protocol = protocol_of(items["VT-002"], signatures["VT-002"])
    assert protocol.preamble == "With three reports stored:"
    assert [s.action for s in protocol.steps] == [
        "Enable airplane mode.",
        "Open each report and its explanation.",
        VERIFY_ACTION,
    ]
    assert protocol.steps[-1].expected == (
        "Every report opens with its values and flags."
    )


@pytest.mark.parametrize(
    ("procedure", "preamble", "actions"),
    [
        ("1. Sign in.\n2. Upload a report.", "", ("Sign in.", "Upload a report.")),
        ("Setup:\n\n1) one\n2) two", "Setup:", ("one", "two")),
        (
            "Run the smoke suite on 8 devices.",
            "",
            ("Run the smoke suite on 8 devices.",),
        ),
        # "(2)" without "(1)" is not a step number
        ("Repeat (2) times.", "", ("Repeat (2) times.",)),
        ("(1) open; (2) close, and", "", ("open", "close")),
        ("", "", ()),
    ],
)
def test_procedure_steps(
    procedure: str, preamble: str, actions: tuple[str, ...]
) -> None:
    assert procedure_steps(procedure) == (preamble, actions)


def test_an_item_with_nothing_to_verify_against_is_refused() -> None:
    (item,) = items_from(
        ".. verification_test:: Vague\n   :id: VT-009\n   :status: draft\n"
        "   :verifies: REQ-001\n\n   Do something.\n"
    )
    with pytest.raises(InputError, match=r"^items.rst:1: VT-009 states no expected"):
        protocol_of(item, "0" * 64)


def test_the_workbook_is_text_only_and_deterministic(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "VT-001", "VT-002")
    assert path.read_bytes() == _workbook(tmp_path, "VT-001", "VT-002").read_bytes()
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["VT-001", "VT-002"]
    sheet = workbook["VT-001"]
    assert sheet[FIELD_CELLS["test"]].value == "VT-001"
    assert [sheet.cell(row=FIRST_STEP_ROW - 1, column=c).value for c in range(1, 6)] == [
        "No.", "Action", "Expected result", "Actual result", "Pass/Fail"
    ]  # fmt: skip
    assert all(
        cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value
    )
    validations = {
        str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation
    }
    last = FIRST_STEP_ROW + 3
    assert validations == {
        FIELD_CELLS["verdict"]: '"passed,failed"',
        f"E{FIRST_STEP_ROW}:E{last}": '"pass,fail"',
    }


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    text = TESTS.replace(
        "End-to-end intake of PDF and photo reports", '=HYPERLINK("http://x","y")'
    )
    (item,) = items_from(text)[:1]
    path = tmp_path / "p.xlsx"
    path.write_bytes(protocol_workbook_bytes([protocol_of(item, "0" * 64)]))
    cell = openpyxl.load_workbook(path)["VT-001"][FIELD_CELLS["title"]]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")


def test_a_filled_protocol_imports_as_passed(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "VT-001", "VT-002")
    (tmp_path / "shots").mkdir()
    (tmp_path / "shots" / "queue.png").write_bytes(b"png")
    _fill(path, "VT-001", header={"Attachments": "shots/queue.png"})
    _fill(path, "VT-002", header={"Executed at": "2026-06-01 11:00+00:00"})
    first, second = _import(path)
    assert first.verdict == "passed"
    assert first.run_id == "VT-001-20260601T101500Z"
    assert first.version_under_test == COMMIT
    assert first.executor == "A. Tester (V&V engineer)"
    assert [s.verdict for s in first.steps] == ["pass"] * 4
    assert first.steps[0].actual == "As expected."
    assert first.attachments[0].path == "shots/queue.png"
    assert first.attachments[0].sha256 == hashlib.sha256(b"png").hexdigest()
    assert first.source == "protocol.xlsx"
    assert second.executed_at == "2026-06-01T11:00:00Z"
    assert second.run_id == "VT-002-20260601T110000Z"


def test_one_failed_step_fails_the_execution(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "VT-001")
    _fill(
        path,
        "VT-001",
        header={"Overall verdict": "failed", "Deviations": "Camera crashed."},
        steps={2: ("The camera closed.", "fail")},
    )
    (execution,) = _import(path)
    assert execution.verdict == "failed"
    assert [s.verdict for s in execution.steps] == ["pass", "fail", "pass", "pass"]


def test_an_edited_expected_result_is_refused_naming_the_cell(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "VT-001")
    _fill(path, "VT-001")
    workbook = openpyxl.load_workbook(path)
    workbook["VT-001"][f"C{FIRST_STEP_ROW + 3}"] = "Anything at all."
    workbook.save(path)
    assert _refusal(path) == (
        f"protocol.xlsx: VT-001!C{FIRST_STEP_ROW + 3}: expected result differs "
        "from step 4 of test item VT-001 now"
    )


def test_an_edited_action_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "VT-001")
    _fill(path, "VT-001")
    workbook = openpyxl.load_workbook(path)
    workbook["VT-001"][f"B{FIRST_STEP_ROW}"] = "open any report"
    workbook.save(path)
    assert _refusal(path) == (
        f"protocol.xlsx: VT-001!B{FIRST_STEP_ROW}: step action differs from step 1 "
        "of test item VT-001 now"
    )


@pytest.mark.parametrize(
    ("header", "steps", "cell", "problem"),
    [
        ({"Overall verdict": None}, {}, FIELD_CELLS["verdict"], "no overall verdict"),
        ({"Overall verdict": "ok"}, {}, FIELD_CELLS["verdict"],
         "overall verdict 'ok' is not passed or failed"),
        ({"Executor": None}, {}, FIELD_CELLS["executor"], "no executor"),
        ({"Environment": " "}, {}, FIELD_CELLS["environment"], "no environment"),
        ({"Version under test": None}, {}, FIELD_CELLS["version"],
         "no version under test"),
        ({"Executed at": "2026-06-01T10:15:00"}, {}, FIELD_CELLS["executed_at"],
         "'2026-06-01T10:15:00' is not a UTC date and time in ISO 8601 "
         "(e.g. 2026-06-01T10:15:00Z)"),
        ({"Executed at": "2026-02-30T10:15:00Z"}, {}, FIELD_CELLS["executed_at"],
         "'2026-02-30T10:15:00Z' is not a UTC date and time in ISO 8601 "
         "(e.g. 2026-06-01T10:15:00Z)"),
        ({}, {2: ("x", None)}, f"E{FIRST_STEP_ROW + 1}", "no pass/fail for step 2"),
        ({}, {2: ("x", "maybe")}, f"E{FIRST_STEP_ROW + 1}",
         "'maybe' is not pass or fail"),
        ({"Overall verdict": "failed"}, {3: (None, "fail")}, f"D{FIRST_STEP_ROW + 2}",
         "step 3 failed: record its actual result"),
        ({}, {3: ("The report was lost.", "fail")}, FIELD_CELLS["verdict"],
         "overall verdict passed, but step 3 failed"),
        ({"Attachments": "shots/none.png"}, {}, FIELD_CELLS["attachments"],
         "attachment no file 'shots/none.png' in the project"),
        ({"Attachments": "../outside.png"}, {}, FIELD_CELLS["attachments"],
         "attachment '../outside.png' is not a path relative to the project root"),
    ],
)  # fmt: skip
def test_bad_entries_are_refused_naming_the_cell(
    tmp_path: Path,
    header: dict[str, str | None],
    steps: dict[int, tuple[str, str | None]],
    cell: str,
    problem: str,
) -> None:
    path = _workbook(tmp_path, "VT-002", "VT-001")
    _fill(path, "VT-002")
    _fill(path, "VT-001", header=header, steps=steps)
    assert _refusal(path) == f"protocol.xlsx: VT-001!{cell}: {problem}"


def test_an_unknown_test_id_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "VT-001")
    _fill(path, "VT-001")
    workbook = openpyxl.load_workbook(path)
    workbook["VT-001"][FIELD_CELLS["test"]] = "VT-404"
    workbook.save(path)
    assert _refusal(path) == (
        f"protocol.xlsx: VT-001!{FIELD_CELLS['test']}: unknown test id 'VT-404'"
    )


def test_a_changed_item_signature_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "VT-001")
    _fill(path, "VT-001")
    items, signatures = _project()
    with pytest.raises(InputError) as caught:
        executions_from_workbook(
            read_workbook_cells(path),
            items=items,
            signatures={**signatures, "VT-001": "f" * 64},
            source="protocol.xlsx",
            root=tmp_path,
        )
    assert str(caught.value) == (
        f"protocol.xlsx: VT-001!{FIELD_CELLS['signature']}: test item VT-001 changed "
        "since the protocol was generated: generate a new protocol"
    )


def test_an_added_step_row_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "VT-002")
    _fill(path, "VT-002")
    workbook = openpyxl.load_workbook(path)
    extra = FIRST_STEP_ROW + 3
    workbook["VT-002"][f"B{extra}"] = "Also reboot."
    workbook.save(path)
    assert _refusal(path) == (
        f"protocol.xlsx: VT-002!B{extra}: test item VT-002 has no step 4"
    )


def test_an_empty_or_foreign_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Budget"  # type: ignore[union-attr]
    workbook.active["A1"] = "Costs"  # type: ignore[index]
    workbook.save(path)
    assert _refusal(path) == "other.xlsx: Budget!B1: no test id (not a protocol sheet)"
    with pytest.raises(InputError, match=r"^x.xlsx: no protocol sheet$"):
        executions_from_workbook(
            {}, items={}, signatures={}, source="x.xlsx", root=tmp_path
        )


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04junk"])
def test_junk_is_not_a_readable_workbook(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_workbook_cells(path)
    assert str(caught.value) == f"{path}: not a readable workbook"


def test_cells_are_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "values.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = 3.0
    sheet["A2"] = 2.5
    sheet["A3"] = datetime.datetime(2026, 6, 1, 10, 15)
    sheet["A4"] = "=1+1"
    sheet["A5"] = ""
    workbook.save(path)
    assert read_workbook_cells(path) == {
        sheet.title: {
            "A1": "3",
            "A2": "2.5",
            "A3": "2026-06-01T10:15:00",
            "A4": "=1+1",
        }
    }
