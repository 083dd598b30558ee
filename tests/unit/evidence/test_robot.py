"""Robot Framework output.xml from real robot runs, read through Robot's result API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence import TestResult
from qmsdoc.evidence.reports import read_result_file, root_element
from qmsdoc.evidence.robot import normalise_test_name, parse_robot, robot_test_names

if TYPE_CHECKING:
    from pathlib import Path

FLAGS_SUITE = """\
*** Settings ***
Documentation     Flagging of laboratory values.
Metadata          commit    9f8e7d6c5b4a39281706f5e4d3c2b1a098765432
Metadata          ci_run    gh-1234

*** Test Cases ***
Flags A High Value
    [Tags]    verifies:REQ-001    smoke
    Should Be Equal As Numbers    5.1    5.1

Shows The Range
    [Tags]    REQ-002    RC-001    verifies:REQ-002,RC-003    not-an-id-1    req-9
    Should Be Equal    mmol/L    mg/dL    units differ

Waits For The OCR Service
    [Tags]    verifies: REQ-003
    Skip    OCR service not available on CI

Logs Only
    Log    no tags at all
"""

UNITS_SUITE = """\
*** Test Cases ***
Converts Glucose
    [Tags]    REQ-004
    Should Be True    ${18} > 1
"""


def _robot(tmp_path: Path, *suites: tuple[str, str]) -> Path:
    """Run robot on ``suites`` (file name, text) in one directory; its output.xml."""
    directory = tmp_path / "acceptance"
    directory.mkdir()
    for name, text in suites:
        (directory / name).write_text(text, encoding="utf-8")
    output = tmp_path / "output.xml"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "robot",
            "--output",
            str(output),
            "--log",
            "NONE",
            "--report",
            "NONE",
            str(directory / suites[0][0]) if len(suites) == 1 else str(directory),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert output.is_file(), completed.stdout + completed.stderr
    return output


def test_a_real_robot_run_is_read_test_by_test(tmp_path: Path) -> None:
    output = _robot(tmp_path, ("flags.robot", FLAGS_SUITE))
    report = read_result_file(output, verifies_property="verifies")
    assert report.format == "robot"
    by_name = {result.name: result for result in report.results}
    assert list(by_name) == [
        "Flags A High Value",
        "Shows The Range",
        "Waits For The OCR Service",
        "Logs Only",
    ]
    assert {name: result.outcome for name, result in by_name.items()} == {
        "Flags A High Value": "passed",
        "Shows The Range": "failed",
        "Waits For The OCR Service": "skipped",
        "Logs Only": "passed",
    }
    high = by_name["Flags A High Value"]
    assert (high.suite, high.classname, high.message) == ("Flags", "Flags", "")
    assert high.node_id == "Flags::Flags A High Value"
    assert high.verifies == ("REQ-001",)
    assert 0 <= high.duration < 30
    assert by_name["Shows The Range"].message == "units differ: mmol/L != mg/dL"
    # ids as tags and verifies: tags, in tag order (Robot sorts tags), deduplicated
    assert by_name["Shows The Range"].verifies == ("RC-001", "REQ-002", "RC-003")
    assert by_name["Waits For The OCR Service"].verifies == ("REQ-003",)
    assert by_name["Waits For The OCR Service"].message == (
        "OCR service not available on CI"
    )
    assert by_name["Logs Only"].verifies == ()
    assert report.commit == "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
    assert report.run_id == "gh-1234"
    assert report.timestamp is not None
    assert report.timestamp.startswith(time.strftime("%Y-"))
    assert "T" in report.timestamp


def test_a_real_run_of_a_suite_directory_names_each_suite(tmp_path: Path) -> None:
    output = _robot(
        tmp_path, ("flags.robot", FLAGS_SUITE), ("units.robot", UNITS_SUITE)
    )
    report = parse_robot(output.read_bytes(), source="output.xml")
    suites = {result.name: result.suite for result in report.results}
    assert suites["Flags A High Value"] == "Acceptance.Flags"
    assert suites["Converts Glucose"] == "Acceptance.Units"
    converts = next(r for r in report.results if r.name == "Converts Glucose")
    assert (converts.outcome, converts.verifies) == ("passed", ("REQ-004",))
    # the metadata is the top suite's, and the directory suite states none
    assert (report.commit, report.run_id) == (None, None)


def test_not_run_is_disabled_and_never_passes(tmp_path: Path) -> None:
    output = _robot(tmp_path, ("units.robot", UNITS_SUITE))
    data = output.read_bytes().replace(b'status="PASS"', b'status="NOT RUN"')
    (result,) = parse_robot(data, source="output.xml").results
    assert result.outcome == "disabled"
    assert not result.passed
    assert not result.executed


def test_robot_output_and_junit_are_told_apart_by_the_root(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_bytes(
        b'<?xml version="1.0"?>\n<!-- robot -->\n<testsuite name="robot">'
        b'<testcase classname="c" name="n"/></testsuite>'
    )
    report = read_result_file(junit, verifies_property="verifies")
    assert report.format == "junit"
    assert report.results == (
        TestResult(
            suite="robot",
            classname="c",
            name="n",
            outcome="passed",
            duration=0.0,
            message="",
            verifies=(),
        ),
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<robot generator="Robot 7">\n'
            b'<suite id="s1" name="S">\n<test id="s1-t1" name="T">\n',
            "output.xml:5: not a readable Robot Framework output.xml: ParseError: "
            "no element found",
        ),
        (
            b'<robot><suite id="s1" name="S"><bogus/></suite></robot>',
            "output.xml: not a readable Robot Framework output.xml: Incompatible "
            "child element 'bogus' for 'suite'.",
        ),
        (
            b"<robot/>",
            "output.xml: Robot Framework output.xml without a <suite>",
        ),
        (
            b'<robot><suite id="s1" name="S"><test id="s1-t1" name="T">'
            b'<status status="MAYBE"/></test></suite></robot>',
            "output.xml: test 'S.T': unknown status 'MAYBE'",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE robot [<!ENTITY x "x">]>\n<robot/>',
            "output.xml: not a Robot Framework output.xml",
        ),
        (
            b"<testsuites/>",
            "output.xml: not a Robot Framework output.xml",
        ),
    ],
)
def test_malformed_output_is_refused_in_one_line(data: bytes, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_robot(data, source="output.xml")
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_a_truncated_real_output_is_refused_through_the_dispatch(
    tmp_path: Path,
) -> None:
    output = _robot(tmp_path, ("flags.robot", FLAGS_SUITE))
    data = output.read_bytes()
    output.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as caught:
        read_result_file(output, verifies_property="verifies")
    message = str(caught.value)
    assert message.startswith(f"{output}:")
    assert "not a readable Robot Framework output.xml: ParseError" in message
    assert "\n" not in message


def test_a_robot_file_with_a_dtd_goes_to_the_safe_parser(tmp_path: Path) -> None:
    hostile = tmp_path / "output.xml"
    hostile.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE robot [\n<!ENTITY a "aaaaaaaaaa">\n'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<robot><suite name="&b;"/>'
        b"</robot>"
    )
    with pytest.raises(InputError) as caught:
        read_result_file(hostile, verifies_property="verifies")
    assert "refused: the XML declares a DTD or entities" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "root"),
    [
        (b"<robot/>", "robot"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\r\n<robot a="b">', "robot"),
        (b"<!-- a <robot> comment -->\n<?pi x?>\n  <testsuites>", "testsuites"),
        (b'<j:testsuite xmlns:j="urn:x">', "testsuite"),
        (b'<?xml version="1.0"?><!DOCTYPE robot><robot/>', None),
        ("<robot/>".encode("utf-16"), None),
        (b"not xml", None),
        (b"", None),
        (b" " * 100_000 + b"<robot/>", None),
    ],
)
def test_root_element_is_peeked_from_the_prolog(data: bytes, root: str | None) -> None:
    assert root_element(data) == root


def test_root_element_peek_is_fast_on_hostile_prologs() -> None:
    started = time.perf_counter()
    assert root_element(b" " * 65_000 + b"x") is None
    assert root_element(b"<!--" + b"-" * 65_000) is None
    assert root_element(b"<?" * 30_000) is None
    assert time.perf_counter() - started < 1.0


def test_robot_test_names_are_read_by_robots_parser(tmp_path: Path) -> None:
    suite = tmp_path / "flags.robot"
    suite.write_text(
        FLAGS_SUITE + "\n*** Keywords ***\nHelper Keyword\n    No Operation\n",
        encoding="utf-8",
    )
    names = robot_test_names(suite)
    assert names == frozenset(
        normalise_test_name(name)
        for name in (
            "Flags A High Value",
            "Shows The Range",
            "Waits For The OCR Service",
            "Logs Only",
        )
    )
    assert normalise_test_name("flags_a  high value") in names
    assert normalise_test_name("Helper Keyword") not in names


def test_robot_tasks_count_as_tests(tmp_path: Path) -> None:
    suite = tmp_path / "tasks.robot"
    suite.write_text("*** Tasks ***\nExport The Records\n    No Operation\n")
    assert robot_test_names(suite) == frozenset({"exporttherecords"})


def test_an_unreadable_robot_file_is_refused(tmp_path: Path) -> None:
    suite = tmp_path / "broken.robot"
    suite.write_bytes(b"\xff\xfe\x00*** Test Cases ***")
    with pytest.raises(InputError) as caught:
        robot_test_names(suite)
    assert str(caught.value).startswith(
        f"{suite}: cannot be read as Robot Framework data: UnicodeDecodeError"
    )


# written by a real run of Robot Framework 6.1.1 (output schema 4), keywords trimmed
ROBOT_6_OUTPUT = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<robot generator="Robot 6.1.1 (Python 3.11.7 on linux)" generated="20261203 \
09:44:20.479" rpa="false" schemaversion="4">
<suite id="s1" name="Six" source="/tmp/six.robot">
<test id="s1-t1" name="Flags" line="5">
<tag>verifies:REQ-001</tag>
<status status="PASS" starttime="20261203 09:44:20.524" \
endtime="20261203 09:44:20.525"/>
</test>
<test id="s1-t2" name="Fails" line="8">
<status status="FAIL" starttime="20261203 09:44:20.525" \
endtime="20261203 09:44:20.726">wrong flag</status>
</test>
<meta name="commit">abc1234</meta>
<status status="FAIL" starttime="20261203 09:44:20.484" \
endtime="20261203 09:44:20.727"/>
</suite>
<statistics>
<total>
<stat pass="1" fail="1" skip="0">All Tests</stat>
</total>
</statistics>
<errors>
</errors>
</robot>
"""


def test_output_of_robot_framework_6_is_read_too() -> None:
    report = parse_robot(ROBOT_6_OUTPUT, source="output.xml")
    assert [(r.name, r.outcome, r.verifies, r.duration) for r in report.results] == [
        ("Flags", "passed", ("REQ-001",), 0.001),
        ("Fails", "failed", (), 0.201),
    ]
    assert report.results[1].message == "wrong flag"
    assert (report.commit, report.timestamp) == (
        "abc1234",
        "2026-12-03T09:44:20.484000",
    )


def test_a_fifo_robot_file_is_refused_before_robot_opens_it(tmp_path: Path) -> None:
    path = tmp_path / "suite.robot"
    os.mkfifo(path)
    with pytest.raises(
        InputError, match=r"suite\.robot: not a regular file \(a FIFO\)"
    ):
        robot_test_names(path)
