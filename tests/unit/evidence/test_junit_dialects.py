"""JUnit XML as real tools write it: pytest, unittest, Surefire, GoogleTest, Jest."""

from __future__ import annotations

import time

import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence import TestResult
from qmsdoc.evidence.junit import parse_junit
from qmsdoc.evidence.reports import ResultReport

PYTEST = b"""\
<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" \
skipped="1" tests="6" time="0.123" timestamp="2024-05-02T10:11:12.345678+00:00" \
hostname="ci-runner-7"><testcase classname="tests.unit.test_flags" name="test_limits" \
time="0.002"><properties><property name="verifies" value="REQ-001, RC-001" />\
</properties></testcase><testcase classname="tests.unit.test_flags" \
name="test_low[below-1]" time="0.001" /><testcase classname="tests.unit.test_flags" \
name="test_high" time="0.010"><failure message="AssertionError: assert 3 == 4&#10; \
+  where 3 = flag(5)">def test_high() -&gt; None:
&gt;       assert flag(5) == 4
E       AssertionError: assert 3 == 4

tests/unit/test_flags.py:12: AssertionError</failure></testcase><testcase \
classname="tests.unit.test_flags" name="test_db" time="0.003"><error \
message="failed on setup with &quot;ConnectionError: refused&quot;">fixture 'db' \
failed</error></testcase><testcase classname="tests.unit.test_flags" \
name="test_later" time="0.000"><skipped type="pytest.skip" message="not on this \
platform">/work/tests/unit/test_flags.py:20: not on this platform</skipped>\
</testcase><testcase classname="tests.unit.test_flags.TestRange" name="test_unit" \
time="0.004"><properties><property name="verifies" value="REQ-002" /></properties>\
</testcase></testsuite></testsuites>
"""

UNITTEST_XML_REPORTING = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
\t<testsuite name="tests.test_flags.FlagTest-20240502101112" tests="4" \
file="tests/test_flags.py" time="0.004" timestamp="2024-05-02T10:11:12" failures="1" \
errors="1" skipped="1">
\t\t<testcase classname="tests.test_flags.FlagTest" name="test_high" time="0.001" \
timestamp="2024-05-02T10:11:12" file="tests/test_flags.py" line="10"/>
\t\t<testcase classname="tests.test_flags.FlagTest" name="test_low" time="0.002" \
timestamp="2024-05-02T10:11:12" file="tests/test_flags.py" line="14">
\t\t\t<failure type="AssertionError" message="3 != 4"><![CDATA[Traceback (most recent \
call last):
  File "tests/test_flags.py", line 15, in test_low
    self.assertEqual(flag(3), 4)
AssertionError: 3 != 4
]]></failure>
\t\t</testcase>
\t\t<testcase classname="tests.test_flags.FlagTest" name="test_load" time="0.000" \
timestamp="2024-05-02T10:11:12" file="tests/test_flags.py" line="18">
\t\t\t<error type="ZeroDivisionError" message="division by zero"><![CDATA[Traceback \
(most recent call last):
ZeroDivisionError: division by zero
]]></error>
\t\t</testcase>
\t\t<testcase classname="tests.test_flags.FlagTest" name="test_pending" time="0.000" \
timestamp="2024-05-02T10:11:12" file="tests/test_flags.py" line="22">
\t\t\t<skipped type="skip" message="not yet specified"/>
\t\t</testcase>
\t\t<system-out><![CDATA[]]></system-out>
\t\t<system-err><![CDATA[]]></system-err>
\t</testsuite>
</testsuites>
"""

SUREFIRE = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/\
maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" version="3.0" \
name="com.example.flags.FlagTest" time="1,240.5" tests="6" errors="1" skipped="1" \
failures="1">
  <properties>
    <property name="java.version" value="17.0.9"/>
    <property name="ci.commit" value="  9f8e7d6c5b4a39281706f5e4d3c2b1a098765432  "/>
    <property name="ci.run" value="jenkins-412"/>
  </properties>
  <testcase name="flagsHigh" classname="com.example.flags.FlagTest" time="0.012"/>
  <testcase name="flagsLow" classname="com.example.flags.FlagTest" time="0.021">
    <failure message="expected: &lt;true&gt; but was: &lt;false&gt;" \
type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.\
AssertionFailedError: expected: <true> but was: <false>
\tat com.example.flags.FlagTest.flagsLow(FlagTest.java:31)
]]></failure>
    <system-out><![CDATA[flagging 3]]></system-out>
  </testcase>
  <testcase name="loadsRanges" classname="com.example.flags.FlagTest" time="0.003">
    <error message="Connection refused" type="java.net.ConnectException">\
<![CDATA[java.net.ConnectException: Connection refused]]></error>
  </testcase>
  <testcase name="pending" classname="com.example.flags.FlagTest" time="0">
    <skipped message="not implemented"/>
  </testcase>
  <testcase name="retried" classname="com.example.flags.FlagTest" time="1,234.567">
    <flakyFailure message="timed out after 5s" type="java.lang.AssertionError">
      <stackTrace><![CDATA[java.lang.AssertionError: timed out after 5s]]></stackTrace>
      <system-out><![CDATA[attempt 1]]></system-out>
    </flakyFailure>
  </testcase>
  <testcase name="rerunOnly" classname="com.example.flags.FlagTest" time="0.044">
    <rerunFailure message="still wrong" type="java.lang.AssertionError">
      <stackTrace><![CDATA[java.lang.AssertionError: still wrong]]></stackTrace>
    </rerunFailure>
  </testcase>
</testsuite>
"""

GOOGLETEST = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="4" failures="1" disabled="1" errors="0" time="0.005" \
timestamp="2024-05-02T10:11:12.345" name="AllTests">
  <testsuite name="FlagTest" tests="4" failures="1" disabled="1" skipped="1" \
errors="0" time="0.004" timestamp="2024-05-02T10:11:12.346">
    <testcase name="FlagsHigh" file="flag_test.cc" line="10" status="run" \
result="completed" time="0.001" timestamp="2024-05-02T10:11:12.346" \
classname="FlagTest" />
    <testcase name="FlagsLow" file="flag_test.cc" line="20" status="run" \
result="completed" time="0.002" timestamp="2024-05-02T10:11:12.347" \
classname="FlagTest">
      <failure message="flag_test.cc:22&#x0A;Expected equality of these values:&#x0A;\
  Flag(3)&#x0A;    Which is: false&#x0A;  true" type=""><![CDATA[flag_test.cc:22
Expected equality of these values:
  Flag(3)
    Which is: false
  true]]></failure>
    </testcase>
    <testcase name="DISABLED_FlagsNan" file="flag_test.cc" line="30" status="notrun" \
result="suppressed" time="0" timestamp="2024-05-02T10:11:12.348" \
classname="FlagTest" />
    <testcase name="SkipsOnCi" file="flag_test.cc" line="40" status="run" \
result="skipped" time="0" timestamp="2024-05-02T10:11:12.348" classname="FlagTest">
      <skipped message="flag_test.cc:41&#x0A;Skipped on CI"><![CDATA[flag_test.cc:41
Skipped on CI]]></skipped>
    </testcase>
  </testsuite>
</testsuites>
"""

JEST = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="3" failures="1" errors="0" time="1.234">
  <testsuite name="flags" errors="0" failures="1" skipped="1" \
timestamp="2024-05-02T10:11:12" time="0.5" tests="3">
    <testcase classname="flags REQ-001 flags a high value" \
name="flags REQ-001 flags a high value" time="0.003">
    </testcase>
    <testcase classname="flags RC-001 shows the banner" \
name="flags RC-001 shows the banner" time="0.004">
      <failure>Error: expect(received).toBe(expected) // Object.is equality

Expected: true
Received: false
    at Object.toBe (src/flags.test.js:12:5)</failure>
    </testcase>
    <testcase classname="flags pending case" name="flags pending case" time="0">
      <skipped/>
    </testcase>
  </testsuite>
</testsuites>
"""


def _parse(data: bytes | str, **options: str) -> ResultReport:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return parse_junit(raw, source="report.xml", **options)


def _by_name(report: ResultReport) -> dict[str, TestResult]:
    return {case.name: case for case in report.results}


def test_pytest_report_with_verifies_properties() -> None:
    report = _parse(PYTEST)
    cases = _by_name(report)
    assert list(cases) == [
        "test_limits",
        "test_low[below-1]",
        "test_high",
        "test_db",
        "test_later",
        "test_unit",
    ]
    assert cases["test_limits"] == TestResult(
        suite="pytest",
        classname="tests.unit.test_flags",
        name="test_limits",
        outcome="passed",
        duration=0.002,
        message="",
        verifies=("REQ-001", "RC-001"),
    )
    assert cases["test_limits"].node_id == "tests.unit.test_flags::test_limits"
    assert cases["test_high"].outcome == "failed"
    assert cases["test_high"].message == "AssertionError: assert 3 == 4"
    assert cases["test_db"].outcome == "error"
    assert cases["test_db"].message == 'failed on setup with "ConnectionError: refused"'
    assert cases["test_later"].outcome == "skipped"
    assert cases["test_later"].message == "not on this platform"
    assert cases["test_unit"].verifies == ("REQ-002",)
    assert cases["test_low[below-1]"].verifies == ()
    assert report.timestamp == "2024-05-02T10:11:12.345678+00:00"
    assert (report.commit, report.run_id) == (None, None)


def test_unittest_xml_reporting_report() -> None:
    report = _parse(UNITTEST_XML_REPORTING)
    cases = _by_name(report)
    assert {name: case.outcome for name, case in cases.items()} == {
        "test_high": "passed",
        "test_low": "failed",
        "test_load": "error",
        "test_pending": "skipped",
    }
    assert {case.suite for case in report.results} == {
        "tests.test_flags.FlagTest-20240502101112"
    }
    assert cases["test_low"].message == "3 != 4"
    assert cases["test_load"].message == "division by zero"
    assert cases["test_pending"].message == "not yet specified"
    assert cases["test_low"].duration == 0.002
    assert report.timestamp == "2024-05-02T10:11:12"


def test_surefire_failure_error_skipped_flaky_and_rerun() -> None:
    report = _parse(SUREFIRE)
    cases = _by_name(report)
    assert {name: case.outcome for name, case in cases.items()} == {
        "flagsHigh": "passed",
        "flagsLow": "failed",
        "loadsRanges": "error",
        "pending": "skipped",
        "retried": "flaky",
        "rerunOnly": "failed",
    }
    assert cases["flagsLow"].message == "expected: <true> but was: <false>"
    assert cases["loadsRanges"].message == "Connection refused"
    assert cases["rerunOnly"].message == "still wrong"
    # a flaky case passed in the end (on a rerun) and is not a failure
    assert cases["retried"].passed
    assert not cases["retried"].failed
    assert cases["retried"].message == ""
    assert cases["rerunOnly"].failed
    assert cases["loadsRanges"].failed
    assert cases["retried"].duration == 1234.567
    # each flaky or rerun entry is one rerun; the final outcome is kept
    assert {name: case.reruns for name, case in cases.items()} == {
        "flagsHigh": 0,
        "flagsLow": 0,
        "loadsRanges": 0,
        "pending": 0,
        "retried": 1,
        "rerunOnly": 1,
    }
    assert cases["flagsHigh"].classname == "com.example.flags.FlagTest"
    # provenance from the suite's properties, surrounding whitespace dropped
    assert report.commit == "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
    assert report.run_id == "jenkins-412"
    assert report.timestamp is None


def test_surefire_rerun_error_alone_fails_and_flaky_error_passes() -> None:
    report = _parse(
        """\
        <testsuite name="T">
          <testcase classname="T" name="a"><rerunError message="boom"/></testcase>
          <testcase classname="T" name="b"><flakyError message="once"/></testcase>
          <testcase classname="T" name="c"><failure message="real"/>
            <rerunFailure message="again"/></testcase>
        </testsuite>
        """
    )
    cases = _by_name(report)
    assert [(c.outcome, c.message, c.reruns) for c in cases.values()] == [
        ("failed", "boom", 1),
        ("flaky", "", 1),
        ("failed", "real", 1),
    ]


def test_googletest_notrun_is_disabled_and_failure_keeps_its_first_line() -> None:
    report = _parse(GOOGLETEST)
    cases = _by_name(report)
    assert {name: case.outcome for name, case in cases.items()} == {
        "FlagsHigh": "passed",
        "FlagsLow": "failed",
        "DISABLED_FlagsNan": "disabled",
        "SkipsOnCi": "skipped",
    }
    assert not cases["DISABLED_FlagsNan"].passed
    assert not cases["DISABLED_FlagsNan"].executed
    assert cases["FlagsLow"].message == "flag_test.cc:22"
    assert cases["SkipsOnCi"].message == "flag_test.cc:41"
    assert cases["DISABLED_FlagsNan"].message == ""
    assert {case.suite for case in report.results} == {"FlagTest"}
    assert cases["FlagsHigh"].node_id == "FlagTest::FlagsHigh"
    # the outermost timestamp is the run's
    assert report.timestamp == "2024-05-02T10:11:12.345"


def test_googletest_result_skipped_without_a_child_is_skipped() -> None:
    report = _parse(
        '<testsuites><testsuite name="S"><testcase classname="S" name="x" '
        'status="run" result="skipped" time="0"/></testsuite></testsuites>'
    )
    assert report.results[0].outcome == "skipped"


def test_jest_junit_report_failure_text_without_message_attribute() -> None:
    report = _parse(JEST)
    cases = _by_name(report)
    assert {name: case.outcome for name, case in cases.items()} == {
        "flags REQ-001 flags a high value": "passed",
        "flags RC-001 shows the banner": "failed",
        "flags pending case": "skipped",
    }
    assert (
        cases["flags RC-001 shows the banner"].message
        == "Error: expect(received).toBe(expected) // Object.is equality"
    )
    assert cases["flags pending case"].message == ""
    assert {case.suite for case in report.results} == {"flags"}
    # ids in a name are matched later, by the profile's name pattern, not here
    assert all(case.verifies == () for case in report.results)


def test_nested_testsuites_give_a_suite_path() -> None:
    report = _parse(
        """\
        <testsuites>
          <testsuite name="outer">
            <testcase classname="a" name="top"/>
            <testsuite name="inner">
              <testcase classname="a" name="deep"/>
              <testsuite name="innermost">
                <testcase classname="a" name="deeper"/>
              </testsuite>
            </testsuite>
          </testsuite>
          <testsuite name="second"><testcase classname="b" name="other"/></testsuite>
        </testsuites>
        """
    )
    assert [(case.suite, case.name) for case in report.results] == [
        ("outer", "top"),
        ("outer/inner", "deep"),
        ("outer/inner/innermost", "deeper"),
        ("second", "other"),
    ]


def test_bare_testsuite_root_is_accepted() -> None:
    report = _parse(
        '<testsuite name="com.example.FlagTest" timestamp="2024-05-03T08:00:00">'
        '<testcase classname="com.example.FlagTest" name="a" time="0.5"/>'
        '<testcase classname="com.example.FlagTest" name="b" time="0.25">'
        '<failure message="no"/></testcase></testsuite>'
    )
    assert [(case.name, case.outcome) for case in report.results] == [
        ("a", "passed"),
        ("b", "failed"),
    ]
    assert report.timestamp == "2024-05-03T08:00:00"


def test_bare_testsuite_root_name_is_the_suite_of_its_cases() -> None:
    bare = _parse(
        '<testsuite name="com.example.FlagTest">'
        '<testcase classname="com.example.FlagTest" name="a"/></testsuite>'
    )
    wrapped = _parse(
        '<testsuites><testsuite name="com.example.FlagTest">'
        '<testcase classname="com.example.FlagTest" name="a"/></testsuite>'
        "</testsuites>"
    )
    assert wrapped.results[0].suite == "com.example.FlagTest"
    assert bare.results == wrapped.results


def test_namespaced_elements_are_read_by_local_name() -> None:
    report = _parse(
        '<j:testsuites xmlns:j="urn:example:junit"><j:testsuite name="s">'
        '<j:testcase classname="c" name="n"><j:properties><j:property '
        'name="verifies" value="REQ-001"/></j:properties><j:failure message="m"/>'
        "</j:testcase></j:testsuite></j:testsuites>"
    )
    assert report.results == (
        TestResult(
            suite="s",
            classname="c",
            name="n",
            outcome="failed",
            duration=0.0,
            message="m",
            verifies=("REQ-001",),
        ),
    )


def test_suite_level_properties_give_commit_and_run_id() -> None:
    report = _parse(
        """\
        <testsuites>
          <properties>
            <property name="git_commit" value="aaaa1111"/>
          </properties>
          <testsuite name="first" timestamp="2024-05-04T09:00:00">
            <properties>
              <property name="commit" value=""/>
              <property name="build_id">gh-77</property>
            </properties>
            <testcase classname="c" name="n">
              <properties><property name="ci_run" value="case-level"/></properties>
            </testcase>
          </testsuite>
          <testsuite name="second">
            <properties><property name="run_id" value="second-run"/></properties>
          </testsuite>
        </testsuites>
        """
    )
    # an empty value does not count; a value may be the element's text; run_id is
    # preferred to build_id whatever suite states it; case properties are not the run's
    assert report.commit == "aaaa1111"
    assert report.run_id == "second-run"
    assert report.timestamp == "2024-05-04T09:00:00"


def test_root_properties_win_over_suite_properties() -> None:
    report = _parse(
        '<testsuites><properties><property name="commit" value="root"/></properties>'
        '<testsuite name="s"><properties><property name="commit" value="suite"/>'
        '<property name="revision" value="rev"/></properties></testsuite>'
        "</testsuites>"
    )
    assert report.commit == "root"
    assert report.results == ()


def test_a_report_without_cases_or_provenance() -> None:
    assert _parse("<testsuites/>") == ResultReport(
        results=(), commit=None, run_id=None, timestamp=None
    )


def test_verifies_values_are_split_and_deduplicated() -> None:
    report = _parse(
        '<testsuite name="s"><testcase classname="c" name="n"><properties>'
        '<property name="verifies" value="REQ-001;RC-001  REQ-001,, "/>'
        '<property name="verifies" value="REQ-002"/>'
        '<property name="other" value="REQ-009"/>'
        "</properties></testcase></testsuite>"
    )
    assert report.results[0].verifies == ("REQ-001", "RC-001", "REQ-002")


def test_verifies_property_name_is_configurable() -> None:
    report = _parse(
        '<testsuite name="s"><testcase classname="c" name="n"><properties>'
        '<property name="covers" value="REQ-003"/>'
        '<property name="verifies" value="REQ-001"/>'
        "</properties></testcase></testsuite>",
        verifies_property="covers",
    )
    assert report.results[0].verifies == ("REQ-003",)


def test_message_is_its_first_line_at_most_500_characters() -> None:
    long_line = "x" * 800
    report = _parse(
        '<testsuite name="s">'
        f'<testcase classname="c" name="long"><failure message="{long_line}&#10;'
        'second line"/></testcase>'
        '<testcase classname="c" name="text"><error>\n\n   first line\nsecond'
        "</error></testcase>"
        '<testcase classname="c" name="blank"><failure message="  "/></testcase>'
        "</testsuite>"
    )
    cases = _by_name(report)
    assert cases["long"].message == "x" * 500
    assert cases["text"].message == "first line"
    assert cases["blank"].message == ""
    assert cases["blank"].outcome == "failed"


@pytest.mark.parametrize(
    ("attribute", "seconds"),
    [
        (' time="0.5"', 0.5),
        (' time="1.23456"', 1.235),
        (' time="12"', 12.0),
        (' time="1,234.5"', 1234.5),
        (' time=" 2.5 "', 2.5),
        (' time=""', 0.0),
        (' time="n/a"', 0.0),
        ("", 0.0),
    ],
)
def test_duration_in_seconds_rounded_to_milliseconds(
    attribute: str, seconds: float
) -> None:
    report = _parse(
        f'<testsuite name="s"><testcase classname="c" name="n"{attribute}/></testsuite>'
    )
    assert report.results[0].duration == seconds


def test_five_thousand_cases_parse_quickly() -> None:
    cases = "".join(
        f'<testcase classname="tests.test_bulk" name="test_{number}" '
        f'time="0.00{number % 10}">'
        + (
            '<failure message="boom"/>'
            if number % 100 == 0
            else '<properties><property name="verifies" value="REQ-001"/></properties>'
        )
        + "</testcase>"
        for number in range(5000)
    )
    data = f'<testsuites><testsuite name="bulk">{cases}</testsuite></testsuites>'
    started = time.perf_counter()
    report = _parse(data)
    elapsed = time.perf_counter() - started
    assert len(report.results) == 5000
    assert sum(case.outcome == "failed" for case in report.results) == 50
    assert sum(case.verifies == ("REQ-001",) for case in report.results) == 4950
    assert report.results[4999].name == "test_4999"
    assert report.results[4999].duration == 0.009
    assert elapsed < 5.0


# pytest 9 with pytest-rerunfailures 16.7, ``pytest --reruns 2 --junitxml=...``:
# each earlier attempt of a case is an empty <testcase> (pytest's junitxml ignores
# the "rerun" reports), the last one holds the final outcome
PYTEST_RERUNFAILURES = b"""\
<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite \
name="pytest" errors="0" failures="1" skipped="0" tests="3" time="0.090" \
timestamp="2026-12-03T09:37:58.121053+00:00" hostname="vm"><testcase \
classname="test_r" name="test_always" time="0.001" /><testcase classname="test_r" \
name="test_always" time="0.001" /><testcase classname="test_r" name="test_always" \
time="0.001"><failure message="assert False">def test_always():
&gt;       assert False
E       assert False

test_r.py:3: AssertionError</failure></testcase><testcase classname="test_r" \
name="test_flaky" time="0.001" /><testcase classname="test_r" name="test_flaky" \
time="0.001" /><testcase classname="test_r" name="test_flaky" time="0.001" />\
<testcase classname="test_r" name="test_ok" time="0.000" /></testsuite></testsuites>
"""


def test_pytest_rerunfailures_attempts_are_one_case_with_its_reruns() -> None:
    report = _parse(PYTEST_RERUNFAILURES)
    assert [(c.name, c.outcome, c.reruns) for c in report.results] == [
        ("test_always", "failed", 2),
        ("test_flaky", "flaky", 2),
        ("test_ok", "passed", 0),
    ]
    # the always-failing case is not counted as two passes and a failure
    assert sum(case.passed for case in report.results) == 2
    assert report.results[0].message == "assert False"


def test_two_cases_sharing_a_name_with_their_own_verdicts_are_both_kept() -> None:
    # jest allows two tests of one name in a describe block: not a rerun
    report = _parse(
        '<testsuite name="s"><testcase classname="c" name="same"><failure '
        'message="first"/></testcase><testcase classname="c" name="same"/>'
        "</testsuite>"
    )
    assert [(c.outcome, c.reruns) for c in report.results] == [
        ("failed", 0),
        ("passed", 0),
    ]


def test_same_name_in_two_suites_is_not_a_rerun() -> None:
    report = _parse(
        '<testsuites><testsuite name="a"><testcase classname="c" name="n"/>'
        '</testsuite><testsuite name="b"><testcase classname="c" name="n"/>'
        "</testsuite></testsuites>"
    )
    assert [(c.suite, c.outcome, c.reruns) for c in report.results] == [
        ("a", "passed", 0),
        ("b", "passed", 0),
    ]


def test_flaky_entries_with_a_final_failure_fail_with_their_reruns() -> None:
    # pytest-rerunfailures (proposed) and Surefire: flaky entries, then a real failure
    report = _parse(
        '<testsuite name="s"><testcase classname="c" name="n">'
        '<flakyFailure message="one"/><flakyFailure message="two"/>'
        '<failure message="three"/></testcase></testsuite>'
    )
    (case,) = report.results
    assert (case.outcome, case.message, case.reruns) == ("failed", "three", 2)
    assert case.failed


@pytest.mark.parametrize(
    "attributes",
    [
        'status="notrun"',  # GoogleTest before 1.10
        'status="notrun" result="suppressed"',  # GoogleTest DISABLED_ test
        'result="suppressed"',
        'status="disabled"',  # CTest
        'status="Disabled"',
        'disabled="true"',
        'disabled="1"',
    ],
)
def test_a_disabled_case_is_disabled_and_never_passes(attributes: str) -> None:
    report = _parse(
        f'<testsuites disabled="1"><testsuite name="s" tests="1" disabled="1">'
        f'<testcase classname="c" name="n" {attributes}/></testsuite></testsuites>'
    )
    (case,) = report.results
    assert case.outcome == "disabled"
    assert not case.passed
    assert not case.executed


def test_ctest_disabled_case_with_a_skipped_child_is_disabled() -> None:
    report = _parse(
        '<testsuite name="ctest" tests="1" failures="0" disabled="1">'
        '<testcase name="flags_nan" classname="flags_nan" time="0" status="disabled">'
        '<skipped message="Disabled"/></testcase></testsuite>'
    )
    (case,) = report.results
    assert (case.outcome, case.message) == ("disabled", "Disabled")


@pytest.mark.parametrize(
    ("attributes", "outcome"),
    [
        ('disabled="false"', "passed"),
        ('disabled="0"', "passed"),
        ('status="run" result="completed"', "passed"),
        ('status="run"', "passed"),
    ],
)
def test_a_case_not_marked_disabled_runs(attributes: str, outcome: str) -> None:
    report = _parse(
        f'<testsuite name="s"><testcase classname="c" name="n" {attributes}/>'
        "</testsuite>"
    )
    assert report.results[0].outcome == outcome


@pytest.mark.parametrize(
    ("children", "outcome"),
    [
        ('<skipped message="later"/>', "skipped"),
        ("<skipped/><system-out>ran a bit</system-out>", "skipped"),
        ('<error message="boom"/>', "error"),
        ('<error message="boom"/><skipped/>', "error"),
        ('<failure message="no"/><skipped/>', "failed"),
        ('<failure message="no"/><error message="boom"/>', "error"),
    ],
)
def test_skipped_never_passes_and_error_fails(children: str, outcome: str) -> None:
    report = _parse(
        f'<testsuite name="s"><testcase classname="c" name="n">{children}'
        "</testcase></testsuite>"
    )
    (case,) = report.results
    assert case.outcome == outcome
    assert not case.passed
    assert case.failed == (outcome in ("failed", "error"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            '<testsuite name="com.example.FlagTest" tests="3" failures="1" '
            'errors="0"/>',
            "report.xml: <testsuite> 'com.example.FlagTest' declares 3 tests, "
            "1 failures and 0 errors but holds no test case",
        ),
        (
            '<testsuites><testsuite name="ok"><testcase classname="c" name="n"/>'
            '</testsuite><testsuite tests="0" failures="0" errors="2"></testsuite>'
            "</testsuites>",
            "report.xml: <testsuite> number 2 declares 0 tests, 0 failures and "
            "2 errors but holds no test case",
        ),
        (
            '<testsuites name="AllTests" tests="4" failures="1"/>',
            "report.xml: <testsuites> 'AllTests' declares 4 tests",
        ),
        (
            '<testsuites tests="4"><testsuite name="s" tests="4"><properties/>'
            "</testsuite></testsuites>",
            "report.xml: <testsuites> declares 4 tests",
        ),
    ],
)
def test_a_suite_declaring_results_it_does_not_hold_is_refused(
    data: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        _parse(data)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        '<testsuite name="s" tests="0" failures="0" errors="0"/>',
        '<testsuite name="s" skipped="2"/>',
        '<testsuite name="s" tests="n/a"/>',
        '<testsuites tests="1"><testsuite name="outer" tests="1"><testsuite '
        'name="inner" tests="1"><testcase classname="c" name="n"/></testsuite>'
        "</testsuite></testsuites>",
    ],
)
def test_a_suite_declaring_nothing_or_holding_its_cases_is_read(data: str) -> None:
    report = _parse(data)
    assert len(report.results) == ("<testcase" in data)
