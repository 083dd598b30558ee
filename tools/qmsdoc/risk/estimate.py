"""Compute the initial and residual risk of every hazardous situation from the plan.

ISO 14971 5.5 (risk estimation) and 6 (evaluation): severity comes from the harm(s)
the situation leads to (the worst when there are several), P1 and P2 from the situation,
P from the plan's combination table and the region from its acceptability matrix.
Residual risk (7.3) uses the residual P1 and P2 written after the controls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qmsdoc.model import Item
    from qmsdoc.profile.risk_model import Region, RiskModel
    from qmsdoc.trace import TraceGraph

__all__ = ["RiskEstimate", "RiskLevel", "estimate_risks", "scale_value"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskLevel:
    """One estimate: severity, the probability components, P and the region."""

    severity: int
    p1: int | None
    p2: int
    probability: int
    region: Region


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskEstimate:
    """The computed risk of one hazardous situation, with what it was computed from."""

    situation: Item
    hazards: tuple[str, ...]
    harms: tuple[str, ...]
    controls: tuple[str, ...]
    initial: RiskLevel | None
    """None when an input is missing or outside its scale (see ``problems``)."""
    residual: RiskLevel | None
    """None when not estimated; equal to ``initial`` for a situation with no control."""
    problems: tuple[str, ...]
    """Why an estimate could not be made (missing or out-of-scale values)."""


def scale_value(text: str | None, size: int) -> int | None:
    """The level written in a field, or None if absent, not a number or off the scale."""
    if text is None or not re.fullmatch(r"\s*[0-9]+\s*", text):
        return None
    value = int(text)
    return value if 1 <= value <= size else None


def estimate_risks(graph: TraceGraph, model: RiskModel) -> list[RiskEstimate]:
    """The risk estimate of every hazardous situation, in location order."""
    return [
        _estimate(situation, graph, model)
        for situation in graph.of_type(model.hazardous_situation_type)
    ]


def _estimate(situation: Item, graph: TraceGraph, model: RiskModel) -> RiskEstimate:
    fields = model.fields
    problems: list[str] = []
    harms = [
        harm
        for edge in graph.outgoing(situation.id)
        if (harm := graph.item(edge.target)) is not None
        and harm.item_type == model.harm_type
    ]
    severities = []
    for harm in harms:
        value = scale_value(harm.field(fields.severity), len(model.severity))
        if value is None:
            problems.append(
                f"harm {harm.id} has no {fields.severity} on the scale 1-{len(model.severity)}"
            )
        else:
            severities.append(value)
    if not harms:
        problems.append("no harm to take the severity from")
    controls = tuple(
        edge.source
        for edge in graph.incoming(situation.id)
        if (control := graph.item(edge.source)) is not None
        and control.item_type == model.control_type
    )
    severity = max(severities) if severities and len(severities) == len(harms) else None
    initial = _level(
        situation, model, severity, (fields.p1, fields.p2), problems, required=True
    )
    if controls:
        residual = _level(
            situation,
            model,
            severity,
            (fields.residual_p1, fields.residual_p2),
            problems,
            required=False,
        )
    else:
        residual = initial
    hazards = tuple(
        edge.target
        for edge in graph.outgoing(situation.id)
        if (hazard := graph.item(edge.target)) is not None
        and hazard.item_type == model.hazard_type
    )
    return RiskEstimate(
        situation=situation,
        hazards=hazards,
        harms=tuple(harm.id for harm in harms),
        controls=controls,
        initial=initial,
        residual=residual,
        problems=tuple(problems),
    )


def _level(
    situation: Item,
    model: RiskModel,
    severity: int | None,
    names: tuple[str, str],
    problems: list[str],
    *,
    required: bool,
) -> RiskLevel | None:
    p1_name, p2_name = names
    p1 = None
    if model.method == "p1_p2":
        p1 = _component(situation, p1_name, len(model.p1), problems, required=required)
    p2 = _component(situation, p2_name, len(model.p2), problems, required=required)
    if severity is None or p2 is None or (model.method == "p1_p2" and p1 is None):
        return None
    probability = model.combine(p1, p2)
    return RiskLevel(
        severity=severity,
        p1=p1,
        p2=p2,
        probability=probability,
        region=model.region(severity, probability),
    )


def _component(
    situation: Item, name: str, size: int, problems: list[str], *, required: bool
) -> int | None:
    text = situation.field(name)
    if text is None or not text.strip():
        if required:
            problems.append(f"{name} is missing")
        return None
    value = scale_value(text, size)
    if value is None:
        problems.append(f"{name} {text.strip()!r} is not on the scale 1-{size}")
    return value
