"""JUnit XML written by the real tools on this machine, read back case by case.

pytest (its ``--junitxml``) and unittest (through unittest-xml-reporting, the usual
JUnit writer for unittest) run real test modules in subprocesses here. The other
dialects (Maven Surefire, GoogleTest, Jest) are not installed on this machine; their
shapes are written by hand in ``test_junit_dialects.py`` after the published
examples of those tools (Surefire's ``TEST-*.xml`` with flaky/rerun elements,
GoogleTest's ``--gtest_output=xml`` with ``status="notrun"``, jest-junit's default
output).
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from typing import TYPE_CHECKING

from qmsdoc.evidence.junit import parse_junit

if TYPE_CHECKING:
    from pathlib import Path

PYTEST_MODULE = """
import pytest

@pytest.mark.verifies("REQ-001")
def test_passes():
    assert 1 + 1 == 2

def test_fails():
    assert 1 + 1 == 3

@pytest.fixture
def broken():
    raise RuntimeError("database unavailable")

def test_errors(broken):
    pass

@pytest.mark.skip(reason="needs the OCR service")
def test_skipped():
    pass

@pytest.mark.parametrize("value", [1, 2])
def test_param(value):
    assert value > 0
"""

UNITTEST_MODULE = """
import unittest

class Flags(unittest.TestCase):
    def test_passes(self):
        self.assertEqual(2, 2)

    def test_fails(self):
        self.assertEqual(2, 3)

    def test_errors(self):
        raise ValueError("bad input")

    @unittest.skip("not on this platform")
    def test_skipped(self):
        pass
"""


def test_a_real_pytest_report(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(PYTEST_MODULE, encoding="utf-8")
    report = tmp_path / "pytest.xml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            "test_sample.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    parsed = parse_junit(report.read_bytes(), source="pytest.xml")
    outcomes = {result.name: result.outcome for result in parsed.results}
    assert outcomes == {
        "test_passes": "passed",
        "test_fails": "failed",
        "test_errors": "error",
        "test_skipped": "skipped",
        "test_param[1]": "passed",
        "test_param[2]": "passed",
    }
    assert Counter(outcomes.values()) == {
        "passed": 3,
        "failed": 1,
        "error": 1,
        "skipped": 1,
    }
    by_name = {result.name: result for result in parsed.results}
    assert by_name["test_passes"].verifies == ("REQ-001",)
    assert by_name["test_passes"].classname == "test_sample"
    assert by_name["test_fails"].message == "assert (1 + 1) == 3"
    assert parsed.timestamp is not None


def test_a_real_unittest_xml_reporting_report(tmp_path: Path) -> None:
    (tmp_path / "test_flags.py").write_text(UNITTEST_MODULE, encoding="utf-8")
    out = tmp_path / "reports"
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import unittest, xmlrunner; unittest.main(module='test_flags', testRunner=xmlrunner.XMLTestRunner(output={str(out)!r}), exit=False)",
        ],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    (report,) = sorted(out.glob("*.xml"))
    parsed = parse_junit(report.read_bytes(), source=report.name)
    outcomes = {result.name: result.outcome for result in parsed.results}
    assert outcomes == {
        "test_passes": "passed",
        "test_fails": "failed",
        "test_errors": "error",
        "test_skipped": "skipped",
    }
    assert {result.classname for result in parsed.results} == {"test_flags.Flags"}
