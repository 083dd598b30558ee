"""Automated evidence end to end: a real Robot Framework run imported and verifying
its items; a test item naming an automated test that does not exist; both as a
reviewer meets them through ``qms``."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from qmstest import run_qms

if TYPE_CHECKING:
    from pathlib import Path

SUITE = """\
*** Test Cases ***
Flags A Value Outside The Range
    [Tags]    verifies:VT-001
    Should Be True    5.6 > 5.1

Flags Nothing Inside The Range
    [Tags]    verifies:VT-001
    Should Be True    4.0 < 5.1

Waits For The OCR Service
    [Tags]    verifies:REQ-001
    Skip    the OCR service is not available here
"""
MISSING_TEST = """\

.. verification_test:: Parser of decimal separators
   :id: VT-002
   :status: approved
   :test_level: unit
   :method: test
   :automated_test: tests/test_parser.py::test_decimal_separator
   :verifies: REQ-001

   Values with comma and point decimal separators are read alike.
"""


def _robot(tmp_path: Path, suite: str) -> Path:
    (tmp_path / "flags.robot").write_text(suite, encoding="utf-8")
    output = tmp_path / "output.xml"
    subprocess.run(
        [
            sys.executable, "-m", "robot", "--output", str(output), "--log", "NONE",
            "--report", "NONE", str(tmp_path / "flags.robot"),
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert output.is_file()
    return output


def test_a_robot_run_verifies_the_items_its_tags_name(
    valid_root: Path, tmp_path: Path
) -> None:
    output = _robot(tmp_path, SUITE)
    imported = run_qms(
        valid_root, "evidence", "import", str(output), "--run", "robot-1"
    )
    assert imported.returncode == 0, imported.stderr
    assert "3 cases (2 passed, 1 skipped)" in imported.stdout
    record = json.loads(
        (valid_root / "traceability" / "evidence" / "robot-1.json").read_text("utf-8")
    )
    assert {r["name"]: r["outcome"] for r in record["results"]} == {
        "Flags A Value Outside The Range": "passed",
        "Flags Nothing Inside The Range": "passed",
        "Waits For The OCR Service": "skipped",
    }
    status = run_qms(valid_root, "evidence", "status", "VT-001")
    assert status.stdout.split()[1] == "stale", status.stdout  # no commit recorded
    assert "the commit the result was produced from is unknown" in status.stdout


def test_a_failing_robot_test_fails_its_item(valid_root: Path, tmp_path: Path) -> None:
    output = _robot(tmp_path, SUITE.replace("5.6 > 5.1", "5.0 > 5.1"))
    imported = run_qms(
        valid_root, "evidence", "import", str(output), "--run", "robot-2"
    )
    assert imported.returncode == 0, imported.stderr
    status = run_qms(valid_root, "evidence", "status", "REQ-001")
    assert status.stdout.split()[1] == "FAILED", status.stdout
    assert "failed: Flags A Value Outside The Range" in status.stdout


def test_a_damaged_robot_output_is_one_line_and_nothing_is_stored(
    valid_root: Path, tmp_path: Path
) -> None:
    output = _robot(tmp_path, SUITE)
    text = output.read_text("utf-8")
    output.write_text(text[: len(text) // 2], encoding="utf-8")
    imported = run_qms(
        valid_root, "evidence", "import", str(output), "--run", "robot-3"
    )
    assert imported.returncode == 2
    assert imported.stderr.count("\n") == 1, imported.stderr
    assert str(output) in imported.stderr
    assert "Traceback" not in imported.stderr
    assert not (valid_root / "traceability" / "evidence").exists()


def test_an_automated_test_that_does_not_exist_is_a_finding_at_the_item(
    valid_root: Path,
) -> None:
    items = valid_root / "items.rst"
    items.write_text(items.read_text("utf-8") + MISSING_TEST, encoding="utf-8")
    line = (
        items.read_text("utf-8")
        .splitlines()
        .index(".. verification_test:: Parser of decimal separators")
    )
    missing = run_qms(valid_root, "check")
    assert missing.returncode == 1
    assert (
        f"items.rst:{line + 1}: error: VT-002: automated test: file "
        "tests/test_parser.py does not exist [qms.evidence_test_missing]"
    ) in missing.stdout.splitlines()
    (valid_root / "tests").mkdir()
    (valid_root / "tests" / "test_parser.py").write_text(
        "def test_other() -> None:\n    pass\n", encoding="utf-8"
    )
    wrong_name = run_qms(valid_root, "check")
    assert "no test test_decimal_separator in tests/test_parser.py" in wrong_name.stdout
    (valid_root / "tests" / "test_parser.py").write_text(
        "def test_decimal_separator() -> None:\n    pass\n", encoding="utf-8"
    )
    present = run_qms(valid_root, "check")
    assert "evidence_test_missing" not in present.stdout


ROBOT_ITEM = """

.. verification_test:: Flagging on the integrated service
   :id: VT-003
   :status: approved
   :test_level: integration
   :method: test
   :automated_test: acceptance/flags.robot::Flags A Value Outside The Range
   :verifies: REQ-001

   The service flags a value above the range.
"""


def test_a_test_item_naming_a_robot_test_gets_its_result(valid_root: Path) -> None:
    items = valid_root / "items.rst"
    items.write_text(items.read_text("utf-8") + ROBOT_ITEM, encoding="utf-8")
    suite_dir = valid_root / "acceptance"
    suite_dir.mkdir()
    output = _robot(suite_dir, SUITE.replace("verifies:VT-001", "smoke"))
    check = run_qms(valid_root, "check")
    assert "evidence_test_missing" not in check.stdout, check.stdout
    imported = run_qms(
        valid_root, "evidence", "import", str(output), "--run", "robot-4"
    )
    assert imported.returncode == 0, imported.stderr
    status = run_qms(valid_root, "evidence", "status", "VT-003")
    # linked through the automated test (stale only because no commit was recorded)
    assert status.stdout.splitlines()[2].split()[:2] == [
        "passed",
        "acceptance/flags.robot::Flags",
    ], status.stdout


CODE_ITEM = """

.. verification_test:: Flag limits in code
   :id: VT-004
   :status: approved
   :test_level: unit
   :method: test
   :automated_test: tests/test_flags.py::test_limits
   :verifies: REQ-001

   The flagging function flags values outside the range.
"""
JUNIT_OF_TEST_LIMITS = """\
<testsuites><testsuite name="pytest" tests="1">
<testcase classname="tests.test_flags" name="test_limits" time="0.01"/>
</testsuite></testsuites>
"""


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_an_automated_result_goes_stale_when_its_test_or_the_software_changes(
    valid_root: Path, tmp_path: Path
) -> None:
    items = valid_root / "items.rst"
    items.write_text(items.read_text("utf-8") + CODE_ITEM, encoding="utf-8")
    (valid_root / "qms.toml").write_text(
        (valid_root / "qms.toml").read_text("utf-8")
        + '\n[evidence]\nsoftware_paths = ["src"]\n',
        encoding="utf-8",
    )
    (valid_root / "tests").mkdir()
    (valid_root / "tests" / "test_flags.py").write_text(
        "def test_limits() -> None:\n    assert True\n", encoding="utf-8"
    )
    (valid_root / "src").mkdir()
    (valid_root / "src" / "flags.py").write_text("LIMIT = 5.1\n", encoding="utf-8")
    _git(valid_root, "init", "-q")
    _git(valid_root, "add", "-A")
    _git(valid_root, "commit", "-q", "-m", "device file")
    commit = _git(valid_root, "rev-parse", "HEAD")
    report = tmp_path / "junit.xml"
    report.write_text(JUNIT_OF_TEST_LIMITS, encoding="utf-8")
    imported = run_qms(
        valid_root, "evidence", "import", str(report), "--commit", commit,
        "--run", "ci-1",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr

    def state() -> list[str]:
        lines = run_qms(valid_root, "evidence", "status", "VT-004").stdout.splitlines()
        return lines[0].split()[1:2] + lines[1].split(":")[1:2]

    assert state()[0] == "passed"
    (valid_root / "tests" / "test_flags.py").write_text(
        "def test_limits() -> None:\n    assert 1\n", encoding="utf-8"
    )
    assert state() == [
        "stale",
        f" tests/test_flags.py changed after commit {commit[:12]}",
    ]
    _git(valid_root, "checkout", "-q", "--", "tests/test_flags.py")
    assert state()[0] == "passed"
    (valid_root / "src" / "flags.py").write_text("LIMIT = 5.2\n", encoding="utf-8")
    assert state() == ["stale", f" src changed after commit {commit[:12]}"]
