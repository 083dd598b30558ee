"""The gap report: one coverage figure per rule, holes in natural order, the gate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.profile import load_profile
from qmsdoc.trace import TraceGraph
from qmsdoc.trace.gaps import GapReport, gap_report

from .._rst import SECURITY_CHAIN, VALID_CHAIN, default_profile, item, items_from
from ..evidence._evidence_support import evaluate, manual

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.trace import CoverageFigure


def _figure(report: GapReport, name: str) -> CoverageFigure:
    return next(figure for figure in report.figures if figure.rule.name == name)


def _unverified_graph() -> TraceGraph:
    """Three requirements in location order REQ-10, REQ-2, REQ-1; only REQ-1 verified."""
    return TraceGraph(
        [
            item("REQ-10", line=1),
            item("REQ-2", line=2),
            item("REQ-1", line=3),
            item("VT-1", "verification_test", links=[("verifies", "REQ-1")], line=4),
        ]
    )


def test_one_figure_per_rule_in_profile_order() -> None:
    profile = default_profile()
    report = gap_report(_unverified_graph(), profile)
    assert [figure.rule for figure in report.figures] == list(profile.coverage)
    verified = _figure(report, "requirement_verified")
    assert (verified.total, verified.covered) == (3, 1)
    assert verified.percent == 33.3
    # no user need at all: the rule applies to nothing, which is never 100 %
    satisfied = _figure(report, "user_need_satisfied")
    assert (satisfied.total, satisfied.covered, satisfied.uncovered) == (0, 0, ())
    assert satisfied.empty
    assert satisfied.percent == 0.0


def test_holes_are_in_natural_id_order() -> None:
    graph = _unverified_graph()
    report = gap_report(graph, default_profile())
    # the graph reports them in location order; the gap report in natural order
    rule = _figure(report, "requirement_verified").rule
    assert graph.coverage(rule).uncovered == ("REQ-10", "REQ-2")
    assert _figure(report, "requirement_verified").uncovered == ("REQ-2", "REQ-10")
    assert _figure(report, "requirement_implemented").uncovered == (
        "REQ-1",
        "REQ-2",
        "REQ-10",
    )


def test_hole_count_counts_an_item_once_per_rule() -> None:
    report = gap_report(_unverified_graph(), default_profile())
    # 2 unverified + 3 unimplemented; the other rules apply to no item
    assert report.hole_count == 5
    assert report.hole_count == sum(len(f.uncovered) for f in report.figures)


def test_a_complete_chain_has_no_holes_and_passes() -> None:
    chain = VALID_CHAIN + SECURITY_CHAIN
    report = gap_report(TraceGraph(items_from(chain)), default_profile())
    assert report.hole_count == 0
    assert not report.blocking_failed
    # the chain has no design review record: those rules may be, and are, empty
    reviews = {"design_review_scoped", "review_action_raised"}
    assert {f.rule.name for f in report.figures if f.empty} == reviews
    assert all(f.percent == 100.0 for f in report.figures if f.rule.name not in reviews)


def test_a_blocking_rule_with_holes_fails() -> None:
    report = gap_report(_unverified_graph(), default_profile())
    assert _figure(report, "requirement_verified").rule.blocking
    assert report.blocking_failed


def test_holes_of_advisory_rules_do_not_fail(tmp_path: Path) -> None:
    path = tmp_path / "qms.toml"
    path.write_text(
        'extends = "medical-device"\n\n'
        "[coverage.requirement_verified]\nblocking = false\n\n"
        "[coverage.requirement_implemented]\nblocking = false\n",
        encoding="utf-8",
    )
    profile = load_profile(path)
    # a complete chain (every rule applies to some item) with one more requirement
    # that is neither implemented nor verified
    graph = TraceGraph(
        [*items_from(VALID_CHAIN + SECURITY_CHAIN), item("REQ-900", line=900)]
    )
    report = gap_report(graph, profile)
    assert not _figure(report, "requirement_verified").rule.blocking
    assert _figure(report, "requirement_verified").uncovered == ("REQ-900",)
    assert report.hole_count == 2
    assert not report.blocking_failed


def test_an_empty_blocking_rule_fails_the_gate() -> None:
    # the complete chain without its risk controls: nothing misses a rule, but an
    # empty blocking rule is a failure, not 100 %
    text = VALID_CHAIN + SECURITY_CHAIN
    graph = TraceGraph([i for i in items_from(text) if i.item_type != "risk_control"])
    report = gap_report(graph, default_profile())
    implemented = _figure(report, "control_implemented")
    assert implemented.rule.blocking
    assert not implemented.rule.allow_empty
    assert (implemented.total, implemented.uncovered) == (0, ())
    assert implemented.empty
    assert implemented.percent == 0.0
    assert report.blocking_failed


def test_a_rule_that_may_be_empty_does_not_fail_the_gate() -> None:
    # a device with no known vulnerability has no assessment: not a gap
    text = VALID_CHAIN + SECURITY_CHAIN
    graph = TraceGraph([i for i in items_from(text) if i.item_type != "vulnerability"])
    report = gap_report(graph, default_profile())
    located = _figure(report, "vulnerability_located")
    assert located.rule.blocking
    assert located.rule.allow_empty
    assert located.empty
    assert located.percent == 0.0
    assert report.hole_count == 0
    assert [f.rule.name for f in report.figures if f.empty] == [
        "design_review_scoped",
        "review_action_raised",
        "vulnerability_located",
    ]
    assert not report.blocking_failed


def test_one_blocking_rule_with_holes_is_enough_to_fail(tmp_path: Path) -> None:
    path = tmp_path / "qms.toml"
    path.write_text(
        'extends = "medical-device"\n\n'
        "[coverage.requirement_verified]\nblocking = false\n",
        encoding="utf-8",
    )
    report = gap_report(_unverified_graph(), load_profile(path))
    # requirement_implemented is still blocking and has holes
    assert _figure(report, "requirement_implemented").rule.blocking
    assert report.blocking_failed


def test_an_empty_report() -> None:
    report = GapReport(figures=())
    assert report.hole_count == 0
    assert not report.blocking_failed


def test_traced_is_not_verified_without_executed_records() -> None:
    items, view = evaluate([], now=VALID_CHAIN)
    report = gap_report(TraceGraph(items), default_profile(), view)
    # every rule is traced, but nothing has run
    assert _figure(report, "requirement_verified").percent == 100.0
    verified = report.verified_figure("requirement_verified")
    assert verified is not None
    assert (verified.total, verified.verified, verified.percent) == (1, 0, 0.0)
    assert verified.unverified == (("REQ-001", "planned"),)
    assert report.verified_figure("hazard_analysed") is None
    counts = dict(report.state_counts)
    assert counts["planned"] == 3  # UN-001, REQ-001, RC-001
    assert counts["passed"] == 0


def test_verified_figures_follow_the_records() -> None:
    # VT-001 passed; VAL-001 (which also verifies RC-001) has not been executed
    items, view = evaluate([manual("m-1", "VT-001")], now=VALID_CHAIN)
    report = gap_report(TraceGraph(items), default_profile(), view)
    requirement = report.verified_figure("requirement_verified")
    control = report.verified_figure("control_verified")
    assert requirement is not None and control is not None
    assert (requirement.verified, requirement.percent) == (1, 100.0)
    assert (control.verified, control.percent) == (0, 0.0)
    assert control.unverified == (("RC-001", "planned"),)
    failed = evaluate(
        [manual("m-1", "VT-001", "VAL-001", outcome="failed")], now=VALID_CHAIN
    )
    report = gap_report(TraceGraph(failed[0]), default_profile(), failed[1])
    control = report.verified_figure("control_verified")
    assert control is not None
    assert control.unverified == (("RC-001", "failed"),)
    assert dict(report.state_counts)["failed"] == 3
