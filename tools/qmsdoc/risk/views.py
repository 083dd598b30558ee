"""Format-free views of the risk file: heat-map, risk table and report figures.

Built from the computed estimates and the trace graph; the Sphinx layer (and later
exporters) only lay them out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from qmsdoc.risk.model import is_justified

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.model import Item
    from qmsdoc.risk.estimate import RiskEstimate, RiskLevel
    from qmsdoc.risk.model import Region, RiskModel
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
    """A risk control as shown in the risk table."""

    control_id: str
    option: str
    implementation_verified: bool
    effectiveness_verified: bool

    @property
    def verified(self) -> bool:
        """Both implementation and effectiveness are verified (ISO 14971 7.2)."""
        return self.implementation_verified and self.effectiveness_verified


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
    graph: TraceGraph, model: RiskModel, control_id: str
) -> ControlStatus:
    """Whether a control's implementation and effectiveness are verified (7.2).

    A verifying item counts for implementation unless its scope field says
    ``effectiveness``; ``both`` counts twice; the profile's effectiveness types (for
    example validation activities) always count for effectiveness.
    """
    implementation = effectiveness = False
    for edge in graph.incoming(control_id, model.verification_link):
        verifier = graph.item(edge.source)
        if verifier is None:
            continue
        scope = (verifier.field(model.scope_field) or "").strip()
        if verifier.item_type in model.effectiveness_types:
            effectiveness = True
            implementation = implementation or scope in ("implementation", "both")
        else:
            implementation = implementation or scope in ("", "implementation", "both")
            effectiveness = effectiveness or scope in ("effectiveness", "both")
    control = graph.item(control_id)
    option = (control.field(model.option_field) or "") if control is not None else ""
    return ControlStatus(
        control_id=control_id,
        option=option.strip(),
        implementation_verified=implementation,
        effectiveness_verified=effectiveness,
    )


def risk_rows(
    estimates: Sequence[RiskEstimate], graph: TraceGraph, model: RiskModel
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
                    control_verification(graph, model, control_id)
                    for control_id in sorted(estimate.controls)
                ),
                residual=estimate.residual,
                benefit_risk=situation.field(model.fields.benefit_risk),
            )
        )
    return rows


def risk_summary(
    estimates: Sequence[RiskEstimate], graph: TraceGraph, model: RiskModel
) -> RiskSummary:
    """Counts for the report: what was analysed, controlled, verified and accepted."""
    controls = graph.of_type(model.control_type)
    verified = sum(
        1
        for control in controls
        if control_verification(graph, model, control.id).verified
    )
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
