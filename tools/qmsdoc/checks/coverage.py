"""Coverage of the design-control chain, one check id per rule of the profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.findings import Finding, finding_at

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext

__all__ = ["check_coverage"]


def check_coverage(context: CheckContext) -> Iterator[Finding]:
    """Every item meets the coverage rules of its type (profile ``[coverage]``).

    Serves ISO 13485 7.3.3-7.3.7 via 21 CFR 820.10 (needs -> inputs -> outputs -> verification ->
    validation), ISO 14971 5.4-7.2 (hazard -> situation -> harm -> control ->
    verification) and IEC 62304 5.1.1 traceability. The check id is
    ``coverage_<rule>``, so each rule can be suppressed or waived on its own.
    """
    for rule in context.profile.coverage:
        figure = context.graph.coverage(rule)
        for item_id in figure.uncovered:
            item = context.graph.item(item_id)
            if item is None or item.origin:
                continue
            others = " or ".join(rule.counterpart_types)
            if rule.direction == "incoming":
                gap = f"no {others} {rule.link} this {item.item_type}"
            else:
                gap = f"this {item.item_type} has no {rule.link} link to a {others}"
            yield finding_at(
                item,
                rule.check_id,
                f"{item.id}: {gap} ({rule.clause or rule.description})",
                severity=rule.severity,
            )
