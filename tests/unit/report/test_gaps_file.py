"""The gap report file: document fields, holes with their location, stable bytes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from qmsdoc.report import gaps_document, write_gaps
from qmsdoc.trace import TraceGraph
from qmsdoc.trace.gaps import gap_report

from .._rst import SECURITY_CHAIN, VALID_CHAIN, default_profile, items_from, rst
from ..evidence._evidence_support import evaluate, manual

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
    empty = [
        rule
        for rule in profile.coverage
        if rule.name
        not in (
            "requirement_implemented",
            "requirement_verified",
            "user_need_satisfied",
            "user_need_validated",
        )
    ]
    assert document["summary"] == {
        "rules": len(profile.coverage),
        "holes": 6,
        "empty_rules": len(empty),
        "trace_gate": "fail",
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
        "traced": 0,
        "traced_percent": 0.0,
        "empty": False,
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


def test_a_rule_that_applies_to_nothing_is_empty_not_complete() -> None:
    hazard = _rule(_document(HOLES), "hazard_analysed")
    assert hazard["items"] == 0
    assert hazard["traced"] == 0
    assert hazard["traced_percent"] == 0.0
    assert hazard["empty"] is True
    assert hazard["holes"] == []
    # no evidence was read: no verified figures and no state counts
    assert "verified" not in hazard
    assert "verification_states" not in _document(HOLES)["summary"]


def test_a_complete_chain_passes() -> None:
    document = _document(VALID_CHAIN + SECURITY_CHAIN)
    assert document["summary"]["trace_gate"] == "pass"
    assert document["summary"]["holes"] == 0
    # the chain has no design review record: its two rules may be, and are, empty
    assert document["summary"]["empty_rules"] == 2
    assert all(rule["holes"] == [] for rule in document["rules"])
    assert all(
        rule["traced_percent"] == 100.0
        for rule in document["rules"]
        if rule["rule"] not in ("design_review_scoped", "review_action_raised")
    )


def test_a_chain_without_security_items_fails_on_its_empty_rules() -> None:
    document = _document(VALID_CHAIN)
    assert document["summary"]["holes"] == 0
    assert document["summary"]["empty_rules"] == 5  # 3 security, 2 design review
    assert document["summary"]["trace_gate"] == "fail"
    located = _rule(document, "vulnerability_located")
    assert (located["empty"], located["traced_percent"]) == (True, 0.0)


def test_traced_and_verified_are_separate_figures() -> None:
    # VT-001 passed; VAL-001 was never executed: RC-001 and UN-001 are traced only
    items, view = evaluate([manual("m-1", "VT-001")], now=VALID_CHAIN)
    graph = TraceGraph(items)
    document = gaps_document(gap_report(graph, default_profile(), view), graph)
    requirement = _rule(document, "requirement_verified")
    assert (requirement["traced_percent"], requirement["verified"]) == (100.0, 1)
    assert requirement["verified_percent"] == 100.0
    assert requirement["not_verified"] == []
    control = _rule(document, "control_verified")
    assert (control["traced"], control["traced_percent"]) == (1, 100.0)
    assert (control["verified"], control["verified_percent"]) == (0, 0.0)
    assert control["not_verified"] == [{"item": "RC-001", "state": "planned"}]
    assert "verified" not in _rule(document, "control_implemented")
    assert document["summary"]["verification_states"] == {
        "not_planned": 0,
        "planned": 2,
        "passed": 1,
        "failed": 0,
        "stale": 0,
        "waived": 0,
    }


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
