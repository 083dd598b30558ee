"""The pytest plugin end to end: a real pytest run writes ``verifies`` into its JUnit XML."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

from qmsdoc.evidence.junit import parse_junit

if TYPE_CHECKING:
    from pathlib import Path

MODULE = textwrap.dedent(
    """\
    import pytest

    pytestmark = pytest.mark.verifies("UN-001")


    @pytest.mark.verifies("REQ-001", "RC-001")
    def test_both() -> None:
        assert True


    @pytest.mark.verifies("REQ-002; REQ-003, REQ-002")
    @pytest.mark.parametrize("value", [1, 2])
    def test_split(value: int) -> None:
        assert value < 2


    def test_module_marker_only() -> None:
        pass
    """
)


def _pytest(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    }
    return subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--rootdir", str(folder), *options, "test_marked.py",
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def test_marker_ids_reach_the_junit_report(tmp_path: Path) -> None:
    (tmp_path / "test_marked.py").write_text(MODULE, encoding="utf-8")
    report = tmp_path / "junit.xml"
    completed = _pytest(tmp_path, "--strict-markers", f"--junitxml={report}")
    # one parametrised case fails on purpose: the report records it
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "not found in `markers`" not in completed.stdout + completed.stderr
    parsed = parse_junit(report.read_bytes(), source=str(report))
    verifies = {case.name: case.verifies for case in parsed.results}
    # the closest marker first, each id once
    assert verifies == {
        "test_both": ("REQ-001", "RC-001", "UN-001"),
        "test_split[1]": ("REQ-002", "REQ-003", "UN-001"),
        "test_split[2]": ("REQ-002", "REQ-003", "UN-001"),
        "test_module_marker_only": ("UN-001",),
    }
    outcomes = {case.name: case.outcome for case in parsed.results}
    assert outcomes["test_split[2]"] == "failed"
    assert outcomes["test_both"] == "passed"
    assert {case.classname for case in parsed.results} == {"test_marked"}


def test_strict_markers_rejects_the_marker_without_the_plugin(tmp_path: Path) -> None:
    (tmp_path / "test_marked.py").write_text(MODULE, encoding="utf-8")
    with_plugin = _pytest(tmp_path, "--strict-markers", "--markers")
    assert with_plugin.returncode == 0
    assert "@pytest.mark.verifies(*item_ids)" in with_plugin.stdout
    without = _pytest(tmp_path, "--strict-markers", "-p", "no:qmsdoc")
    assert without.returncode != 0
    assert "'verifies' not found in `markers` configuration option" in (
        without.stdout + without.stderr
    )
