"""Compute each threat's security risk before and after its security controls.

The region comes from the security plan's impact-by-exploitability matrix (FDA
premarket cybersecurity guidance: exploitability, not probability); the residual
uses the exploitability written after the controls. Computed, never typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.risk.estimate import scale_value

if TYPE_CHECKING:
    from qmsdoc.model import Item
    from qmsdoc.profile.risk_model import Region
    from qmsdoc.profile.security_model import SecurityModel
    from qmsdoc.trace import TraceGraph

__all__ = ["SecurityEstimate", "SecurityLevel", "estimate_threats"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityLevel:
    """One estimate: impact, exploitability and the region of the matrix."""

    impact: int
    exploitability: int
    region: Region


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityEstimate:
    """The computed security risk of one threat and what it was computed from."""

    threat: Item
    controls: tuple[str, ...]
    """Security controls that mitigate the threat."""
    situations: tuple[str, ...]
    """Hazardous situations the threat can cause (the link into the safety file)."""
    initial: SecurityLevel | None
    residual: SecurityLevel | None
    """Equal to ``initial`` for a threat with no control; None when not estimated."""
    problems: tuple[str, ...]


def estimate_threats(graph: TraceGraph, model: SecurityModel) -> list[SecurityEstimate]:
    """The security risk estimate of every threat, in location order."""
    return [
        _estimate(threat, graph, model) for threat in graph.of_type(model.threat_type)
    ]


def _estimate(
    threat: Item, graph: TraceGraph, model: SecurityModel
) -> SecurityEstimate:
    fields = model.fields
    problems: list[str] = []
    impact = scale_value(threat.field(fields.impact), len(model.impact))
    if impact is None:
        problems.append(f"no {fields.impact} on the scale 1-{len(model.impact)}")
    exploitability = scale_value(
        threat.field(fields.exploitability), len(model.exploitability)
    )
    if exploitability is None:
        problems.append(
            f"no {fields.exploitability} on the scale 1-{len(model.exploitability)}"
        )
    controls = tuple(
        sorted(
            edge.source
            for edge in graph.incoming(threat.id, model.control_link)
            if (control := graph.item(edge.source)) is not None
            and control.item_type == model.control_type
        )
    )
    situations = tuple(
        sorted(edge.target for edge in graph.outgoing(threat.id, model.hazard_link))
    )
    initial = None
    if impact is not None and exploitability is not None:
        initial = SecurityLevel(
            impact=impact,
            exploitability=exploitability,
            region=model.region(impact, exploitability),
        )
    residual = initial if not controls else None
    written = threat.field(fields.residual_exploitability)
    if written is not None:
        value = scale_value(written, len(model.exploitability))
        if value is None:
            problems.append(
                f"{fields.residual_exploitability} {written.strip()!r} is not on the "
                f"scale 1-{len(model.exploitability)}"
            )
        elif impact is not None:
            residual = SecurityLevel(
                impact=impact, exploitability=value, region=model.region(impact, value)
            )
    return SecurityEstimate(
        threat=threat,
        controls=controls,
        situations=situations,
        initial=initial,
        residual=residual,
        problems=tuple(problems),
    )
