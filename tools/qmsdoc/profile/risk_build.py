"""Build the :class:`RiskModel` from the profile's ``[risk]`` table, checking every cell.

A matrix that misses a cell, a cell naming an unknown region, a combination table of the
wrong shape or a field that is not on the right item type stops loading with one
message naming the profile key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Protocol

from qmsdoc.profile import keys
from qmsdoc.profile.risk_model import Level, Region, RiskFields, RiskModel, Scale

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qmsdoc.errors import ProfileError

__all__ = [
    "Primitives",
    "build_grid",
    "build_regions",
    "build_risk_model",
    "build_scale",
]

_FIELD_ROLES = keys.RISK_FIELD_ROLES


class Primitives(Protocol):
    """What the builders need of the profile builder: messages and typed reads."""

    def fail(self, key: str, problem: str) -> ProfileError: ...
    def as_table(self, value: object, key: str) -> Mapping[str, Any]: ...
    def text(
        self, spec: Mapping[str, Any], key: str, name: str, default: str | None = None
    ) -> str: ...
    def only_keys(
        self, spec: Mapping[str, Any], key: str, allowed: set[str]
    ) -> None: ...


def build_risk_model(
    table: Mapping[str, Any],
    primitives: Primitives,
    *,
    type_fields: Mapping[str, tuple[str, ...]],
) -> RiskModel:
    """Validate ``[risk]`` and build the model.

    :param table: The ``[risk]`` table.
    :param primitives: The profile builder (for messages and typed reads).
    :param type_fields: Every item type's fields, to check the field mapping.
    """
    p = primitives
    p.only_keys(table, "risk", set(keys.RISK))
    method = p.text(table, "risk", "method", "p1_p2")
    if method not in ("p1_p2", "p2_only"):
        raise p.fail("risk.method", f"{method!r} is not one of p1_p2, p2_only")
    types = {
        name: p.text(table, "risk", name, default)
        for name, default in (
            ("hazard_type", "hazard"),
            ("hazardous_situation_type", "hazardous_situation"),
            ("harm_type", "harm"),
            ("control_type", "risk_control"),
        )
    }
    for name, type_name in types.items():
        if type_name not in type_fields:
            raise p.fail(f"risk.{name}", f"unknown item type {type_name!r}")
    evaluation = table.get("evaluation_type")
    if evaluation is not None and (
        not isinstance(evaluation, str) or evaluation not in type_fields
    ):
        raise p.fail("risk.evaluation_type", f"unknown item type {evaluation!r}")
    severity = build_scale(p, table, "severity", "S")
    p1 = build_scale(p, table, "p1", "P1-")
    p2 = build_scale(p, table, "p2", "P2-")
    probability = build_scale(p, table, "probability", "P")
    regions = build_regions(p, p.as_table(table.get("regions"), "risk.regions"))
    fields = _fields(
        p,
        p.as_table(table.get("fields", {}), "risk.fields"),
        situation=type_fields[types["hazardous_situation_type"]],
        harm=type_fields[types["harm_type"]],
    )
    option_field = p.text(table, "risk", "option_field", "option")
    if option_field not in type_fields[types["control_type"]]:
        raise p.fail(
            "risk.option_field", f"{option_field!r} is not a field of the control type"
        )
    method_literal: Literal["p1_p2", "p2_only"] = (
        "p2_only" if method == "p2_only" else "p1_p2"
    )
    return RiskModel(
        plan=p.text(table, "risk", "plan"),
        method=method_literal,
        severity=severity,
        p1=p1,
        p2=p2,
        probability=probability,
        combination=build_grid(
            p, table.get("combination"), "risk.combination", rows=p1, columns=p2,
            cell=lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= len(probability),
            expected=f"a probability level 1-{len(probability)}",
        ),
        regions=regions,
        matrix=build_grid(
            p, table.get("matrix"), "risk.matrix", rows=severity, columns=probability,
            cell=lambda v: isinstance(v, str) and v in {region.name for region in regions},
            expected=f"one of the regions {', '.join(r.name for r in regions)}",
        ),
        fields=fields,
        hazardous_situation_type=types["hazardous_situation_type"],
        harm_type=types["harm_type"],
        hazard_type=types["hazard_type"],
        control_type=types["control_type"],
        evaluation_type=evaluation,
        option_field=option_field,
        information_option=p.text(table, "risk", "information_option", "information_for_safety"),
        verification_link=p.text(table, "risk", "verification_link", "verifies"),
        scope_field=p.text(table, "risk", "scope_field", "verification_scope"),
        effectiveness_types=_types(p, table, type_fields),
    )  # fmt: skip


def _types(
    p: Primitives, table: Mapping[str, Any], type_fields: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...]:
    value = table.get("effectiveness_types", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise p.fail("risk.effectiveness_types", "must be a list of item types")
    for name in value:
        if name not in type_fields:
            raise p.fail("risk.effectiveness_types", f"unknown item type {name!r}")
    return tuple(value)


def build_scale(
    p: Primitives,
    table: Mapping[str, Any],
    name: str,
    key: str,
    *,
    section: str = "risk",
) -> Scale:
    """The scale ``[<section>.<name>]``: title, label key and levels in order."""
    spec = p.as_table(table.get(name), f"{section}.{name}")
    p.only_keys(spec, f"{section}.{name}", set(keys.SCALE))
    raw_levels = spec.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        raise p.fail(
            f"{section}.{name}.levels",
            "must be a non-empty list of {name, meaning} tables",
        )
    levels = []
    for number, raw in enumerate(raw_levels, start=1):
        level = p.as_table(raw, f"{section}.{name}.levels[{number}]")
        p.only_keys(level, f"{section}.{name}.levels[{number}]", set(keys.SCALE_LEVEL))
        levels.append(
            Level(
                value=number,
                name=p.text(level, f"{section}.{name}.levels[{number}]", "name"),
                meaning=p.text(
                    level, f"{section}.{name}.levels[{number}]", "meaning", ""
                ),
            )
        )
    return Scale(
        key=p.text(spec, f"{section}.{name}", "key", key),
        title=p.text(spec, f"{section}.{name}", "title"),
        levels=tuple(levels),
    )


def build_regions(
    p: Primitives, table: Mapping[str, Any], *, section: str = "risk"
) -> tuple[Region, ...]:
    """The regions ``[<section>.regions.*]`` of an acceptability matrix."""
    if not table:
        raise p.fail(f"{section}.regions", "declare at least one region")
    regions = []
    for name, raw in table.items():
        key = f"{section}.regions.{name}"
        spec = p.as_table(raw, key)
        p.only_keys(spec, key, set(keys.REGION))
        flags = {}
        for flag in ("acceptable", "needs_control", "needs_benefit_risk"):
            value = spec.get(flag, False)
            if not isinstance(value, bool):
                raise p.fail(f"{key}.{flag}", "must be true or false")
            flags[flag] = value
        regions.append(
            Region(
                name=name,
                label=p.text(spec, key, "label"),
                color=p.text(spec, key, "color", "#dddddd"),
                acceptable=flags["acceptable"],
                needs_control=flags["needs_control"],
                needs_benefit_risk=flags["needs_benefit_risk"],
            )
        )
    return tuple(regions)


def _fields(
    p: Primitives,
    table: Mapping[str, Any],
    *,
    situation: tuple[str, ...],
    harm: tuple[str, ...],
) -> RiskFields:
    p.only_keys(table, "risk.fields", set(_FIELD_ROLES))
    names = {role: p.text(table, "risk.fields", role, role) for role in _FIELD_ROLES}
    for role, name in names.items():
        owner = harm if _FIELD_ROLES[role] == "harm" else situation
        if name not in owner:
            kind = "harm" if _FIELD_ROLES[role] == "harm" else "hazardous situation"
            raise p.fail(
                f"risk.fields.{role}", f"{name!r} is not a field of the {kind} type"
            )
    return RiskFields(**names)


def build_grid(
    p: Primitives,
    raw: object,
    key: str,
    *,
    rows: Scale,
    columns: Scale,
    cell: Any,
    expected: str,
) -> tuple[tuple[Any, ...], ...]:
    """A table of ``rows`` by ``columns`` cells, each passing ``cell``."""
    spec = p.as_table(raw, key)
    p.only_keys(spec, key, set(keys.GRID))
    grid = spec.get("rows")
    if not isinstance(grid, list) or len(grid) != len(rows):
        raise p.fail(
            f"{key}.rows", f"needs {len(rows)} rows, one per {rows.title} level"
        )
    result = []
    for number, row in enumerate(grid, start=1):
        if not isinstance(row, list) or len(row) != len(columns):
            raise p.fail(
                f"{key}.rows[{number}]",
                f"needs {len(columns)} cells, one per {columns.title} level",
            )
        for column, value in enumerate(row, start=1):
            if not cell(value):
                raise p.fail(
                    f"{key}.rows[{number}][{column}]", f"{value!r} is not {expected}"
                )
        result.append(tuple(row))
    return tuple(result)
