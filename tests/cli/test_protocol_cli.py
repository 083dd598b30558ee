"""The manual-test round trip on a real project: ``qms evidence protocol`` writes the
workbook, a tester fills it in with openpyxl, the import reads it back into records
(or refuses it naming the sheet and cell); study reports read from TOML."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import openpyxl
import pytest
from click.testing import CliRunner

from qmsdoc.cli.context import CliContext
from qmsdoc.cli.evidence_records import (
    protocol_command,
    record_from_study,
    records_from_protocol,
)
from qmsdoc.errors import InputError
from qmsdoc.evidence.manual import run_from_document as manual_run
from qmsdoc.evidence.study import run_from_document as study_run
from qmsdoc.project import load_project
from qmstest import add_pages, run_qms

if TYPE_CHECKING:
    from pathlib import Path

SYSTEM_TESTS = """\
System tests
============

.. verification_test:: Offline view of stored reports
   :id: VT-101
   :status: approved
   :test_level: system
   :method: test
   :verifies: REQ-001
   :acceptance: All stored reports open offline with values and flags.

   **Procedure.** With three reports stored: (1) enable airplane mode; (2) open
   each report; (3) open the trend of one result.

   **Expected result.** Every report and the trend open with values and flags.

.. verification_test:: Sign-in with biometrics
   :id: VT-102
   :status: approved
   :test_level: system
   :method: test
   :verifies: REQ-001
   :acceptance: Sign-in succeeds with the enrolled biometric only.

   1. Enrol a fingerprint.
   2. Sign in with it.
"""
STUDY = """\
validation = "VAL-001"
protocol = "VAL-001-P"
protocol_version = "1.0"
report = "validation/report.pdf"
start = 2026-05-04
end = 2026-05-22
approver = "J. Doe"
conclusion = "Criteria met."

[[criteria]]
criterion = ">= 90 % identify the abnormal results"
value = "14 of 15 (93 %)"
met = true
"""
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def root(valid_root: Path) -> Path:
    return add_pages(valid_root, {"system-tests": SYSTEM_TESTS})


def _protocol(root: Path, *args: str) -> Path:
    output = root / "protocol.xlsx"
    result = CliRunner().invoke(
        protocol_command,
        [*args, "-o", str(output)],
        obj=CliContext(root_option=root),
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"qms evidence: protocol of {', '.join(args)} ({len(args)} "
        f"{'sheet' if len(args) == 1 else 'sheets'}) -> {output}\n"
    )
    return output


def _fill(
    path: Path,
    test_id: str = "VT-101",
    *,
    verdict: str = "passed",
    failed_step: int = 0,
) -> None:
    """Fill in a sheet as a tester would: find each entry by its label."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[test_id]
    rows = {
        str(cell.value).split(" (")[0]: cell.row
        for (cell,) in sheet.iter_rows(min_col=1, max_col=1)
        if cell.value
    }
    for label, value in {
        "Version under test": COMMIT,
        "App / build version": "1.0.0 (build 7)",
        "Environment": "Pixel 5, Android 11",
        "Executor": "A. Tester",
        "Executed at": "2026-06-01T10:15:00Z",
        "Overall verdict": verdict,
    }.items():
        sheet.cell(row=rows[label], column=2, value=value)
    row = rows["No."] + 1
    while sheet.cell(row=row, column=1).value:
        number = int(str(sheet.cell(row=row, column=1).value))
        failed = number == failed_step
        sheet.cell(row=row, column=4, value="Not shown" if failed else "As expected")
        sheet.cell(row=row, column=5, value="fail" if failed else "pass")
        row += 1
    workbook.save(path)


def test_protocol_round_trip_passed(root: Path) -> None:
    path = _protocol(root, "VT-101", "VT-102")
    assert openpyxl.load_workbook(path).sheetnames == ["VT-101", "VT-102"]
    _fill(path)
    _fill(path, "VT-102")
    records = records_from_protocol(load_project(root), path)
    assert [run_id for run_id, _ in records] == [
        "VT-101-20260601T101500Z",
        "VT-102-20260601T101500Z",
    ]
    run_id, document = records[0]
    stored = root / "traceability" / "evidence" / f"{run_id}.json"
    stored.parent.mkdir(parents=True)
    stored.write_text(json.dumps(document), encoding="utf-8")
    run = manual_run(json.loads(stored.read_text(encoding="utf-8")), stored)
    assert (run.kind, run.commit, run.executor) == ("manual", COMMIT, "A. Tester")
    assert [(r.name, r.outcome, r.verifies) for r in run.results] == [
        ("VT-101", "passed", ("VT-101",))
    ]
    assert [step["action"] for step in document["steps"]] == [
        "enable airplane mode",
        "open each report",
        "open the trend of one result.",
        "Verify the outcome against the expected result and the acceptance criterion.",
    ]


def test_the_unfilled_sheet_is_refused_and_nothing_is_returned(root: Path) -> None:
    path = _protocol(root, "VT-101", "VT-102")
    _fill(path)  # VT-102 left blank
    with pytest.raises(InputError) as caught:
        records_from_protocol(load_project(root), path)
    assert str(caught.value) == "protocol.xlsx: VT-102!B7: no version under test"


def test_one_failed_step_gives_a_failed_record(root: Path) -> None:
    path = _protocol(root, "VT-101")
    _fill(path, verdict="failed", failed_step=2)
    ((_, document),) = records_from_protocol(load_project(root), path)
    assert document["verdict"] == "failed"
    (result,) = manual_run(document, root / "x.json").results
    assert (result.outcome, result.message) == ("failed", "step 2 failed: Not shown")


def test_an_edited_expected_result_is_refused(root: Path) -> None:
    path = _protocol(root, "VT-101")
    _fill(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["VT-101"]
    (cell,) = [
        c for (c,) in sheet.iter_rows(min_col=3, max_col=3)
        if str(c.value).startswith("Every report and the trend")
    ]  # fmt: skip
    cell.value = "Most reports open."
    workbook.save(path)
    with pytest.raises(InputError) as caught:
        records_from_protocol(load_project(root), path)
    assert str(caught.value) == (
        f"protocol.xlsx: VT-101!C{cell.row}: expected result differs from step 4 "
        "of test item VT-101 now"
    )


def test_a_test_changed_after_generation_is_refused(root: Path) -> None:
    path = _protocol(root, "VT-101")
    _fill(path)
    page = root / "system-tests.rst"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("three reports", "four reports"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        records_from_protocol(load_project(root), path)
    assert str(caught.value) == (
        "protocol.xlsx: VT-101!B3: test item VT-101 changed since the protocol was "
        "generated: generate a new protocol"
    )


def test_a_status_change_does_not_invalidate_the_protocol(root: Path) -> None:
    path = _protocol(root, "VT-101")
    _fill(path)
    page = root / "system-tests.rst"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(":status: approved", ":status: draft"), "utf-8")
    assert len(records_from_protocol(load_project(root), path)) == 1


def test_an_unknown_test_is_refused_by_the_command(root: Path) -> None:
    result = CliRunner().invoke(
        protocol_command,
        ["VT-101", "REQ-001", "VT-999", "-o", str(root / "p.xlsx")],
        obj=CliContext(root_option=root),
    )
    assert isinstance(result.exception, InputError)
    assert str(result.exception) == "not a test item of the project: REQ-001, VT-999"
    assert not (root / "p.xlsx").exists()


def test_a_protocol_is_byte_identical_when_generated_again(root: Path) -> None:
    first = _protocol(root, "VT-101").read_bytes()
    assert _protocol(root, "VT-101").read_bytes() == first


def _study(root: Path, text: str = STUDY) -> Path:
    (root / "validation").mkdir(exist_ok=True)
    (root / "validation" / "report.pdf").write_bytes(b"%PDF report")
    path = root / "traceability" / "studies" / "VAL-001.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_study_report_becomes_a_record(root: Path) -> None:
    run_id, document = record_from_study(load_project(root), _study(root))
    assert run_id == "VAL-001-20260522"
    assert document["report"] == {
        "path": "validation/report.pdf",
        "sha256": hashlib.sha256(b"%PDF report").hexdigest(),
    }
    assert document["source"] == "traceability/studies/VAL-001.toml"
    (result,) = study_run(document, root / "r.json").results
    assert (result.name, result.outcome) == ("VAL-001", "passed")


def test_a_study_with_a_criterion_not_met_fails(root: Path) -> None:
    text = STUDY.replace(
        '"14 of 15 (93 %)"\nmet = true', '"12 of 15 (80 %)"\nmet = false'
    )
    _, document = record_from_study(load_project(root), _study(root, text))
    assert document["outcome"] == "failed"
    assert study_run(document, root / "r.json").results[0].outcome == "failed"


def test_a_study_of_an_unknown_validation_is_refused(root: Path) -> None:
    path = _study(root, STUDY.replace('"VAL-001"', '"VAL-404"'))
    with pytest.raises(InputError) as caught:
        record_from_study(load_project(root), path)
    assert str(caught.value) == (
        f"{path}: validation: 'VAL-404' is not a test or validation item of the project"
    )


def test_the_whole_round_trip_through_qms(root: Path) -> None:
    """``qms evidence protocol``, a tester's fill, ``qms evidence import``: the
    records land, the tests and the requirement pass; a second workbook with one bad
    sheet stores nothing; the same records again are refused."""
    made = run_qms(root, "evidence", "protocol", "VT-101", "VT-102", "-o", "p.xlsx")
    assert made.returncode == 0, made.stderr
    path = root / "p.xlsx"
    _fill(path)
    _fill(path, "VT-102", verdict="failed", failed_step=1)
    imported = run_qms(root, "evidence", "import", str(path))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines() == [
        f"qms evidence: record VT-101-20260601T101500Z (passed) -> "
        f"{root / 'traceability' / 'evidence' / 'VT-101-20260601T101500Z.json'}",
        f"qms evidence: record VT-102-20260601T101500Z (failed) -> "
        f"{root / 'traceability' / 'evidence' / 'VT-102-20260601T101500Z.json'}",
    ]
    status = run_qms(root, "evidence", "status", "VT-101", "VT-102", "REQ-001")
    states = {line.split()[0]: line.split()[1] for line in status.stdout.splitlines()
              if line[:1].strip()}  # fmt: skip
    assert (states["VT-101"], states["VT-102"], states["REQ-001"]) == (
        "stale",  # commit 0123... is not in this project's history
        "FAILED",
        "FAILED",
    )
    again = run_qms(root, "evidence", "import", str(path))
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1
    assert "VT-101-20260601T101500Z is already recorded" in again.stderr

    other = run_qms(root, "evidence", "protocol", "VT-101", "VT-102", "-o", "q.xlsx")
    assert other.returncode == 0, other.stderr
    _fill(root / "q.xlsx")  # VT-102 left blank
    before = sorted((root / "traceability" / "evidence").iterdir())
    refused = run_qms(root, "evidence", "import", str(root / "q.xlsx"), "--replace")
    assert refused.returncode == 2
    assert refused.stderr == "qms: error: q.xlsx: VT-102!B7: no version under test\n"
    assert sorted((root / "traceability" / "evidence").iterdir()) == before
