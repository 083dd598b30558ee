"""Study report records: authored as TOML, validated with file:line, the report
document hashed on import, failed when any criterion is not met."""

from __future__ import annotations

import copy
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence.manual import ILLUSTRATIVE_NOTE
from qmsdoc.evidence.study import (
    FORMAT,
    read_study_toml,
    run_from_document,
    study_document,
)

STUDY = """\
# summative usability study of the release candidate
validation = "VAL-001"
protocol = "VAL-001-P"
protocol_version = "2.0"
report = "validation/VAL-001-report.pdf"
start = 2026-05-04
end = "2026-05-22"
approver = "J. Doe, Head of Clinical Affairs"
conclusion = "All acceptance criteria met."
illustrative = true

[[criteria]]
criterion = "No use error on critical tasks"
value = "0 use errors in 45 sessions"
met = true

[[criteria]]
criterion = ">= 90 % task success per user group"
value = "UG-1 93 %, UG-2 100 %, UG-3 93 %"
met = true
"""
REPORT = b"%PDF-1.7 report"
RECORD = Path("traceability/evidence/VAL-001-20260522.json")


def _write(root: Path, text: str = STUDY) -> Path:
    (root / "validation").mkdir(exist_ok=True)
    (root / "validation" / "VAL-001-report.pdf").write_bytes(REPORT)
    path = root / "studies" / "VAL-001.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(root: Path, text: str) -> str:
    path = _write(root, text)
    with pytest.raises(InputError) as caught:
        read_study_toml(path, root)
    message = str(caught.value)
    assert "\n" not in message
    return message.removeprefix(f"{path}")


def test_a_study_meeting_every_criterion_passes(tmp_path: Path) -> None:
    report = read_study_toml(_write(tmp_path), tmp_path)
    assert report.outcome == "passed"
    assert report.run_id == "VAL-001-20260522"
    assert (report.start, report.end) == ("2026-05-04", "2026-05-22")
    assert report.report.path == "validation/VAL-001-report.pdf"
    assert report.report.sha256 == hashlib.sha256(REPORT).hexdigest()
    assert report.source == "studies/VAL-001.toml"
    document = study_document(report)
    assert list(document) == [
        "format", "record", "illustrative", "note", "validation", "protocol",
        "protocol_version", "report", "start", "end", "approver", "conclusion",
        "outcome", "criteria", "source",
    ]  # fmt: skip
    assert document["format"] == FORMAT == "qmsdoc-study-report/1"
    assert document["note"] == ILLUSTRATIVE_NOTE
    run = run_from_document(document, RECORD)
    assert (run.run_id, run.kind, run.commit, run.date, run.executor) == (
        "VAL-001-20260522", "study", None, "2026-05-22",
        "J. Doe, Head of Clinical Affairs",
    )  # fmt: skip
    assert run.attachments == (report.report,)
    (result,) = run.results
    assert (result.suite, result.name, result.outcome, result.verifies) == (
        "study", "VAL-001", "passed", ("VAL-001",)
    )  # fmt: skip


def test_a_criterion_not_met_fails_the_study(tmp_path: Path) -> None:
    text = STUDY.replace(
        'value = "UG-1 93 %, UG-2 100 %, UG-3 93 %"\nmet = true',
        'value = "UG-1 87 %"\nmet = false',
    )
    report = read_study_toml(_write(tmp_path, text), tmp_path)
    assert report.outcome == "failed"
    (result,) = run_from_document(study_document(report), RECORD).results
    assert result.outcome == "failed"
    assert result.message == (
        "criterion not met: >= 90 % task success per user group: UG-1 87 %"
    )


def test_a_toml_syntax_error_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    text = STUDY.replace('approver = "J. Doe', 'approver "J. Doe')
    assert _refusal(tmp_path, text) == (
        ":8: not valid TOML: Expected '=' after a key in a key/value pair (column 10)"
    )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('approver = "J. Doe, Head of Clinical Affairs"\n', "", ": approver: missing"),
        ('conclusion = "All acceptance criteria met."', 'conclusion = ""',
         ":9: conclusion: empty"),
        ('protocol_version = "2.0"', "protocol_version = 2",
         ":4: protocol_version: must be a string, not int"),
        ('end = "2026-05-22"', 'end = "22 May 2026"',
         ":7: end: '22 May 2026' is not a date (YYYY-MM-DD)"),
        ('end = "2026-05-22"', 'end = "2026-05-01"',
         ":7: end: 2026-05-01 is before start 2026-05-04"),
        ('report = "validation/VAL-001-report.pdf"', 'report = "validation/none.pdf"',
         ":5: report: no file 'validation/none.pdf' in the project"),
        ('report = "validation/VAL-001-report.pdf"', 'report = "/etc/passwd"',
         ":5: report: '/etc/passwd' is not a path relative to the project root"),
        ("illustrative = true", "illustrative = 'yes'",
         ":10: illustrative: must be true or false, not 'yes'"),
        ("illustrative = true", "approved = true",
         ":10: approved: unknown key (known: validation, protocol, protocol_version, "
         "report, start, end, approver, conclusion, illustrative, criteria)"),
        ("met = true\n\n[[criteria]]", "met = 'yes'\n\n[[criteria]]",
         ":15: criteria[1].met: must be true or false, not 'yes'"),
        ('value = "UG-1 93 %, UG-2 100 %, UG-3 93 %"\n', "",
         ":17: criteria[2].value: missing"),
        ('value = "0 use errors in 45 sessions"', 'result = "0"',
         ":14: criteria[1].result: unknown key (known: criterion, value, met)"),
    ],
)  # fmt: skip
def test_bad_values_name_the_line(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    assert old in STUDY
    assert _refusal(tmp_path, STUDY.replace(old, new)) == problem


def test_a_study_without_criteria_is_refused(tmp_path: Path) -> None:
    text = STUDY.split("[[criteria]]", maxsplit=1)[0]
    assert _refusal(tmp_path, text) == (
        ": criteria: no acceptance criteria: add [[criteria]] tables"
    )


def test_unreadable_files_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "VAL-009.toml"
    with pytest.raises(InputError, match=r"VAL-009\.toml: cannot be read: "):
        read_study_toml(path, tmp_path)
    path.write_bytes(b"validation = '\xff'")
    with pytest.raises(InputError, match=r"VAL-009\.toml: not UTF-8 text \(byte 15: "):
        read_study_toml(path, tmp_path)


def test_a_fifo_study_report_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "VAL-009.toml"
    os.mkfifo(path)
    with pytest.raises(InputError, match=r"not a regular file \(a FIFO\)"):
        read_study_toml(path, tmp_path)


@pytest.mark.parametrize(
    ("value", "expect"),
    [("[" * 5000 + "]" * 5000, "nested too deeply"), ("9" * 5000, "4300 digits")],
)
def test_toml_that_crashed_the_parser_is_one_line(
    tmp_path: Path, value: str, expect: str
) -> None:
    path = tmp_path / "VAL-009.toml"
    path.write_text(f"extra = {value}\n", encoding="utf-8")
    with pytest.raises(InputError, match=expect) as caught:
        read_study_toml(path, tmp_path)
    assert str(caught.value).startswith(f"{path}: not valid TOML: ")


def _document(tmp_path: Path) -> dict[str, Any]:
    return copy.deepcopy(study_document(read_study_toml(_write(tmp_path), tmp_path)))


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("format", "x", "format: 'x' is not 'qmsdoc-study-report/1'"),
        ("outcome", "failed", "outcome: 'failed', but the criteria say passed"),
        ("criteria", [], "a study report states at least one acceptance criterion"),
        ("criteria", "all", "criteria: must be a list, not str"),
        ("report", "x.pdf", "report: not a JSON object"),
        ("start", "May", "start and end are ISO dates (YYYY-MM-DD)"),
        ("approver", None, "approver: must be a string, not null"),
        ("record", "VAL-001", "record: 'VAL-001' is not 'VAL-001-20260522'"),
        ("record", "../x", "record: '../x': use letters, digits, '.', '_' or '-' only"),
        ("note", " ", "note: an illustrative record says so in its note"),
    ],
)
def test_a_malformed_record_is_one_line(
    tmp_path: Path, key: str, value: object, problem: str
) -> None:
    document = _document(tmp_path)
    document[key] = value
    with pytest.raises(InputError) as caught:
        run_from_document(document, RECORD)
    assert str(caught.value) == f"{RECORD}: {problem}"


def test_a_record_with_a_criterion_not_met_cannot_claim_passed(tmp_path: Path) -> None:
    document = _document(tmp_path)
    document["criteria"][0]["met"] = False
    with pytest.raises(
        InputError, match="outcome: 'passed', but the criteria say failed"
    ):
        run_from_document(document, RECORD)
    document["criteria"][0]["met"] = "no"
    with pytest.raises(InputError, match=r"criteria\[1\].met: must be true or false"):
        run_from_document(document, RECORD)
