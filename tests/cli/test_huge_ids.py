"""An item id with a digit run longer than ``int()`` accepts (over 4,300 digits).

``qms check`` reports it as malformed (exit 1); the exporters sort any id the
profile could allow, so ``qms matrix``, ``qms gaps``, ``qms diff`` and the Sphinx
build finish instead of crashing in ``natural_key``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.cli import main
from qmstest import git_as, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

HUGE = "REQ-" + "1" * 5_000


@pytest.fixture
def huge_root(valid_root: Path) -> Path:
    git_as(valid_root, "init", "-q")
    git_as(valid_root, "add", ".")
    git_as(valid_root, "commit", "-q", "-m", "base")
    items = valid_root / "items.rst"
    items.write_text(
        items.read_text(encoding="utf-8")
        + f"\n.. requirement:: Huge id\n   :id: {HUGE}\n   :status: draft\n"
        "   :kind: functional\n   :level: software\n   :satisfies: UN-001\n",
        encoding="utf-8",
    )
    git_as(valid_root, "commit", "-q", "-am", "huge id")
    return valid_root


def _run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> int:
    try:
        main(["--root", str(root), *args])
    except SystemExit as done:
        assert isinstance(done.code, int)
        code = done.code
    else:
        code = 0
    assert "Traceback" not in capsys.readouterr().err
    return code


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (("check", "-q"), {1}),
        (("matrix",), {0, 1}),
        (("gaps",), {0, 1}),
        (("diff", "HEAD~1", "HEAD"), {0}),
    ],
)
def test_commands_finish_on_a_5000_digit_id(
    huge_root: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    codes: set[int],
) -> None:
    assert _run(capsys, huge_root, *args) in codes


def test_the_sphinx_build_finishes_on_a_5000_digit_id(huge_root: Path) -> None:
    items = huge_root / "items.rst"
    # a link to the huge id too: sphinx-needs would sort it as a number
    items.write_text(
        items.read_text(encoding="utf-8")
        + "\n.. requirement:: Links to the huge id\n   :id: REQ-002\n"
        f"   :status: draft\n   :kind: functional\n   :level: software\n"
        f"   :satisfies: UN-001, {HUGE}\n",
        encoding="utf-8",
    )
    run = sphinx_build(huge_root)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    malformed = [line for line in run.warnings if "qms.id_malformed" in line]
    assert len(malformed) == 1 and "5004 characters long" in malformed[0]
    assert any("REQ-002" in line and "qms.link" in line for line in run.warnings)
    assert len(max(malformed, key=len)) < 1000
