"""The gap report: coverage of each rule of the design-control chain and its holes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.evidence.status import VERIFIED
from qmsdoc.model.ordering import natural_key

if TYPE_CHECKING:
    from qmsdoc.evidence.status import EvidenceView
    from qmsdoc.profile import Profile
    from qmsdoc.trace.graph import CoverageFigure, TraceGraph

__all__ = ["GapReport", "VerifiedFigure", "gap_report"]


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedFigure:
    """Of a verification rule's items, how many are verified by executed records."""

    rule: str
    total: int
    verified: int
    """Items whose verification state is passed (or waived)."""
    unverified: tuple[tuple[str, str], ...]
    """(item id, state) of every other item."""

    @property
    def percent(self) -> float:
        """Share of verified items; 0.0 for an empty rule."""
        return 0.0 if self.total == 0 else round(100.0 * self.verified / self.total, 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class GapReport:
    """Coverage figures of every rule; ``blocking_failed`` when a blocking rule has holes
    or applies to no item. Rules of verification links also say how many items are
    verified by executed records (``verified``), apart from traced by links."""

    figures: tuple[CoverageFigure, ...]
    verified: tuple[VerifiedFigure, ...] = ()
    state_counts: tuple[tuple[str, int], ...] = ()
    """Gated items per verification state, when evidence was read."""

    @property
    def blocking_failed(self) -> bool:
        """Whether any rule marked blocking is not fully met (or is empty)."""
        return any(
            figure.rule.blocking
            and (figure.uncovered or (figure.empty and not figure.rule.allow_empty))
            for figure in self.figures
        )

    def verified_figure(self, rule: str) -> VerifiedFigure | None:
        """The verification figure of a rule, if it is a verification rule."""
        return next((f for f in self.verified if f.rule == rule), None)

    @property
    def hole_count(self) -> int:
        """Items that miss a rule, counted once per rule."""
        return sum(len(figure.uncovered) for figure in self.figures)


def gap_report(
    graph: TraceGraph, profile: Profile, evidence: EvidenceView | None = None
) -> GapReport:
    """Coverage of every rule of the profile, holes in natural id order; with
    ``evidence``, the verified figure of every rule along a verification link."""
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
    if evidence is None or profile.evidence is None:
        return GapReport(figures=tuple(figures))
    links = profile.evidence.verification_links
    verified = []
    for rule in profile.coverage:
        if (
            rule.direction != "incoming"
            or rule.link not in links
            or rule.item_type not in evidence.verified_types
        ):
            continue
        states = [
            (item.id, state.state if (state := evidence.state_of(item.id)) else "")
            for item in sorted(
                graph.of_type(rule.item_type), key=lambda i: natural_key(i.id)
            )
        ]
        done = [i for i, s in states if s in VERIFIED]
        verified.append(
            VerifiedFigure(
                rule=rule.name,
                total=len(states),
                verified=len(done),
                unverified=tuple((i, s) for i, s in states if s not in VERIFIED),
            )
        )
    return GapReport(
        figures=tuple(figures),
        verified=tuple(verified),
        state_counts=tuple(evidence.counts(graph).items()),
    )
