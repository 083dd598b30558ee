"""Read JUnit XML reports safely (parsed by :mod:`qmsdoc.safe_xml`).

Accepts the dialects in use: pytest and unittest-xml-reporting, Maven Surefire (with
``flakyFailure`` and ``rerunFailure`` entries), GoogleTest (``status="notrun"``),
Jest (jest-junit), nested ``testsuite`` elements and a bare ``testsuite`` root.
Entity declarations and DTDs are refused (no expansion, no external entities).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError
from qmsdoc.evidence.records import Outcome, TestResult
from qmsdoc.safe_xml import parse_untrusted_xml

if TYPE_CHECKING:
    from collections.abc import Iterator
    from xml.etree.ElementTree import Element

__all__ = ["JunitReport", "parse_junit"]

_MESSAGE_LIMIT = 500
_RUN_PROPERTIES = ("ci_run", "run_id", "build_id", "ci.run")
_COMMIT_PROPERTIES = ("commit", "git_commit", "revision", "ci.commit")


@dataclass(frozen=True, slots=True, kw_only=True)
class JunitReport:
    """The cases of a report and the provenance its properties state, if any."""

    results: tuple[TestResult, ...]
    commit: str | None
    run_id: str | None
    timestamp: str | None


def parse_junit(
    data: bytes, *, source: str, verifies_property: str = "verifies"
) -> JunitReport:
    """Parse one JUnit XML report.

    :param data: The file's bytes.
    :param source: The file name, for messages.
    :param verifies_property: The test-case property that names verified item ids.
    :raises InputError: If the file is not well-formed, uses entities or a DTD, or is
        not a JUnit report.
    """
    root = parse_untrusted_xml(data, source=source)
    if _local(root.tag) not in ("testsuites", "testsuite"):
        raise InputError(
            f"{source}: not a JUnit XML report (root element <{_local(root.tag)}>)"
        )
    properties = dict(_properties(root))
    for suite in root.iter():
        if _local(suite.tag) == "testsuite":
            for name, value in _properties(suite):
                properties.setdefault(name, value)
    # a bare <testsuite> root (every Surefire TEST-*.xml) names the suite of its cases
    top = root.get("name", "") if _local(root.tag) == "testsuite" else ""
    results = tuple(_cases(root, top, verifies_property))
    return JunitReport(
        results=results,
        commit=_first(properties, _COMMIT_PROPERTIES),
        run_id=_first(properties, _RUN_PROPERTIES),
        timestamp=_timestamp(root),
    )


def _cases(
    element: Element, suite: str, verifies_property: str
) -> Iterator[TestResult]:
    for child in element:
        tag = _local(child.tag)
        if tag == "testsuite":
            name = child.get("name", "")
            yield from _cases(
                child, f"{suite}/{name}" if suite else name, verifies_property
            )
        elif tag == "testcase":
            yield _case(child, suite, verifies_property)


def _case(case: Element, suite: str, verifies_property: str) -> TestResult:
    outcome: Outcome = "passed"
    message = ""
    children = {_local(child.tag): child for child in case}
    if case.get("status") == "notrun" or case.get("result") == "skipped":
        outcome = "skipped"
    for tag, value in (
        ("error", "error"),
        ("failure", "failed"),
        ("skipped", "skipped"),
    ):
        if tag in children:
            outcome = value  # type: ignore[assignment]
            message = children[tag].get("message") or (children[tag].text or "")
            break
    else:
        if "rerunFailure" in children or "rerunError" in children:
            outcome = "failed"
            rerun = children.get("rerunFailure", children.get("rerunError"))
            message = (rerun.get("message") or "") if rerun is not None else ""
        elif "flakyFailure" in children or "flakyError" in children:
            outcome = "flaky"
    verifies: list[str] = []
    for name, value in _properties(case):
        if name == verifies_property:
            verifies.extend(part for part in re.split(r"[,;\s]+", value) if part)
    return TestResult(
        suite=suite,
        classname=case.get("classname", ""),
        name=case.get("name", ""),
        outcome=outcome,
        duration=_seconds(case.get("time")),
        message=_first_line(message),
        verifies=tuple(dict.fromkeys(verifies)),
    )


def _properties(element: Element) -> Iterator[tuple[str, str]]:
    for child in element:
        if _local(child.tag) == "properties":
            for prop in child:
                if _local(prop.tag) == "property" and prop.get("name"):
                    yield prop.get("name", ""), prop.get("value", prop.text or "")


def _first(properties: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = properties.get(name, "").strip()
        if value:
            return value
    return None


def _timestamp(root: Element) -> str | None:
    for element in root.iter():
        if _local(element.tag) in ("testsuite", "testsuites") and element.get(
            "timestamp"
        ):
            return element.get("timestamp")
    return None


def _seconds(text: str | None) -> float:
    try:
        return round(float((text or "0").replace(",", "")), 3)
    except ValueError:
        return 0.0


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:_MESSAGE_LIMIT]


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]
