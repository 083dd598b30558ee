"""Exit codes that mean one thing: 0 pass, 1 gate failed, 2 bad input or usage,
3 internal error (one line; the traceback only with ``--debug``).

The internal error is forced by making the core raise an unexpected exception in a
real ``qms check`` run (a fresh interpreter that patches the check pipeline first).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from qmstest import run_qms

if TYPE_CHECKING:
    from pathlib import Path

#: runs ``qms ARGS`` with the check pipeline replaced by one that fails like a bug
BROKEN_CORE = """
import sys
from qmsdoc.device_file import DeviceFile

def broken(*args, **kwargs):
    raise KeyError("a dictionary lookup the engine never expected to miss")

DeviceFile.from_sources = classmethod(broken)
from qmsdoc.cli import main
main(sys.argv[1:])
"""


def _broken(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BROKEN_CORE, *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_internal_error_exits_3_with_one_line(valid_root: Path) -> None:
    result = _broken(valid_root, "check")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("qms: internal error (KeyError: ")
    assert "rerun as `qms --debug check` for the traceback" in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_prints_the_traceback_and_still_exits_3(valid_root: Path) -> None:
    result = _broken(valid_root, "--debug", "check")
    assert result.returncode == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "in broken" in result.stderr  # the frame that raised
    assert result.stderr.strip().splitlines()[-1].startswith("qms: internal error")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("check",), 0),
        (("no-such-command",), 2),
        (("evidence", "import", "missing.xml", "--commit", "0" * 40), 2),
    ],
    ids=["pass", "usage", "bad input"],
)
def test_the_other_exit_codes(
    valid_root: Path, args: tuple[str, ...], code: int
) -> None:
    result = run_qms(valid_root, *args)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_failing_gate_exits_1(broken_root: Path) -> None:
    result = run_qms(broken_root, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_help_documents_the_exit_codes(valid_root: Path) -> None:
    result = run_qms(valid_root, "--help")
    assert result.returncode == 0
    assert "3  internal error in qmsdoc (rerun with --debug" in result.stdout


def test_a_fifo_given_as_a_protocol_workbook_is_refused_at_once(
    valid_root: Path,
) -> None:
    fifo = valid_root / "protocol.xlsx"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()",
         "evidence", "import", str(fifo), "--commit", "0" * 40],
        cwd=valid_root, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "not a regular file (a FIFO)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
