"""Waivers: a justified deviation on an item turns its finding into a record.

A waiver is written on the item itself (``:waiver: check_id: justification``), so it
is reviewed in the same pull request as the content it excuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import CheckSpec

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from qmsdoc.checks.findings import Finding
    from qmsdoc.model import Item

__all__ = [
    "MINIMUM_JUSTIFICATION_WORDS",
    "SPECS",
    "UNWAIVABLE_PREFIXES",
    "WAIVER_INVALID",
    "WAIVER_UNUSED",
    "apply_waivers",
]

WAIVER_INVALID = CheckSpec(
    check_id="waiver_invalid",
    severity="error",
    summary="waiver that is malformed, names no check or is not justified",
    clause="ISO 13485 8.3 via 21 CFR 820.10",
)
WAIVER_UNUSED = CheckSpec(
    check_id="waiver_unused",
    severity="warning",
    summary="waiver that matches no finding",
    clause="ISO 13485 8.3 via 21 CFR 820.10",
)
#: the findings :func:`apply_waivers` makes about the waivers themselves
SPECS: tuple[CheckSpec, ...] = (WAIVER_INVALID, WAIVER_UNUSED)

#: a justification shorter than this is not a justification
MINIMUM_JUSTIFICATION_WORDS = 5
#: identity and waiver problems cannot themselves be waived
UNWAIVABLE_PREFIXES = ("id_", "waiver_")


def apply_waivers(
    findings: Sequence[Finding], items: Sequence[Item], *, check_ids: Collection[str]
) -> list[Finding]:
    """Mark waived findings and report waivers that are invalid or unused.

    Serves ISO 13485 8.3 / 21 CFR 820.90 in spirit: a nonconformity accepted by
    concession is recorded with its justification, never silently dropped.

    :param findings: The findings of all checks.
    :param items: The items, whose waivers are applied (those of external items are
        ignored).
    :param check_ids: Every check id that exists, to reject a waiver naming another.
    """
    # a waiver applies to findings about its own item: same id and same place, so an
    # item without an id (or a duplicate id) cannot excuse another item's finding
    by_key: dict[tuple[str, str, int, str], list[int]] = {}
    # an external item's waivers are the other project's: neither applied nor checked
    items = [item for item in items if not item.origin]
    waiving = any(item.waivers or item.malformed_waivers for item in items)
    for index, finding in enumerate(findings if waiving else ()):
        key = (finding.item_id, finding.path, finding.line, finding.check_id)
        by_key.setdefault(key, []).append(index)
    result = list(findings)
    extra: list[Finding] = []
    for item in items:
        extra.extend(
            WAIVER_INVALID.at(
                item,
                f"{item.id}: waiver {line!r} does not read 'check_id: justification'",
            )
            for line in item.malformed_waivers
        )
        for waiver in item.waivers:
            problem = _problem(waiver.check_id, waiver.justification, check_ids)
            if problem is not None:
                extra.append(
                    WAIVER_INVALID.at(
                        item,
                        f"{item.id}: waiver of {waiver.check_id!r}: {problem}",
                    )
                )
                continue
            key = (item.id, item.location.path, item.location.line, waiver.check_id)
            matches = by_key.get(key, [])
            if not matches:
                extra.append(
                    WAIVER_UNUSED.at(
                        item,
                        f"{item.id}: waiver of {waiver.check_id!r} matches no finding; remove it",
                    )
                )
            for index in matches:
                result[index] = result[index].with_waiver(waiver.justification)
    return result + extra


def _problem(
    check_id: str, justification: str, check_ids: Collection[str]
) -> str | None:
    if check_id not in check_ids:
        return "no such check"
    if check_id.startswith(UNWAIVABLE_PREFIXES):
        return "this check cannot be waived"
    if len(justification.split()) < MINIMUM_JUSTIFICATION_WORDS:
        return f"the justification needs at least {MINIMUM_JUSTIFICATION_WORDS} words"
    return None
