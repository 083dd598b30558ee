"""Result records on disk and the import of reports into one run."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TYPE_CHECKING, Any

import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence import import_reports, read_runs, write_run
from qmsdoc.evidence.store import FORMAT, run_document

from ._evidence_support import COMMIT, result, run

if TYPE_CHECKING:
    from pathlib import Path

REPORT = """\
<testsuites>
  <properties>
    <property name="commit" value="{commit}"/>
    <property name="ci_run" value="{run}"/>
  </properties>
  <testsuite name="{suite}" timestamp="{timestamp}">
    <testcase classname="tests.test_b" name="test_z" time="0.5">
      <failure message="wrong"/>
    </testcase>
    <testcase classname="tests.test_a" name="test_y" time="0.25">
      <properties><property name="verifies" value="REQ-001"/></properties>
    </testcase>
  </testsuite>
</testsuites>
"""


def _report(
    folder: Path,
    name: str = "junit.xml",
    *,
    commit: str = "",
    run_id: str = "",
    suite: str = "pytest",
    timestamp: str = "",
) -> Path:
    path = folder / name
    path.write_text(
        REPORT.format(commit=commit, run=run_id, suite=suite, timestamp=timestamp),
        encoding="utf-8",
    )
    return path


def _record(**changes: Any) -> dict[str, Any]:
    document = run_document(
        run("ci-1", result("test_a", verifies=["REQ-001"]), commit=COMMIT)
    )
    document.update(changes)
    return document


def test_write_and_read_round_trip(tmp_path: Path) -> None:
    original = run(
        "ci-7",
        result("test_a", verifies=["REQ-001", "RC-001"]),
        result("test_b", "failed", message="assert 1 == 2 — ünïcode"),
        result("test_c", "flaky"),
        commit=None,
        date=None,
    )
    stored = write_run(tmp_path / "evidence", original)
    assert stored.path == tmp_path / "evidence" / "ci-7.json"
    assert stored.replaced is None
    (again,) = read_runs(tmp_path / "evidence")
    # reading records where the record is; everything else comes back as written
    assert again.record_path == "ci-7.json"
    assert dataclasses.replace(again, record_path="") == original


def test_provenance_round_trips(tmp_path: Path) -> None:
    original = dataclasses.replace(
        run("ci-8", result("test_a", verifies=["REQ-001"])),
        tree_clean=True,
        environment="ubuntu-24.04, CPython 3.12",
        executor="ci@example.com",
    )
    write_run(tmp_path, original)
    (again,) = read_runs(tmp_path, root=tmp_path.parent)
    assert again.record_path == f"{tmp_path.name}/ci-8.json"
    assert dataclasses.replace(again, record_path="") == original
    assert again.counts_for_release


def test_record_is_stable_readable_json(tmp_path: Path) -> None:
    original = run(
        "ci-1",
        result("test_a", verifies=["REQ-001"]),
        result("test_b", "skipped", message="later"),
    )
    first = write_run(tmp_path / "one", original).path.read_bytes()
    second = write_run(tmp_path / "two", original).path.read_bytes()
    again = write_run(tmp_path / "one", original, replace=True).path.read_bytes()
    assert first == second == again
    assert first.endswith(b"}\n")
    document = json.loads(first)
    assert list(document) == [
        "format",
        "run",
        "kind",
        "commit",
        "tree_clean",
        "local",
        "date",
        "environment",
        "executor",
        "source",
        "summary",
        "results",
    ]
    assert document["format"] == FORMAT == "qmsdoc-evidence/2"
    assert document["kind"] == "automated"
    assert document["tree_clean"] is None
    assert document["local"] is False
    assert document["summary"] == {
        "passed": 1,
        "failed": 0,
        "error": 0,
        "skipped": 1,
        "disabled": 0,
        "flaky": 0,
    }
    assert document["results"][0] == {
        "suite": "pytest",
        "classname": "tests.test_other",
        "name": "test_a",
        "outcome": "passed",
        "duration": 0.01,
        "message": "",
        "verifies": ["REQ-001"],
        "reruns": 0,
    }


def test_a_record_of_the_first_format_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text(
        json.dumps(
            {
                "format": "qmsdoc-evidence/1",
                "run": "old",
                "commit": COMMIT,
                "date": "2024-05-02T10:00:00",
                "source": "junit.xml",
                "summary": {"passed": 1},
                "results": [
                    {
                        "suite": "pytest",
                        "classname": "tests.test_other",
                        "name": "test_a",
                        "outcome": "passed",
                        "duration": 0.01,
                        "message": "",
                        "verifies": ["REQ-001"],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    (old,) = read_runs(tmp_path)
    assert dataclasses.replace(old, record_path="") == run(
        "old", result("test_a", verifies=["REQ-001"])
    )
    # no provenance of the tree: it does not count for a release
    assert old.tree_clean is None
    assert not old.counts_for_release


def test_runs_are_sorted_by_date_then_id(tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    for run_id, date in [
        ("b-late", "2024-05-03T08:00:00"),
        ("z-early", "2024-05-01T08:00:00"),
        ("b-same", "2024-05-02T08:00:00"),
        ("a-same", "2024-05-02T08:00:00"),
        ("undated", None),
    ]:
        write_run(folder, run(run_id, result(), date=date))
    (folder / "README.md").write_text("not a record\n", encoding="utf-8")
    assert [r.run_id for r in read_runs(folder)] == [
        "undated",
        "z-early",
        "a-same",
        "b-same",
        "b-late",
    ]


def test_a_missing_folder_has_no_runs(tmp_path: Path) -> None:
    assert read_runs(tmp_path / "nowhere") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a qmsdoc evidence record (not a JSON object)"),
        (json.dumps(_record(format="other/2")), "not a qmsdoc evidence record"),
        (json.dumps({"format": FORMAT, "run": "x"}), "not a valid evidence record"),
        (
            json.dumps(_record(results=[{"suite": "s"}])),
            "not a valid evidence record",
        ),
        (
            json.dumps(
                _record(results=[{**_record()["results"][0], "outcome": "green"}])
            ),
            "unknown outcome 'green'",
        ),
        (
            json.dumps(
                _record(results=[{**_record()["results"][0], "duration": "slow"}])
            ),
            "not a valid evidence record",
        ),
    ],
)
def test_an_invalid_record_names_the_file(
    tmp_path: Path, text: str, problem: str
) -> None:
    folder = tmp_path / "evidence"
    write_run(folder, run("good", result()))
    (folder / "bad.json").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_runs(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'bad.json'}:")
    assert problem in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"commit": 1234567}, id="commit-not-a-string"),
        pytest.param(
            {"results": [{**_record()["results"][0], "verifies": "REQ-001"}]},
            id="verifies-not-a-list",
        ),
    ],
)
def test_a_record_with_fields_of_the_wrong_type_is_invalid(
    tmp_path: Path, changes: dict[str, Any]
) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "typed.json").write_text(json.dumps(_record(**changes)), "utf-8")
    with pytest.raises(InputError, match=r"typed\.json"):
        read_runs(folder)


def test_import_reads_results_sorted_with_the_report_provenance(
    tmp_path: Path,
) -> None:
    path = _report(
        tmp_path,
        commit="abc123",
        run_id="gh-1001",
        timestamp="2024-05-02T10:11:12",
    )
    imported = import_reports([path], commit=None, run_id=None, date=None)
    assert imported.run_id == "gh-1001"
    assert imported.commit == "abc123"
    assert imported.date == "2024-05-02T10:11:12"
    assert imported.source == "junit.xml"
    assert [(r.classname, r.name, r.outcome) for r in imported.results] == [
        ("tests.test_a", "test_y", "passed"),
        ("tests.test_b", "test_z", "failed"),
    ]
    assert imported.results[0].verifies == ("REQ-001",)


def test_command_line_provenance_wins_over_the_report(tmp_path: Path) -> None:
    path = _report(
        tmp_path, commit="abc123", run_id="gh-1001", timestamp="2024-05-02T10:11:12"
    )
    imported = import_reports(
        [path], commit=COMMIT, run_id="cli-run.2_b", date="2024-06-01T00:00:00Z"
    )
    assert (imported.run_id, imported.commit, imported.date) == (
        "cli-run.2_b",
        COMMIT,
        "2024-06-01T00:00:00Z",
    )


def test_run_id_is_a_digest_of_the_reports_when_none_is_given(
    tmp_path: Path,
) -> None:
    first = _report(tmp_path, "a.xml", suite="alpha")
    second = _report(tmp_path, "b.xml", suite="beta")
    imported = import_reports([first, second], commit=None, run_id=None, date=None)
    # a digest of the results the reports hold
    assert re.fullmatch(r"run-[0-9a-f]{12}", imported.run_id)
    other = import_reports([first], commit=None, run_id=None, date=None)
    assert other.run_id != imported.run_id
    assert imported.commit is None
    assert imported.date is None
    assert imported.source == "a.xml, b.xml"
    assert [r.suite for r in imported.results] == ["alpha", "alpha", "beta", "beta"]
    # the same files give the same id, so importing them twice is refused
    again = import_reports([first, second], commit=None, run_id=None, date=None)
    assert again == imported
    write_run(tmp_path / "evidence", imported)
    with pytest.raises(InputError, match="is already recorded"):
        write_run(tmp_path / "evidence", again)


def test_the_first_report_that_states_provenance_gives_it(tmp_path: Path) -> None:
    silent = _report(tmp_path, "a.xml")
    first = _report(tmp_path, "b.xml", commit="c-b", run_id="r-b", timestamp="t-b")
    later = _report(tmp_path, "c.xml", commit="c-c", run_id="r-c", timestamp="t-c")
    imported = import_reports(
        [silent, first, later], commit=None, run_id=None, date=None
    )
    assert (imported.commit, imported.run_id, imported.date) == ("c-b", "r-b", "t-b")


@pytest.mark.parametrize(
    "bad", ["../escape", "a/b", "-leading-dash", ".hidden", "has space", "x" * 101]
)
def test_an_unusable_run_id_is_rejected(tmp_path: Path, bad: str) -> None:
    path = _report(tmp_path)
    with pytest.raises(InputError) as caught:
        import_reports([path], commit=None, run_id=bad, date=None)
    assert str(caught.value) == (
        f"run id {bad!r}: use letters, digits, '.', '_' or '-' only"
    )


def test_an_unusable_run_id_from_the_report_is_rejected(tmp_path: Path) -> None:
    path = _report(tmp_path, run_id="GitHub Actions #12")
    with pytest.raises(InputError, match="run id 'GitHub Actions #12'"):
        import_reports([path], commit=None, run_id=None, date=None)


def test_an_unreadable_report_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xml"
    with pytest.raises(InputError) as caught:
        import_reports([missing], commit=None, run_id=None, date=None)
    assert str(caught.value).startswith(f"{missing}: cannot be read: ")


def test_a_bad_report_among_good_ones_fails_the_whole_import(tmp_path: Path) -> None:
    good = _report(tmp_path, "good.xml")
    bad = tmp_path / "bad.xml"
    bad.write_text("<testsuites>\n<oops>\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_reports([good, bad], commit=None, run_id="ci-1", date=None)
    assert str(caught.value).startswith(f"{bad}:3: not well-formed XML")


def test_custom_verifies_property_is_used_on_import(tmp_path: Path) -> None:
    path = tmp_path / "custom.xml"
    path.write_text(
        '<testsuite name="s"><testcase classname="c" name="n"><properties>'
        '<property name="covers" value="REQ-002"/></properties></testcase>'
        "</testsuite>",
        encoding="utf-8",
    )
    imported = import_reports(
        [path], commit=None, run_id="r", date=None, verifies_property="covers"
    )
    assert imported.results[0].verifies == ("REQ-002",)
