"""Read JUnit XML reports safely (parsed by :mod:`qmsdoc.safe_xml`).

Accepts the dialects in use: pytest and unittest-xml-reporting, Maven Surefire (with
``flakyFailure`` and ``rerunFailure`` entries), GoogleTest (``status="notrun"``,
``result="suppressed"`` for a disabled test), CTest (``status="disabled"``), Jest
(jest-junit), nested ``testsuite`` elements and a bare ``testsuite`` root.
Entity declarations and DTDs are refused (no expansion, no external entities).

Outcomes: ``<error>`` is an error and ``<failure>`` a failure, whatever else the case
holds; a case marked disabled is ``disabled`` and one with ``<skipped>`` is
``skipped`` (neither ever passes). Reruns are kept as the final outcome with the
number of reruns: Surefire's ``rerunFailure``/``flakyFailure`` entries, and the
empty ``<testcase>`` that pytest-rerunfailures writes for each earlier attempt of a
case (the same suite, class and name again, the last one holding the outcome).
A suite whose header declares tests, failures or errors but that holds no test case
is refused: its results were lost and an empty run would look clean.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError
from qmsdoc.evidence.records import Outcome, TestResult
from qmsdoc.evidence.reports import ResultReport
from qmsdoc.safe_xml import parse_untrusted_xml

if TYPE_CHECKING:
    from collections.abc import Iterator
    from xml.etree.ElementTree import Element

__all__ = ["parse_junit"]

_MESSAGE_LIMIT = 500
_RUN_PROPERTIES = ("ci_run", "run_id", "build_id", "ci.run")
_COMMIT_PROPERTIES = ("commit", "git_commit", "revision", "ci.commit")
_RERUNS = ("rerunFailure", "rerunError", "flakyFailure", "flakyError")
_VERDICTS = ("error", "failure", "skipped", *_RERUNS)
# GoogleTest: status="notrun" (and, since 1.10, result="suppressed") for DISABLED_
# tests; CTest: status="disabled"; some writers: disabled="true"
_DISABLED_STATUS = frozenset({"notrun", "disabled", "not run"})
_DISABLED_RESULT = frozenset({"suppressed", "disabled"})
_TRUE = frozenset({"true", "1", "yes"})


def parse_junit(
    data: bytes, *, source: str, verifies_property: str = "verifies"
) -> ResultReport:
    """Parse one JUnit XML report.

    :param data: The file's bytes.
    :param source: The file name, for messages.
    :param verifies_property: The test-case property that names verified item ids.
    :raises InputError: If the file is not well-formed, uses entities or a DTD, is
        not a JUnit report, or has a suite that declares results it does not hold.
    """
    root = parse_untrusted_xml(data, source=source)
    if _local(root.tag) not in ("testsuites", "testsuite"):
        raise InputError(
            f"{source}: not a JUnit XML report (root element <{_local(root.tag)}>)"
        )
    _refuse_hollow_suites(root, source)
    properties = dict(_properties(root))
    for suite in root.iter():
        if _local(suite.tag) == "testsuite":
            for name, value in _properties(suite):
                properties.setdefault(name, value)
    # a bare <testsuite> root (every Surefire TEST-*.xml) names the suite of its cases
    top = root.get("name", "") if _local(root.tag) == "testsuite" else ""
    results = tuple(_cases(root, top, verifies_property))
    return ResultReport(
        results=results,
        commit=_first(properties, _COMMIT_PROPERTIES),
        run_id=_first(properties, _RUN_PROPERTIES),
        timestamp=_timestamp(root),
    )


def _refuse_hollow_suites(root: Element, source: str) -> None:
    """Refuse a suite whose header counts tests, failures or errors it does not hold."""
    holding = _suites_holding_cases(root)
    number = 0
    for suite in root.iter():
        tag = _local(suite.tag)
        if tag not in ("testsuite", "testsuites"):
            continue
        number += tag == "testsuite"
        declared = {
            name: _count(suite.get(name)) for name in ("tests", "failures", "errors")
        }
        if not any(declared.values()) or suite in holding:
            continue
        name = suite.get("name")
        which = (
            f"<{tag}> {name!r}"
            if name
            else (
                "<testsuites>"
                if tag == "testsuites"
                else f"<testsuite> number {number}"
            )
        )
        raise InputError(
            f"{source}: {which} declares {declared['tests']} tests, "
            f"{declared['failures']} failures and {declared['errors']} errors "
            "but holds no test case (results lost; refused)"
        )


def _suites_holding_cases(root: Element) -> set[Element]:
    """The elements with a ``<testcase>`` below them, found in one linear pass (no
    recursion: suites may nest a thousand deep)."""
    parents = {child: parent for parent in root.iter() for child in parent}
    holding: set[Element] = set()
    for case in root.iter():
        if _local(case.tag) != "testcase":
            continue
        parent = parents.get(case)
        while parent is not None and parent not in holding:
            holding.add(parent)
            parent = parents.get(parent)
    return holding


def _cases(root: Element, top: str, verifies_property: str) -> Iterator[TestResult]:
    """The results of the cases below ``root`` in document order, suites walked with
    an explicit stack (a recursive walk overflows on deeply nested suites)."""
    stack = [(iter(_entries(root)), top)]
    while stack:
        entries, suite = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
        elif isinstance(entry, list):
            yield from _attempts(entry, suite, verifies_property)
        else:
            name = entry.get("name", "")
            stack.append((iter(_entries(entry)), f"{suite}/{name}" if suite else name))


def _entries(element: Element) -> list[list[Element] | Element]:
    """The nested suites and the cases (all attempts of each) of ``element``, in
    order of first appearance."""
    attempts: dict[tuple[str, str], list[Element]] = {}
    order: list[list[Element] | Element] = []
    for child in element:
        tag = _local(child.tag)
        if tag == "testsuite":
            order.append(child)
        elif tag == "testcase":
            key = (child.get("classname", ""), child.get("name", ""))
            if key not in attempts:
                attempts[key] = []
                order.append(attempts[key])
            attempts[key].append(child)
    return order


def _attempts(
    cases: list[Element], suite: str, verifies_property: str
) -> Iterator[TestResult]:
    """One result per case; earlier empty attempts of a case are reruns of the last."""
    *earlier, final = cases
    if any(_has_verdict(case) for case in earlier):
        # not the rerun shape (two different cases that share a name): keep each
        for case in cases:
            yield _case(case, suite, verifies_property, reruns=0)
        return
    yield _case(
        case=final,
        suite=suite,
        verifies_property=verifies_property,
        reruns=len(earlier),
    )


def _has_verdict(case: Element) -> bool:
    return any(_local(child.tag) in _VERDICTS for child in case) or _is_disabled(case)


def _case(
    case: Element, suite: str, verifies_property: str, *, reruns: int
) -> TestResult:
    children: dict[str, Element] = {}
    for child in case:
        children.setdefault(_local(child.tag), child)
    reruns += sum(_local(child.tag) in _RERUNS for child in case)
    outcome, verdict = _outcome(case, children, reruns=reruns)
    message = ""
    if verdict is not None:
        message = verdict.get("message") or (verdict.text or "")
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
        reruns=reruns,
    )


def _outcome(
    case: Element, children: dict[str, Element], *, reruns: int
) -> tuple[Outcome, Element | None]:
    """The case's outcome and the element whose message explains it."""
    if "error" in children:
        return "error", children["error"]
    if "failure" in children:
        return "failed", children["failure"]
    if "rerunFailure" in children or "rerunError" in children:
        # Surefire: failed on every run (the first run's <failure> may be absent)
        return "failed", children.get("rerunFailure", children.get("rerunError"))
    if _is_disabled(case):
        return "disabled", children.get("skipped")
    if (
        "skipped" in children
        or (case.get("result") or "").strip().lower() == "skipped"
        or (case.get("status") or "").strip().lower() == "skipped"
    ):
        return "skipped", children.get("skipped")
    # passed, after a failed first attempt when there were reruns
    return ("flaky" if reruns else "passed"), None


def _is_disabled(case: Element) -> bool:
    status = (case.get("status") or "").strip().lower()
    result = (case.get("result") or "").strip().lower()
    flag = (case.get("disabled") or "").strip().lower()
    return status in _DISABLED_STATUS or result in _DISABLED_RESULT or flag in _TRUE


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


def _count(text: str | None) -> int:
    try:
        return max(int((text or "0").strip()), 0)
    except ValueError:
        return 0


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
