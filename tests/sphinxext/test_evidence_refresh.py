"""An incremental build refreshes the verification shown under an item when the
software under test changes, which makes its automated result stale."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

from qmstest import run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

ITEM = """

.. verification_test:: Flag limits in code
   :id: VT-004
   :status: approved
   :test_level: unit
   :method: test
   :automated_test: tests/test_flags.py::test_limits
   :verifies: REQ-001

   The flagging function flags values outside the range.
"""
JUNIT = """\
<testsuites><testsuite name="pytest" tests="1">
<testcase classname="tests.test_flags" name="test_limits" time="0.01"/>
</testsuite></testsuites>
"""


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def _shown(root: Path) -> str:
    page = (root / "_build" / "html" / "items.html").read_text("utf-8")
    start = page.index('id="VT-004"')
    return page[start : page.index("qms-evidence-", start) + 30]


def test_a_change_of_the_software_refreshes_the_item_page(
    valid_root: Path, tmp_path: Path
) -> None:
    items = valid_root / "items.rst"
    items.write_text(items.read_text("utf-8") + ITEM, encoding="utf-8")
    with (valid_root / "qms.toml").open("a", encoding="utf-8") as config:
        config.write('\n[evidence]\nsoftware_paths = ["src"]\n')
    (valid_root / "tests").mkdir()
    (valid_root / "tests" / "test_flags.py").write_text(
        "def test_limits() -> None:\n    assert True\n", encoding="utf-8"
    )
    (valid_root / "src").mkdir()
    (valid_root / "src" / "flags.py").write_text("LIMIT = 5.1\n", encoding="utf-8")
    _git(valid_root, "init", "-q")
    _git(valid_root, "add", "-A")
    _git(valid_root, "commit", "-q", "-m", "device file")
    report = tmp_path / "junit.xml"
    report.write_text(JUNIT, encoding="utf-8")
    commit = _git(valid_root, "rev-parse", "HEAD")
    imported = run_qms(
        valid_root,
        "evidence",
        "import",
        str(report),
        "--commit",
        commit,
        "--run",
        "ci-1",
    )
    assert imported.returncode == 0, imported.stderr
    assert sphinx_build(valid_root).returncode == 0
    assert "qms-evidence-passed" in _shown(valid_root)
    (valid_root / "src" / "flags.py").write_text("LIMIT = 5.2\n", encoding="utf-8")
    assert sphinx_build(valid_root).returncode == 0  # incremental
    assert "qms-evidence-stale" in _shown(valid_root)
