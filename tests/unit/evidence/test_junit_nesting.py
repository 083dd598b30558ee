"""Deeply nested suites are walked without recursion (990 nested ``<testsuite>``
elements overflowed the recursive walk)."""

from __future__ import annotations

import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence.junit import parse_junit


def _nested(depth: int, *, inner: str, header: str = "") -> bytes:
    return (
        "<testsuites>"
        + f'<testsuite name="s"{header}>' * depth
        + inner
        + "</testsuite>" * depth
        + "</testsuites>"
    ).encode()


@pytest.mark.parametrize("depth", [990, 5000])
def test_deeply_nested_suites_are_read(depth: int) -> None:
    report = parse_junit(
        _nested(depth, inner='<testcase classname="c" name="t"/>', header=' tests="1"'),
        source="r.xml",
    )
    (result,) = report.results
    assert result.suite == "/".join(["s"] * depth)
    assert result.outcome == "passed"


def test_a_hollow_suite_deep_inside_is_still_refused() -> None:
    data = _nested(990, inner='<testsuite name="empty" tests="3"/>')
    with pytest.raises(InputError, match="<testsuite> 'empty' declares 3 tests"):
        parse_junit(data, source="r.xml")


def test_cases_keep_document_order_across_nested_suites() -> None:
    data = (
        b'<testsuites><testsuite name="a"><testcase name="1"/>'
        b'<testsuite name="b"><testcase name="2"/></testsuite>'
        b'<testcase name="3"/></testsuite></testsuites>'
    )
    report = parse_junit(data, source="r.xml")
    assert [(r.suite, r.name) for r in report.results] == [
        ("a", "1"),
        ("a/b", "2"),
        ("a", "3"),
    ]
