"""Checks of links: targets exist, the profile allows them, no self-links or cycles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding

__all__ = [
    "CHECKS",
    "LINK_CYCLE",
    "LINK_NOT_ALLOWED",
    "LINK_SELF",
    "LINK_TARGET_UNKNOWN",
    "check_link_cycle",
    "check_link_not_allowed",
    "check_link_self",
    "check_link_target_unknown",
]

LINK_TARGET_UNKNOWN = CheckSpec(
    check_id="link_target_unknown",
    severity="error",
    summary="link to an item that does not exist",
    clause="ISO 13485 7.3.10 via 21 CFR 820.10; IEC 62304 5.1.1",
)
LINK_NOT_ALLOWED = CheckSpec(
    check_id="link_not_allowed",
    severity="error",
    summary="link not allowed by the profile's rules",
    clause="ISO 13485 7.3; IEC 62304 5.1.1",
)
LINK_SELF = CheckSpec(
    check_id="link_self",
    severity="error",
    summary="item links to itself",
    clause="IEC 62304 5.1.1",
)
LINK_CYCLE = CheckSpec(
    check_id="link_cycle",
    severity="error",
    summary="links form a cycle",
    clause="ISO 13485 7.3.10 via 21 CFR 820.10; ISO 14971 4.5",
)

#: members named in a cycle's finding: a chain closed into a cycle has thousands
CYCLE_SHOWN = 10


def check_link_target_unknown(context: CheckContext) -> Iterator[Finding]:
    """Every link points at an item that exists.

    Serves ISO 13485 7.3.10 via 21 CFR 820.10 and IEC 62304 5.1.1: traceability must be complete and
    resolvable, a dangling reference hides a gap.
    """
    for item in context.local_items:
        for link in item.links:
            if link.target != item.id and link.target not in context.graph:
                yield LINK_TARGET_UNKNOWN.at(
                    item,
                    f"{item.id or item.title}: {link.link_type} {link.target!r}: no such item",
                )


def check_link_not_allowed(context: CheckContext) -> Iterator[Finding]:
    """A link's (source type, link type, target type) is one the profile allows.

    Serves ISO 13485 7.3 and IEC 62304 5.1.1: the design-control chain has a defined
    direction (a test verifies a requirement, it does not satisfy a user need).
    """
    for item in context.local_items:
        item_type = context.profile.item_type(item.item_type)
        if item_type is None:
            continue
        for link in item.links:
            allowed = item_type.link_targets(link.link_type)
            if allowed is None:
                carried = (
                    ", ".join(name for name, _ in item_type.allowed_links) or "none"
                )
                yield LINK_NOT_ALLOWED.at(
                    item,
                    f"{item.id or item.title}: a {item_type.name} cannot carry "
                    f"{link.link_type!r} links (allowed: {carried})",
                )
                continue
            target = context.graph.item(link.target)
            if (
                target is not None
                and target is not item
                and target.item_type not in allowed
            ):
                yield LINK_NOT_ALLOWED.at(
                    item,
                    f"{item.id}: {item_type.name} {link.link_type} {target.item_type} "
                    f"{target.id} is not allowed; allowed targets: {', '.join(allowed)}",
                )


def check_link_self(context: CheckContext) -> Iterator[Finding]:
    """No item links to itself.

    Serves IEC 62304 5.1.1: a self-reference satisfies no traceability obligation.
    """
    for item in context.local_items:
        for link in item.links:
            if item.id and link.target == item.id:
                yield LINK_SELF.at(
                    item,
                    f"{item.id}: {link.link_type} links the item to itself",
                )


def check_link_cycle(context: CheckContext) -> Iterator[Finding]:
    """The links form no cycle: the design-control chain runs one way.

    Serves ISO 13485 7.3.10 via 21 CFR 820.10 and ISO 14971 4.5: a cycle makes upstream and downstream
    (and so impact analysis) undefined. Reported once per cycle, at its first item.
    Link types the profile declares ``acyclic = false`` (a threat pointing back at the
    design it attacks) are left out.
    """
    ignore = {link.name for link in context.profile.links if not link.acyclic}
    for group in context.graph.cycles(ignore):
        # reported at a member written in the sources: a cycle only through
        # external items is the other project's
        members = [
            item
            for item in (context.graph.item(i) for i in group)
            if item is not None and not item.origin
        ]
        if not members:
            continue
        first = min(members, key=lambda item: item.location)
        through = ", ".join(group[:CYCLE_SHOWN])
        if len(group) > CYCLE_SHOWN:
            through += f" and {len(group) - CYCLE_SHOWN} more ({len(group)} items)"
        yield LINK_CYCLE.at(first, f"{first.id}: links form a cycle through {through}")


#: the link checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(spec=LINK_TARGET_UNKNOWN, function=check_link_target_unknown),
    Check(spec=LINK_NOT_ALLOWED, function=check_link_not_allowed),
    Check(spec=LINK_SELF, function=check_link_self),
    Check(spec=LINK_CYCLE, function=check_link_cycle),
)
