"""Format-free views of the risk file: heat-map, risk table and report figures.

Built from the computed estimates and the trace graph; the Sphinx layer (and later
exporters) only lay them out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from qmsdoc.evidence.status import LABELS, VERIFIED, combine_states
from qmsdoc.profile.risk_model import is_justified

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.evidence.status import EvidenceView, State, VerificationState
    from qmsdoc.model import Item
    from qmsdoc.profile.risk_model import Region, RiskModel
    from qmsdoc.risk.estimate import RiskEstimate, RiskLevel
    from qmsdoc.trace import TraceGraph

__all__ = [
    "ControlStatus",
    "HeatMap",
    "HeatMapCell",
    "RiskRow",
    "RiskSummary",
    "control_verification",
    "heat_map",
    "risk_rows",
    "risk_summary",
]

Stage = Literal["initial", "residual"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HeatMapCell:
    """One cell of the acceptability matrix with the situations that fall in it."""

    severity: int
    probability: int
    region: Region
    situations: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class HeatMap:
    """The matrix, highest severity first, with counts per cell."""

    stage: Stage
    rows: tuple[tuple[HeatMapCell, ...], ...]
    not_estimated: tuple[str, ...]
    """Situations that could not be placed (missing or off-scale values)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlStatus:
    """A risk control as shown in the risk table: the verification state of its
    implementation and of its effectiveness (ISO 14971 7.2), from executed records."""

    control_id: str
    option: str
    implementation: State
    effectiveness: State
    implementation_by: tuple[str, ...] = ()
    """The items that verify the implementation."""
    effectiveness_by: tuple[str, ...] = ()
    """The items that verify the effectiveness."""

    @property
    def implementation_verified(self) -> bool:
        """The implementation is verified by passed (or waived) records."""
        return self.implementation in VERIFIED

    @property
    def effectiveness_verified(self) -> bool:
        """The effectiveness is verified by passed (or waived) records."""
        return self.effectiveness in VERIFIED

    @property
    def verified(self) -> bool:
        """Both implementation and effectiveness are verified (ISO 14971 7.2)."""
        return self.implementation_verified and self.effectiveness_verified

    @property
    def planned(self) -> bool:
        """Both aspects have a linked verifier (whether or not it has run)."""
        return "not_planned" not in (self.implementation, self.effectiveness)

    def describe(self) -> str:
        """One phrase: ``verified`` or what is missing of each aspect."""
        if self.verified:
            return "verified"
        parts = [
            f"{aspect} {LABELS[state]}"
            for aspect, state in (
                ("implementation", self.implementation),
                ("effectiveness", self.effectiveness),
            )
            if state not in VERIFIED
        ]
        return "not verified: " + "; ".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskRow:
    """One row of the risk table: one hazardous situation."""

    situation: Item
    hazards: tuple[Item, ...]
    harms: tuple[Item, ...]
    sequence: str
    initial: RiskLevel | None
    controls: tuple[ControlStatus, ...]
    residual: RiskLevel | None
    benefit_risk: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskSummary:
    """Figures for the risk management report (ISO 14971 clause 9)."""

    hazards: int
    situations: int
    controls: int
    controls_verified: int
    """Controls whose implementation and effectiveness records passed (or are waived)."""
    controls_planned: int
    """Controls with a linked verification of both aspects (executed or not)."""
    initial_by_region: tuple[tuple[Region, int], ...]
    residual_by_region: tuple[tuple[Region, int], ...]
    not_estimated: int
    benefit_risk_documented: int
    evaluations: tuple[Item, ...]


def heat_map(
    estimates: Sequence[RiskEstimate], model: RiskModel, stage: Stage
) -> HeatMap:
    """Place every situation's initial or residual risk in the matrix."""
    cells: dict[tuple[int, int], list[str]] = {}
    missing: list[str] = []
    for estimate in estimates:
        level = estimate.initial if stage == "initial" else estimate.residual
        if level is None:
            missing.append(estimate.situation.id)
            continue
        cells.setdefault((level.severity, level.probability), []).append(
            estimate.situation.id
        )
    rows = tuple(
        tuple(
            HeatMapCell(
                severity=severity,
                probability=probability,
                region=model.region(severity, probability),
                situations=tuple(sorted(cells.get((severity, probability), []))),
            )
            for probability in range(1, len(model.probability) + 1)
        )
        for severity in range(len(model.severity), 0, -1)
    )
    return HeatMap(stage=stage, rows=rows, not_estimated=tuple(missing))


def control_verification(
    graph: TraceGraph,
    model: RiskModel,
    control_id: str,
    evidence: EvidenceView | None,
) -> ControlStatus:
    """The verification state of a control's implementation and effectiveness (7.2).

    A verifying item counts for implementation unless its scope field says
    ``effectiveness``; ``both`` counts twice; the profile's effectiveness types (for
    example validation activities) always count for effectiveness. Each aspect's state
    is that of its verifiers' executed records (:mod:`qmsdoc.evidence.status`);
    without evidence records, a linked aspect is ``planned`` and never verified.
    """
    implementation: list[str] = []
    effectiveness: list[str] = []
    for edge in graph.incoming(control_id, model.verification_link):
        verifier = graph.item(edge.source)
        if verifier is None:
            continue
        scope = (verifier.field(model.scope_field) or "").strip()
        if verifier.item_type in model.effectiveness_types:
            effectiveness.append(verifier.id)
            if scope in ("implementation", "both"):
                implementation.append(verifier.id)
        else:
            if scope in ("", "implementation", "both"):
                implementation.append(verifier.id)
            if scope in ("effectiveness", "both"):
                effectiveness.append(verifier.id)
    state = evidence.state_of(control_id) if evidence is not None else None
    control = graph.item(control_id)
    option = (control.field(model.option_field) or "") if control is not None else ""
    return ControlStatus(
        control_id=control_id,
        option=option.strip(),
        implementation=_aspect(state, implementation),
        effectiveness=_aspect(state, effectiveness),
        implementation_by=tuple(sorted(set(implementation))),
        effectiveness_by=tuple(sorted(set(effectiveness))),
    )


def _aspect(state: VerificationState | None, verifier_ids: Sequence[str]) -> State:
    if state is not None and state.state == "waived":
        return "waived"
    if not verifier_ids:
        return "not_planned"
    if state is None:
        return "planned"
    states = {v.verifier_id: v.state for v in state.verifiers}
    return combine_states(states.get(v, "planned") for v in verifier_ids)


def risk_rows(
    estimates: Sequence[RiskEstimate],
    graph: TraceGraph,
    model: RiskModel,
    evidence: EvidenceView | None,
) -> list[RiskRow]:
    """One row per hazardous situation, in the order of the risk file."""
    rows = []
    for estimate in estimates:
        situation = estimate.situation
        rows.append(
            RiskRow(
                situation=situation,
                hazards=_items(graph, estimate.hazards),
                harms=_items(graph, estimate.harms),
                sequence=(situation.field(model.fields.sequence) or "").strip(),
                initial=estimate.initial,
                controls=tuple(
                    control_verification(graph, model, control_id, evidence)
                    for control_id in sorted(estimate.controls)
                ),
                residual=estimate.residual,
                benefit_risk=situation.field(model.fields.benefit_risk),
            )
        )
    return rows


def risk_summary(
    estimates: Sequence[RiskEstimate],
    graph: TraceGraph,
    model: RiskModel,
    evidence: EvidenceView | None,
) -> RiskSummary:
    """Counts for the report: what was analysed, controlled, verified and accepted."""
    controls = graph.of_type(model.control_type)
    statuses = [
        control_verification(graph, model, control.id, evidence) for control in controls
    ]
    verified = sum(1 for status in statuses if status.verified)
    planned = sum(1 for status in statuses if status.planned)
    initial = Counter(e.initial.region.name for e in estimates if e.initial is not None)
    residual = Counter(
        e.residual.region.name for e in estimates if e.residual is not None
    )
    documented = sum(
        1
        for e in estimates
        if e.residual is not None
        and e.residual.region.needs_benefit_risk
        and is_justified(e.situation.field(model.fields.benefit_risk))
    )
    evaluations = (
        tuple(graph.of_type(model.evaluation_type)) if model.evaluation_type else ()
    )
    return RiskSummary(
        hazards=len(graph.of_type(model.hazard_type)),
        situations=len(estimates),
        controls=len(controls),
        controls_verified=verified,
        controls_planned=planned,
        initial_by_region=tuple(
            (region, initial[region.name]) for region in model.regions
        ),
        residual_by_region=tuple(
            (region, residual[region.name]) for region in model.regions
        ),
        not_estimated=sum(
            1 for e in estimates if e.initial is None or e.residual is None
        ),
        benefit_risk_documented=documented,
        evaluations=evaluations,
    )


def _items(graph: TraceGraph, ids: Sequence[str]) -> tuple[Item, ...]:
    return tuple(item for item_id in ids if (item := graph.item(item_id)) is not None)
