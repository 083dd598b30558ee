"""The order of findings: stable, each once, never dependent on hashing."""

from __future__ import annotations

import random

from qmsdoc.checks import Finding
from qmsdoc.checks.findings import in_order


def _finding(path: str, line: int, check: str, **extra: object) -> Finding:
    fields: dict[str, object] = {
        "check_id": check,
        "severity": "error",
        "item_id": "REQ-001",
        "path": path,
        "line": line,
        "docname": path.rsplit(".", 1)[0],
        "message": "m",
    }
    fields.update(extra)
    return Finding(**fields)  # type: ignore[arg-type]


def test_findings_are_ordered_by_file_line_check_item_and_message() -> None:
    findings = [
        _finding("b.rst", 1, "x"),
        _finding("a.rst", 10, "x"),
        _finding("a.rst", 2, "y"),
        _finding("a.rst", 2, "x"),
    ]
    assert [(f.path, f.line, f.check_id) for f in in_order(findings)] == [
        ("a.rst", 2, "x"),
        ("a.rst", 2, "y"),
        ("a.rst", 10, "x"),
        ("b.rst", 1, "x"),
    ]


def test_an_equal_finding_is_kept_once_even_when_another_shares_its_key() -> None:
    first = _finding("a.rst", 1, "x")
    other = _finding("a.rst", 1, "x", severity="warning")  # same key, not equal
    ordered = in_order([first, other, first, _finding("a.rst", 0, "z"), other])
    assert ordered.count(first) == 1
    assert ordered.count(other) == 1
    assert len(ordered) == 3


def test_the_order_does_not_depend_on_the_order_given() -> None:
    findings = [
        _finding(f"{name}.rst", line, check, severity=severity)
        for name in "abc"
        for line in (1, 2)
        for check in "xy"
        for severity in ("error", "warning")
    ]
    expected = in_order(findings)
    for seed in range(5):
        shuffled = findings[:]
        random.Random(seed).shuffle(shuffled)
        # same key, different severity: kept in the order given, so only the
        # key order and the set of findings are fixed
        result = in_order(shuffled)
        assert [f.sort_key() for f in result] == [f.sort_key() for f in expected]
        assert set(result) == set(expected)
        assert len(result) == len(expected)
