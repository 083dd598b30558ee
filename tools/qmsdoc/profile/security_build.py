"""Build the :class:`SecurityModel` from the profile's ``[security]`` table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qmsdoc.profile import keys
from qmsdoc.profile.risk_build import build_grid, build_regions, build_scale
from qmsdoc.profile.security_model import SecurityFields, SecurityModel

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qmsdoc.profile.risk_build import Primitives

__all__ = ["build_security_model"]

_SECTION = "security"
_FIELDS = keys.SECURITY_FIELD_ROLES
_FIELD_DEFAULTS = {
    "stride": "stride",
    "asset": "asset",
    "impact": "security_impact",
    "exploitability": "exploitability",
    "residual_exploitability": "residual_exploitability",
    "initial_risk": "security_risk",
    "residual_risk": "residual_security_risk",
    "benefit_risk": "benefit_risk",
}


def build_security_model(
    table: Mapping[str, Any],
    primitives: Primitives,
    *,
    type_fields: Mapping[str, tuple[str, ...]],
    link_names: set[str],
) -> SecurityModel:
    """Validate ``[security]`` and build the model.

    :param table: The ``[security]`` table.
    :param primitives: The profile builder (for messages and typed reads).
    :param type_fields: Every item type's fields, to check the field mapping.
    :param link_names: The declared link types.
    """
    p = primitives
    p.only_keys(table, _SECTION, set(keys.SECURITY))
    threat_type = p.text(table, _SECTION, "threat_type", "threat")
    control_type = p.text(table, _SECTION, "control_type", "security_control")
    for key, name in (("threat_type", threat_type), ("control_type", control_type)):
        if name not in type_fields:
            raise p.fail(f"{_SECTION}.{key}", f"unknown item type {name!r}")
    links = {
        key: p.text(table, _SECTION, key, default)
        for key, default in (
            ("control_link", "mitigates"),
            ("verification_link", "verifies"),
            ("hazard_link", "can_cause"),
        )
    }
    for key, name in links.items():
        if name not in link_names:
            raise p.fail(f"{_SECTION}.{key}", f"unknown link type {name!r}")
    fields_table = p.as_table(table.get("fields", {}), f"{_SECTION}.fields")
    p.only_keys(fields_table, f"{_SECTION}.fields", set(_FIELDS))
    names = {
        role: p.text(fields_table, f"{_SECTION}.fields", role, _FIELD_DEFAULTS[role])
        for role in _FIELDS
    }
    for role, name in names.items():
        if name not in type_fields[threat_type]:
            raise p.fail(
                f"{_SECTION}.fields.{role}",
                f"{name!r} is not a field of the threat type {threat_type!r}",
            )
    impact = build_scale(p, table, "impact", "I", section=_SECTION)
    exploitability = build_scale(p, table, "exploitability", "E", section=_SECTION)
    regions = build_regions(
        p,
        p.as_table(table.get("regions"), f"{_SECTION}.regions"),
        section=_SECTION,
    )
    region_names = {region.name for region in regions}
    matrix = build_grid(
        p,
        table.get("matrix"),
        f"{_SECTION}.matrix",
        rows=impact,
        columns=exploitability,
        cell=lambda value: isinstance(value, str) and value in region_names,
        expected=f"one of the regions {', '.join(sorted(region_names))}",
    )
    return SecurityModel(
        plan=p.text(table, _SECTION, "plan"),
        threat_type=threat_type,
        control_type=control_type,
        control_link=links["control_link"],
        verification_link=links["verification_link"],
        hazard_link=links["hazard_link"],
        impact=impact,
        exploitability=exploitability,
        regions=regions,
        matrix=matrix,
        fields=SecurityFields(**names),
    )
