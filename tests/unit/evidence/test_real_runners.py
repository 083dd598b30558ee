"""JUnit XML written by the real tools on this machine, read back case by case.

pytest (its ``--junitxml``) and unittest (through unittest-xml-reporting, the usual
JUnit writer for unittest) run real test modules in subprocesses here. The other
dialects (Maven Surefire, GoogleTest, Jest) are not installed on this machine; their
shapes are written by hand in ``test_junit_dialects.py`` after the published
examples of those tools (Surefire's ``TEST-*.xml`` with flaky/rerun elements,
GoogleTest's ``--gtest_output=xml`` with ``status="notrun"``, jest-junit's default
output); pytest-rerunfailures' shape there was copied from a run of version 16.7.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
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


def _pytest_report(tmp_path: Path, *arguments: str) -> Path:
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
            *arguments,
        ],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    return report


def test_a_real_pytest_collection_error_is_an_error_case(tmp_path: Path) -> None:
    # the suite header counts the error and holds it as a case: read, not refused
    (tmp_path / "test_broken.py").write_text(
        "import not_a_module_anywhere\n\ndef test_a():\n    pass\n", encoding="utf-8"
    )
    (tmp_path / "test_fine.py").write_text("def test_b():\n    pass\n")
    report = _pytest_report(tmp_path, "test_broken.py", "test_fine.py")
    parsed = parse_junit(report.read_bytes(), source="pytest.xml")
    outcomes = {(r.classname, r.name): r.outcome for r in parsed.results}
    assert outcomes == {("", "test_broken"): "error"}
    (broken,) = parsed.results
    assert broken.failed
    assert broken.message == "collection failure"


def test_a_real_pytest_report_of_deselected_tests_is_empty(tmp_path: Path) -> None:
    (tmp_path / "test_fine.py").write_text("def test_b():\n    pass\n")
    report = _pytest_report(tmp_path, "-k", "nothing_matches", "test_fine.py")
    parsed = parse_junit(report.read_bytes(), source="pytest.xml")
    assert parsed.results == ()
    assert b'tests="0"' in report.read_bytes()


def test_a_real_pytest_report_cut_to_its_header_is_refused(tmp_path: Path) -> None:
    # what a crashed writer or a careless merge leaves: the counts, not the cases
    (tmp_path / "test_sample.py").write_text(PYTEST_MODULE, encoding="utf-8")
    report = _pytest_report(tmp_path, "test_sample.py")
    data = report.read_bytes()
    start = data.index(b"<testcase")
    end = data.index(b"</testsuite>")
    with pytest.raises(InputError) as caught:
        parse_junit(data[:start] + data[end:], source="pytest.xml")
    assert str(caught.value).startswith(
        "pytest.xml: <testsuite> 'pytest' declares 6 tests, 1 failures and 1 errors "
        "but holds no test case"
    )
