"""Checks of item identity: every item has one well-formed, unique identifier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec
from qmsdoc.input_files import excerpt
from qmsdoc.model import MAX_ID_LENGTH

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.model import Item

__all__ = [
    "CHECKS",
    "ID_DUPLICATE",
    "ID_MALFORMED",
    "ID_MISSING",
    "check_id_duplicate",
    "check_id_malformed",
    "check_id_missing",
]

ID_MISSING = CheckSpec(
    check_id="id_missing",
    severity="error",
    summary="item without an :id:",
    clause="ISO 13485 4.2.5; IEC 62304 8.1.2",
)
ID_MALFORMED = CheckSpec(
    check_id="id_malformed",
    severity="error",
    summary="id does not match its type's pattern",
    clause="IEC 62304 8.1.2",
)
ID_DUPLICATE = CheckSpec(
    check_id="id_duplicate",
    severity="error",
    summary="two items share an id",
    clause="IEC 62304 8.1.2; ISO 13485 7.3.10 via 21 CFR 820.10",
)


def check_id_missing(context: CheckContext) -> Iterator[Finding]:
    """Every item carries an explicit identifier.

    Serves ISO 13485 4.2.5 (records identifiable) and IEC 62304 8.1.2 (configuration
    items uniquely identified); a generated id would change when the title changes.
    """
    for item in context.local_items:
        if not item.id:
            yield ID_MISSING.at(item, f"{item.item_type} {item.title!r} has no :id:")


def check_id_malformed(context: CheckContext) -> Iterator[Finding]:
    """An identifier follows its type's pattern (prefix and number) from the profile.

    Serves IEC 62304 8.1.2 (unique identification of configuration items).
    """
    for item in context.local_items:
        item_type = context.profile.item_type(item.item_type)
        if len(item.id) > MAX_ID_LENGTH:
            yield ID_MALFORMED.at(
                item,
                f"id {excerpt(item.id)!r} is {len(item.id)} characters long; an id "
                f"has at most {MAX_ID_LENGTH} (the Sphinx build does not create it)",
            )
        elif (
            item.id
            and item_type is not None
            and not item_type.id_pattern.fullmatch(item.id)
        ):
            yield ID_MALFORMED.at(
                item,
                f"id {excerpt(item.id)!r} does not match the {item_type.name} pattern "
                f"{item_type.id_pattern_text!r}",
            )


def check_id_duplicate(context: CheckContext) -> Iterator[Finding]:
    """No two items share an identifier; each later one is reported, naming the first.

    Serves IEC 62304 8.1.2 and ISO 13485 7.3.10 via 21 CFR 820.10 (an unambiguous design and development file).
    """
    # an external item (imported from a needs.json) is never reported, but a local
    # item that takes its id is
    external: dict[str, Item] = {}
    for item in context.items:
        if item.origin and item.id:
            external.setdefault(item.id, item)
    first: dict[str, str] = {}
    for item in context.local_items:
        if not item.id:
            continue
        if item.id in first:
            yield ID_DUPLICATE.at(
                item,
                f"id {item.id!r} is already used at {first[item.id]}",
            )
            continue
        first[item.id] = str(item.location)
        other = external.get(item.id)
        if other is not None:
            yield ID_DUPLICATE.at(
                item,
                f"id {item.id!r} is already used by a need of {other.origin} "
                f"({other.location})",
            )


#: the identity checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(spec=ID_MISSING, function=check_id_missing),
    Check(spec=ID_MALFORMED, function=check_id_malformed),
    Check(spec=ID_DUPLICATE, function=check_id_duplicate),
)
