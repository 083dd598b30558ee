"""Manual execution records: the document, its reading into an evidence run, and the
refusal of malformed records with one line naming the file and the key."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence.manual import (
    FORMAT,
    ILLUSTRATIVE_NOTE,
    ManualExecution,
    StepResult,
    execution_document,
    hash_attachment,
    run_from_document,
    utc_timestamp,
)
from qmsdoc.evidence.records import Attachment

COMMIT = "0123456789abcdef0123456789abcdef01234567"
SIGNATURE = "ab" * 32
PATH = Path("traceability/evidence/VT-001-20260601T101500Z.json")


def _execution(**changes: Any) -> ManualExecution:
    values: dict[str, Any] = {
        "test_id": "VT-001",
        "title": "End-to-end intake",
        "item_signature": SIGNATURE,
        "version_under_test": COMMIT,
        "build": "2026.1.0 (build 412)",
        "environment": "iPhone 15, iOS 18.1",
        "executor": "A. Tester",
        "executed_at": "2026-06-01T10:15:00Z",
        "steps": (
            StepResult(number=1, action="Open", expected="Opens", actual="", verdict="pass"),
            StepResult(number=2, action="Check", expected="Shown", actual="ok", verdict="pass"),
        ),
        "deviations": "",
        "verdict": "passed",
        "attachments": (Attachment(path="shots/a.png", sha256="cd" * 32),),
        "illustrative": True,
        "source": "protocol.xlsx",
    }  # fmt: skip
    values.update(changes)
    return ManualExecution(**values)


def test_the_document_has_a_stable_json_form() -> None:
    document = execution_document(_execution())
    assert list(document) == [
        "format", "record", "illustrative", "note", "test", "title",
        "item_signature", "version_under_test", "build", "environment", "executor",
        "executed_at", "verdict", "deviations", "steps", "attachments", "source",
    ]  # fmt: skip
    assert document["format"] == FORMAT == "qmsdoc-manual-execution/1"
    assert document["record"] == "VT-001-20260601T101500Z"
    assert document["note"] == ILLUSTRATIVE_NOTE
    assert document["steps"][1] == {
        "number": 2, "action": "Check", "expected": "Shown", "actual": "ok",
        "verdict": "pass",
    }  # fmt: skip
    assert json.loads(json.dumps(document)) == document


def test_a_passed_record_reads_as_a_manual_run_verifying_the_test() -> None:
    run = run_from_document(execution_document(_execution()), PATH)
    assert (run.run_id, run.kind, run.commit, run.date) == (
        "VT-001-20260601T101500Z", "manual", COMMIT, "2026-06-01T10:15:00Z"
    )  # fmt: skip
    assert (run.executor, run.environment, run.source) == (
        "A. Tester", "iPhone 15, iOS 18.1", "protocol.xlsx"
    )  # fmt: skip
    assert run.attachments == (Attachment(path="shots/a.png", sha256="cd" * 32),)
    (result,) = run.results
    assert (result.suite, result.classname, result.name) == ("manual", "", "VT-001")
    assert (result.outcome, result.verifies, result.message) == (
        "passed", ("VT-001",), ""
    )  # fmt: skip
    assert result.passed


def test_a_failed_step_fails_and_names_the_step() -> None:
    steps = (
        StepResult(number=1, action="Open", expected="Opens", actual="", verdict="pass"),
        StepResult(number=2, action="Check", expected="Shown", actual="Blank screen",
                   verdict="fail"),
    )  # fmt: skip
    execution = _execution(steps=steps, verdict="failed", deviations="Retest later")
    (result,) = run_from_document(execution_document(execution), PATH).results
    assert (result.outcome, result.message) == ("failed", "step 2 failed: Blank screen")
    assert result.failed


def test_a_tag_is_no_commit_and_deviations_are_the_message() -> None:
    execution = _execution(version_under_test="v2026.1.0", deviations="Used\nbuild 413")
    run = run_from_document(execution_document(execution), PATH)
    assert run.commit is None
    assert run.results[0].message == "Used build 413"


def test_passed_with_a_failed_step_cannot_be_made() -> None:
    steps = (StepResult(number=1, action="a", expected="", actual="x", verdict="fail"),)
    with pytest.raises(ValueError, match="verdict is passed but step 1 failed"):
        _execution(steps=steps)
    with pytest.raises(ValueError, match="not UTC ISO 8601"):
        _execution(executed_at="2026-06-01T10:15:00")


def _set(document: dict[str, Any], key: str, value: object) -> None:
    target: Any = document
    *parents, last = key.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    index: Any = int(last) if last.isdigit() else last
    if value is _DELETE:
        del target[index]
    else:
        target[index] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("format", "qmsdoc-evidence/1",
         "format: 'qmsdoc-evidence/1' is not 'qmsdoc-manual-execution/1'"),
        ("executor", _DELETE, "executor: missing"),
        ("executor", "  ", "executor: empty"),
        ("environment", 3, "environment: must be a string, not int"),
        ("verdict", "ok", "verdict: 'ok' is not one of passed, failed"),
        ("executed_at", "2026-06-01 10:15", "executed_at: '2026-06-01 10:15' is not "
         "UTC ISO 8601 with Z"),
        ("item_signature", "abc", "item_signature: 'abc' is not a SHA-256 digest "
         "(64 hex digits)"),
        ("steps", [], "steps: no steps"),
        ("steps", {}, "steps: must be a list, not dict"),
        ("steps.0", "x", "steps[1]: not a JSON object"),
        ("steps.1.verdict", "fail", "verdict: passed, but step 2 failed"),
        ("steps.0.number", 0, "steps[1].number: must be a positive integer, not 0"),
        ("steps.0.number", True, "steps[1].number: must be a positive integer, "
         "not True"),
        ("attachments.0.sha256", None, "attachments[1].sha256: must be a string, "
         "not null"),
        ("illustrative", "yes", "illustrative: must be true or false, not str"),
        ("note", "", "note: an illustrative record says so in its note"),
        ("record", "VT-001-other", "record: 'VT-001-other' is not "
         "'VT-001-20260601T101500Z'"),
    ],
)  # fmt: skip
def test_a_malformed_record_is_one_line_naming_file_and_key(
    key: str, value: object, problem: str
) -> None:
    document = copy.deepcopy(execution_document(_execution()))
    _set(document, key, value)
    with pytest.raises(InputError) as caught:
        run_from_document(document, PATH)
    assert str(caught.value) == f"{PATH}: {problem}"


@pytest.mark.parametrize("document", [[], "text", None])
def test_a_record_that_is_no_object_is_refused(document: Any) -> None:
    with pytest.raises(InputError, match=r": record: not a JSON object$"):
        run_from_document(document, PATH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-01T10:15:00Z", "2026-06-01T10:15:00Z"),
        ("2026-06-01T10:15Z", "2026-06-01T10:15:00Z"),
        ("2026-06-01 10:15:07.250+00:00", "2026-06-01T10:15:07Z"),
        (" 2026-06-01T10:15:00+00 ", "2026-06-01T10:15:00Z"),
        ("2026-06-01T10:15:00", None),
        ("2026-06-01T10:15:00+02:00", None),
        ("2026-13-01T10:15:00Z", None),
        ("2026-06-01T25:15:00Z", None),
        ("1 June 2026", None),
    ],
)
def test_utc_timestamps(text: str, expected: str | None) -> None:
    assert utc_timestamp(text) == expected


def test_attachments_are_hashed_below_the_root(tmp_path: Path) -> None:
    (tmp_path / "shots").mkdir()
    (tmp_path / "shots" / "a.png").write_bytes(b"image")
    attachment = hash_attachment(tmp_path, "shots/a.png")
    assert attachment == Attachment(
        path="shots/a.png",
        sha256="6105d6cc76af400325e94d588ce511be5bfdbb73b437dc51eca43917d7a43e3d",
    )
    for bad in ("/etc/passwd", "../x", "shots\\a.png", "", "shots"):
        with pytest.raises(ValueError, match=r"not a path relative|no file"):
            hash_attachment(tmp_path, bad)


def test_an_attachment_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "shots").mkdir(parents=True)
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    (root / "shots" / "a.png").symlink_to(outside)
    with pytest.raises(ValueError, match="links to a file outside the project"):
        hash_attachment(root, "shots/a.png")


def test_a_fifo_attachment_is_no_file(tmp_path: Path) -> None:
    (tmp_path / "shots").mkdir()
    os.mkfifo(tmp_path / "shots" / "a.png")
    with pytest.raises(ValueError, match=r"no file 'shots/a\.png' in the project"):
        hash_attachment(tmp_path, "shots/a.png")
