"""Writes that never lose: commands that write the same record folder at the same
moment are serialised by the folder's lock, so each one's write lands.

Each repetition starts two ``qms review`` (different links, one review record) and two
``qms evidence import`` (different runs, one evidence folder) together as real
processes; afterwards every reviewed link and both runs are recorded. Without the
lock, ``qms review`` read the record, changed it and wrote it back, and one of two
reviews started together was lost within a few repetitions.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from qmstest import copy_root, run_qms

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

REPETITIONS = 20
#: exit code and output of one command
Outcome = tuple[int, str]
RECORD = "traceability/reviewed-links.txt"
EVIDENCE = "traceability/evidence"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
#: the links each review marks: disjoint, so both reviews add lines to the record
REVIEWS = {
    "DO-001": {"DO-001 implements RC-001", "DO-001 implements REQ-001"},
    "VT-001": {"VT-001 verifies RC-001", "VT-001 verifies REQ-001"},
}
JUNIT = """\
<testsuite name="flagging" tests="1">
  <testcase classname="tests.test_flagging" name="{name}">
    <properties><property name="verifies" value="REQ-001"/></properties>
  </testcase>
</testsuite>
"""
#: starts qms commands together as real processes. It imports the CLI once; then for
#: each line of standard input (a JSON list of commands) it forks one child per
#: command, which waits at a barrier (a pipe closed when all are forked) and runs
#: ``qms <command>`` with its output in ``<n>.out``; it prints the exit codes in one
#: line. Forking from one warm interpreter keeps 80 commands within seconds (a cold
#: ``qms`` spends about 0.8 s importing, most of it openpyxl).
STARTER = """\
import json, os, sys
import qmsdoc.cli.change, qmsdoc.cli.evidence
from qmsdoc.cli import main

for line in sys.stdin:
    gate, release = os.pipe()
    children = []
    for number, command in enumerate(json.loads(line)):
        child = os.fork()
        if child == 0:
            os.close(release)
            output = os.open(f"{number}.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(output, 1)
            os.dup2(output, 2)
            os.read(gate, 1)
            sys.argv = ["qms", *command]
            try:
                main()
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        children.append(child)
    os.close(gate)
    os.close(release)
    codes = [os.waitstatus_to_exitcode(os.waitpid(c, 0)[1]) for c in children]
    print(*codes, flush=True)
"""


def test_reviews_and_imports_started_together_lose_nothing(tmp_path: Path) -> None:
    root = copy_root("test-valid", tmp_path / "valid")
    for name in ("a", "b"):
        (root / f"{name}.xml").write_text(JUNIT.format(name=f"test_{name}"))
    runs = [
        f"r{repetition}-{name}" for repetition in range(REPETITIONS) for name in "ab"
    ]
    with _starter(root) as start:
        for repetition in range(REPETITIONS):
            (root / RECORD).unlink(missing_ok=True)
            now = runs[2 * repetition : 2 * repetition + 2]
            commands = [["review", item] for item in REVIEWS]
            commands += [
                [
                    "evidence",
                    "import",
                    f"{run[-1]}.xml",
                    "--run",
                    run,
                    "--commit",
                    COMMIT,
                ]
                for run in now
            ]
            outcomes = start(commands)
            assert [code for code, _ in outcomes] == [0] * 4, (repetition, outcomes)
            assert _reviewed(root) == set().union(*REVIEWS.values()), repetition
            assert all((root / EVIDENCE / f"{run}.json").is_file() for run in now)
    stored = sorted(path.name for path in (root / EVIDENCE).iterdir())
    assert stored == sorted(f"{run}.json" for run in runs)
    for run in runs:
        record = json.loads((root / EVIDENCE / f"{run}.json").read_text("utf-8"))
        assert (record["run"], record["results"][0]["name"]) == (run, f"test_{run[-1]}")


@contextlib.contextmanager
def _starter(root: Path) -> Iterator[Callable[[list[list[str]]], list[Outcome]]]:
    """A running starter in ``root``: the function that starts commands together and
    returns the exit code and output of each."""
    process = subprocess.Popen(
        [sys.executable, "-c", STARTER],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout

    def start(commands: list[list[str]]) -> list[Outcome]:
        stdin.write(json.dumps(commands) + "\n")
        stdin.flush()
        codes = [int(code) for code in stdout.readline().split()]
        assert len(codes) == len(commands), "the starter stopped"
        return [
            (code, (root / f"{number}.out").read_text(encoding="utf-8"))
            for number, code in enumerate(codes)
        ]

    try:
        yield start
    finally:
        stdin.close()
        process.wait(timeout=60)


def _reviewed(root: Path) -> set[str]:
    lines = (root / RECORD).read_text(encoding="utf-8").splitlines()
    return {line.rsplit(" ", 1)[0] for line in lines if not line.startswith("#")}


def test_a_writer_that_waits_too_long_is_refused_in_one_line(tmp_path: Path) -> None:
    root = copy_root("test-valid", tmp_path / "valid")
    folder = root / "traceability"
    folder.mkdir(exist_ok=True)
    before = sorted(path.name for path in folder.iterdir())
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another command is writing the folder
        env = {"QMS_LOCK_WAIT": "0.3"}
        waited = run_qms(root, "review", "--all", env=env, timeout=30)
        bad = run_qms(root, "review", "--all", env={"QMS_LOCK_WAIT": "soon"})
    finally:
        os.close(handle)
    assert waited.returncode == 2, waited.stderr
    assert waited.stderr.strip().splitlines() == [
        f"qms: error: another qms command is writing {folder / 'reviewed-links.txt'}; "
        "try again (waited 0.3 s)"
    ]
    assert bad.returncode == 2
    assert "QMS_LOCK_WAIT='soon': not a number of seconds from 0 to 3600" in bad.stderr
    assert sorted(path.name for path in folder.iterdir()) == before
    assert run_qms(root, "review", "--all").returncode == 0  # released: it writes
