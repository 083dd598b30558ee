"""Checks of item fields against the profile: known, present, and allowed values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding

__all__ = [
    "CHECKS",
    "FIELD_MISSING",
    "FIELD_UNKNOWN",
    "FIELD_VALUE",
    "check_field_missing",
    "check_field_unknown",
    "check_field_value",
]

FIELD_UNKNOWN = CheckSpec(
    check_id="field_unknown",
    severity="error",
    summary="field not declared for the item's type",
    clause="ISO 13485 4.2.4",
)
FIELD_MISSING = CheckSpec(
    check_id="field_missing",
    severity="error",
    summary="required field missing or empty",
    clause="ISO 13485 7.3.3 via 21 CFR 820.10; IEC 62304 5.2.2",
)
FIELD_VALUE = CheckSpec(
    check_id="field_value",
    severity="error",
    summary="value not allowed by the field",
    clause="ISO 13485 4.2.4",
)


def check_field_unknown(context: CheckContext) -> Iterator[Finding]:
    """An item carries only the fields its type declares in the profile.

    Serves ISO 13485 4.2.4 (documents controlled to a defined structure); a misspelt
    field would otherwise silently drop information.
    """
    for item in context.local_items:
        item_type = context.profile.item_type(item.item_type)
        if item_type is None:
            continue
        for name, _ in item.fields:
            if name not in item_type.fields:
                yield FIELD_UNKNOWN.at(
                    item,
                    f"{item.id or item.title}: field {name!r} is not a field of "
                    f"{item_type.name}; its fields are {', '.join(item_type.fields)}",
                )


def check_field_missing(context: CheckContext) -> Iterator[Finding]:
    """Every field the profile requires for the item's type is present and not empty.

    Serves ISO 13485 7.3.3 via 21 CFR 820.10 and IEC 62304 5.2.2 (requirements content).
    """
    for item in context.local_items:
        item_type = context.profile.item_type(item.item_type)
        if item_type is None:
            continue
        for name in item_type.required:
            value = item.field(name)
            if value is None or not value.strip():
                yield FIELD_MISSING.at(
                    item,
                    f"{item.id or item.title}: required field {name!r} of "
                    f"{item_type.name} is missing",
                )


def check_field_value(context: CheckContext) -> Iterator[Finding]:
    """A field's value is one the profile allows (choice, number range, date).

    Serves ISO 13485 4.2.4: values such as safety class or severity feed later
    decisions and must come from the defined scale.
    """
    for item in context.local_items:
        item_type = context.profile.item_type(item.item_type)
        if item_type is None:
            continue
        for name, value in item.fields:
            spec = context.profile.field_spec(name)
            if spec is None or name not in item_type.fields or not value.strip():
                continue
            problem = spec.value_problem(value)
            if problem is not None:
                yield FIELD_VALUE.at(
                    item,
                    f"{item.id or item.title}: field {name!r}: {problem}",
                )


#: the field checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(spec=FIELD_UNKNOWN, function=check_field_unknown),
    Check(spec=FIELD_MISSING, function=check_field_missing),
    Check(spec=FIELD_VALUE, function=check_field_value),
)
