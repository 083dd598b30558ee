"""The technical file: pathway section plans, completeness, the gate, and assembly."""

from __future__ import annotations

from qmsdoc.dossier.plan import PathwayPlan, SectionPlan, load_pathway, pathway_names
from qmsdoc.dossier.readiness import (
    GateCondition,
    SectionState,
    gate_conditions,
    section_states,
)

__all__ = [
    "GateCondition",
    "PathwayPlan",
    "SectionPlan",
    "SectionState",
    "gate_conditions",
    "load_pathway",
    "pathway_names",
    "section_states",
]
