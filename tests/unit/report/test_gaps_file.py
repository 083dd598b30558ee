"""The gap report file: document fields, holes with their location, stable bytes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from qmsdoc.report import gaps_document, write_gaps
from qmsdoc.trace import TraceGraph
from qmsdoc.trace.gaps import gap_report

from .._rst import VALID_CHAIN, default_profile, items_from, rst

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

HOLES = rst("""\
    .. user_need:: A need nobody satisfies
       :id: UN-001
       :status: approved

    .. requirement:: Ten: not verified, "quoted" title
       :id: REQ-010
       :status: approved
       :kind: functional
       :level: software

    .. requirement:: Two: not verified
       :id: REQ-2
       :status: approved
       :kind: functional
       :level: software
    """)


def _document(text: str) -> dict[str, Any]:
    graph = TraceGraph(items_from(text))
    return gaps_document(gap_report(graph, default_profile()), graph)


def _rule(document: dict[str, Any], name: str) -> dict[str, Any]:
    rules: list[dict[str, Any]] = document["rules"]
    return next(rule for rule in rules if rule["rule"] == name)


def test_document_summary_and_rule_fields() -> None:
    document = _document(HOLES)
    profile = default_profile()
    assert list(document) == ["summary", "rules"]
    assert document["summary"] == {
        "rules": len(profile.coverage),
        "holes": 6,
        "gate": "fail",
    }
    assert [rule["rule"] for rule in document["rules"]] == [
        rule.name for rule in profile.coverage
    ]
    verified = _rule(document, "requirement_verified")
    source = next(r for r in profile.coverage if r.name == "requirement_verified")
    assert verified == {
        "rule": "requirement_verified",
        "check": "qms.coverage_requirement_verified",
        "description": source.description,
        "clause": source.clause,
        "blocking": True,
        "items": 2,
        "covered": 0,
        "coverage_percent": 0.0,
        "holes": [
            {
                "item": "REQ-2",
                "title": "Two: not verified",
                "file": "items.rst",
                "line": 11,
            },
            {
                "item": "REQ-010",
                "title": 'Ten: not verified, "quoted" title',
                "file": "items.rst",
                "line": 5,
            },
        ],
    }


def test_a_rule_that_applies_to_nothing_is_complete() -> None:
    hazard = _rule(_document(HOLES), "hazard_analysed")
    assert hazard["items"] == 0
    assert hazard["covered"] == 0
    assert hazard["coverage_percent"] == 100.0
    assert hazard["holes"] == []


def test_a_complete_chain_passes() -> None:
    document = _document(VALID_CHAIN)
    assert document["summary"]["gate"] == "pass"
    assert document["summary"]["holes"] == 0
    assert all(rule["holes"] == [] for rule in document["rules"])
    assert all(rule["coverage_percent"] == 100.0 for rule in document["rules"])


def test_write_gaps_is_the_document_as_json(tmp_path: Path) -> None:
    graph = TraceGraph(items_from(HOLES))
    report = gap_report(graph, default_profile())
    target = tmp_path / "traceability" / "gaps.json"
    write_gaps(target, report, graph)
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert json.loads(text) == gaps_document(report, graph)
    assert '\n  "summary": {\n' in text


def test_write_gaps_is_byte_identical_on_rewrite(tmp_path: Path) -> None:
    target = tmp_path / "gaps.json"
    graph = TraceGraph(items_from(HOLES))
    write_gaps(target, gap_report(graph, default_profile()), graph)
    first = target.read_bytes()
    # a fresh read of the same sources gives the same bytes
    again = TraceGraph(items_from(HOLES))
    write_gaps(target, gap_report(again, default_profile()), again)
    assert target.read_bytes() == first
    assert sorted(path.name for path in tmp_path.iterdir()) == ["gaps.json"]


def test_non_ascii_titles_are_written_as_utf8(tmp_path: Path) -> None:
    text = HOLES.replace("Two: not verified", "Zwei: Prüfung fehlt µ")
    graph = TraceGraph(items_from(text))
    target = tmp_path / "gaps.json"
    write_gaps(target, gap_report(graph, default_profile()), graph)
    raw = target.read_bytes()
    assert "Zwei: Prüfung fehlt µ".encode() in raw
    assert b"\\u00fc" not in raw
