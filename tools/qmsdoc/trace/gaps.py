"""The gap report: coverage of each rule of the design-control chain and its holes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.trace.matrix import natural_key

if TYPE_CHECKING:
    from qmsdoc.profile import Profile
    from qmsdoc.trace.graph import CoverageFigure, TraceGraph

__all__ = ["GapReport", "gap_report"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GapReport:
    """Coverage figures of every rule; ``blocking_failed`` when a blocking rule has holes."""

    figures: tuple[CoverageFigure, ...]

    @property
    def blocking_failed(self) -> bool:
        """Whether any rule marked blocking is not fully met."""
        return any(figure.rule.blocking and figure.uncovered for figure in self.figures)

    @property
    def hole_count(self) -> int:
        """Items that miss a rule, counted once per rule."""
        return sum(len(figure.uncovered) for figure in self.figures)


def gap_report(graph: TraceGraph, profile: Profile) -> GapReport:
    """Coverage of every rule of the profile, holes in natural id order."""
    figures = []
    for rule in profile.coverage:
        figure = graph.coverage(rule)
        figures.append(
            type(figure)(
                rule=figure.rule,
                total=figure.total,
                covered=figure.covered,
                uncovered=tuple(sorted(figure.uncovered, key=natural_key)),
            )
        )
    return GapReport(figures=tuple(figures))
