"""The gap report: one coverage figure per rule, holes in natural order, the gate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.profile import load_profile
from qmsdoc.trace import TraceGraph
from qmsdoc.trace.gaps import GapReport, gap_report

from .._rst import SECURITY_CHAIN, VALID_CHAIN, default_profile, item, items_from

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
    # no user need at all: the rule applies to nothing and is met
    satisfied = _figure(report, "user_need_satisfied")
    assert (satisfied.total, satisfied.covered, satisfied.uncovered) == (0, 0, ())
    assert satisfied.percent == 100.0


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
    assert all(figure.percent == 100.0 for figure in report.figures)
    assert all(figure.total > 0 for figure in report.figures)


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
    report = gap_report(_unverified_graph(), profile)
    assert not _figure(report, "requirement_verified").rule.blocking
    assert report.hole_count == 5
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
