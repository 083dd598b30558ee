"""The evidence store is append-only and serialised: an existing run id is refused,
``replace`` says what it replaced, concurrent imports never lose a record, local runs
stay apart, and a malformed record is one line naming the file.

The concurrency tests start real interpreters (``python -c``) that build a run of
10,000 results each, wait at a barrier and then store it at the same moment.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence import read_runs, write_run
from qmsdoc.evidence.store import FORMAT, LOCAL_FOLDER, add_record, run_document

from ._evidence_support import COMMIT, result, run

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.evidence import EvidenceRun

RESULTS = 10_000

#: one importer: builds a run of RESULTS results, says it is ready, waits until its
#: standard input is closed (the barrier), stores the run and prints where; an
#: InputError exits 2 with its one line
IMPORTER = """\
import pathlib, sys
from qmsdoc.errors import InputError
from qmsdoc.evidence import EvidenceRun, TestResult, write_run

folder, run_id, executor, ready, count = sys.argv[1:6]
results = tuple(
    TestResult(
        suite="pytest", classname=f"tests.test_bulk_{index // 100}",
        name=f"test_case_{index}", outcome="passed", duration=0.001,
        message="", verifies=(f"REQ-{index % 50 + 1:03d}",),
    )
    for index in range(int(count))
)
run = EvidenceRun(
    run_id=run_id, commit="0123456789abcdef0123456789abcdef01234567",
    date="2024-05-02T10:00:00", source="junit.xml", results=results,
    tree_clean=True, executor=executor,
)
pathlib.Path(ready).touch()
sys.stdin.read()
try:
    stored = write_run(pathlib.Path(folder), run)
except InputError as error:
    print(error, file=sys.stderr)
    sys.exit(2)
print(stored.path)
"""


def _record_files(folder: Path) -> list[str]:
    """Every file of the folder but the lock, including temporary ones."""
    return sorted(p.name for p in folder.iterdir() if p.name != ".lock")


def _race(
    folder: Path, run_ids: tuple[str, str]
) -> list[subprocess.CompletedProcess[str]]:
    """Two importers storing into ``folder`` at the same moment; their completed
    processes (the barrier files are kept next to the folder)."""
    processes = []
    for number, run_id in enumerate(run_ids):
        ready = folder.parent / f"{folder.name}-ready-{number}"
        arguments = [str(folder), run_id, f"importer-{number}", str(ready)]
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", IMPORTER, *arguments, str(RESULTS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    deadline = time.monotonic() + 60
    while not all(
        (folder.parent / f"{folder.name}-ready-{n}").exists() for n in range(2)
    ):
        assert time.monotonic() < deadline, "the importers did not start"
        assert all(p.poll() is None for p in processes), "an importer stopped early"
        time.sleep(0.01)
    for process in processes:  # release them together
        assert process.stdin is not None
        process.stdin.close()
    done = []
    for process in processes:
        process.wait(timeout=120)
        assert process.stdout is not None and process.stderr is not None
        stdout, stderr = process.stdout.read(), process.stderr.read()
        done.append(
            subprocess.CompletedProcess(
                process.args, process.returncode, stdout, stderr
            )
        )
    return done


def test_importing_an_existing_run_id_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    first = run("ci-1", result("test_a", verifies=["REQ-001"]))
    stored = write_run(tmp_path, first)
    before = stored.path.read_bytes()
    second = run("ci-1", result("test_a", "failed", verifies=["REQ-001"]))
    with pytest.raises(InputError) as caught:
        write_run(tmp_path, second)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{stored.path}: run ci-1 is already recorded (")
    assert "--replace" in message
    assert stored.path.read_bytes() == before
    assert _record_files(tmp_path) == ["ci-1.json"]
    (kept,) = read_runs(tmp_path)
    assert kept.results[0].outcome == "passed"


def test_replace_replaces_and_says_what_it_replaced(tmp_path: Path) -> None:
    write_run(tmp_path, run("ci-1", result("test_a"), result("test_b")))
    newer = run("ci-1", result("test_a", "failed"), date="2024-06-01T08:00:00")
    stored = write_run(tmp_path, newer, replace=True)
    assert stored.path == tmp_path / "ci-1.json"
    assert stored.replaced == (
        f"{FORMAT}, commit {COMMIT[:12]}, date 2024-05-02T10:00:00, 2 results"
    )
    (kept,) = read_runs(tmp_path)
    assert dataclasses.replace(kept, record_path="") == newer
    assert _record_files(tmp_path) == ["ci-1.json"]


def test_replace_of_a_new_run_id_replaces_nothing(tmp_path: Path) -> None:
    stored = write_run(tmp_path, run("ci-2", result()), replace=True)
    assert stored.replaced is None
    assert [r.run_id for r in read_runs(tmp_path)] == ["ci-2"]


def test_replacing_an_unreadable_record_says_so(tmp_path: Path) -> None:
    (tmp_path / "ci-1.json").write_text("{broken", encoding="utf-8")
    stored = add_record(tmp_path, "ci-1", run_document(run("ci-1")), replace=True)
    assert stored.replaced == "unreadable record"
    assert [r.run_id for r in read_runs(tmp_path)] == ["ci-1"]


#: rounds of the same-id race: without the lock, a lost record showed in about one
#: round of three on a 2-core machine, so several rounds make a regression visible
ROUNDS = 4


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_imports_of_one_run_id_at_once_land_one_and_refuse_the_other(
    tmp_path: Path, round_number: int
) -> None:
    folder = tmp_path / "evidence"
    run_id = f"ci-same-{round_number}"
    outcomes = _race(folder, (run_id, run_id))
    codes = sorted(p.returncode for p in outcomes)
    assert codes == [0, 2], [p.stderr for p in outcomes]
    landed = next(p for p in outcomes if p.returncode == 0)
    refused = next(p for p in outcomes if p.returncode == 2)
    record = folder / f"{run_id}.json"
    assert landed.stdout.strip() == str(record)
    (line,) = refused.stderr.splitlines()
    assert line.startswith(f"{record}: run {run_id} is already recorded (")
    assert "Traceback" not in refused.stderr
    # the one record is whole and is the landed importer's
    (stored,) = read_runs(folder)
    assert len(stored.results) == RESULTS
    winner = outcomes.index(landed)
    assert stored.executor == f"importer-{winner}"
    assert _record_files(folder) == [f"{run_id}.json"]


def test_two_imports_of_different_run_ids_at_once_both_land(tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    outcomes = _race(folder, ("ci-a", "ci-b"))
    assert [p.returncode for p in outcomes] == [0, 0], [p.stderr for p in outcomes]
    runs = read_runs(folder)
    assert [(r.run_id, r.executor, len(r.results)) for r in runs] == [
        ("ci-a", "importer-0", RESULTS),
        ("ci-b", "importer-1", RESULTS),
    ]
    assert _record_files(folder) == ["ci-a.json", "ci-b.json"]


def _local(run_id: str) -> EvidenceRun:
    return dataclasses.replace(run(run_id, result()), local=True)


def test_local_runs_go_to_their_own_folder_and_are_read_only_on_request(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "evidence"
    write_run(folder, run("ci-1", result()))
    stored = write_run(folder, _local("dev-1"))
    assert stored.path == folder / LOCAL_FOLDER / "dev-1.json"
    assert json.loads(stored.path.read_text(encoding="utf-8"))["local"] is True
    assert [r.run_id for r in read_runs(folder)] == ["ci-1"]
    both = read_runs(folder, include_local=True, root=tmp_path)
    assert [(r.run_id, r.local, r.record_path) for r in both] == [
        ("ci-1", False, "evidence/ci-1.json"),
        ("dev-1", True, "evidence/local/dev-1.json"),
    ]
    assert not both[1].counts_for_release


def test_a_local_run_id_is_append_only_too(tmp_path: Path) -> None:
    write_run(tmp_path, _local("dev-1"))
    with pytest.raises(InputError, match=r"local/dev-1\.json: run dev-1 is already"):
        write_run(tmp_path, _local("dev-1"))
    # a committed run of the same id is a different record
    write_run(tmp_path, run("dev-1", result()))


def _valid() -> dict[str, object]:
    return run_document(run("ci-1", result("test_a", verifies=["REQ-001"])))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("", "not valid JSON", id="empty"),
        pytest.param("{not json", "not valid JSON", id="not-json"),
        pytest.param("[1, 2]", "not a JSON object", id="array"),
        pytest.param('{"run": "x"}', "format None", id="no-format"),
        pytest.param(
            json.dumps({**_valid(), "format": "qmsdoc-evidence/9"}),
            "format 'qmsdoc-evidence/9'",
            id="unknown-format",
        ),
        pytest.param(
            json.dumps({**_valid(), "results": "many"}),
            "not a valid evidence record",
            id="results-not-a-list",
        ),
        pytest.param(
            json.dumps({**_valid(), "kind": "guess"}),
            "unknown kind 'guess'",
            id="unknown-kind",
        ),
        pytest.param(
            json.dumps({**_valid(), "tree_clean": "yes"}),
            "tree_clean must be true, false or null",
            id="tree-clean-not-a-boolean",
        ),
        pytest.param(
            json.dumps({**_valid(), "attachments": [{"path": "a.png"}]}),
            "not a valid evidence record",
            id="attachment-without-hash",
        ),
        pytest.param(
            json.dumps({k: v for k, v in _valid().items() if k != "run"}),
            "not a valid evidence record",
            id="no-run-id",
        ),
    ],
)
def test_a_malformed_record_is_one_line_naming_the_file(
    tmp_path: Path, text: str, problem: str
) -> None:
    write_run(tmp_path, run("good", result()))
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_runs(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{bad}:")
    assert problem in message
    assert "\n" not in message


def test_a_malformed_local_record_is_reported_only_when_local_runs_are_read(
    tmp_path: Path,
) -> None:
    write_run(tmp_path, run("good", result()))
    (tmp_path / LOCAL_FOLDER).mkdir()
    bad = tmp_path / LOCAL_FOLDER / "dev-9.json"
    bad.write_bytes(b"\xff\xfe not text")
    assert [r.run_id for r in read_runs(tmp_path)] == ["good"]
    with pytest.raises(InputError) as caught:
        read_runs(tmp_path, include_local=True)
    assert str(caught.value).startswith(f"{bad}: not UTF-8 text (byte 1: ")
    assert "\n" not in str(caught.value)
