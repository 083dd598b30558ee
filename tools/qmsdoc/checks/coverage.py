"""Coverage of the design-control chain, one check id per rule of the profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec
from qmsdoc.project import PROJECT_FILE

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.profile.model import CoverageRule

__all__ = ["CHECKS", "COVERAGE", "check_coverage", "rule_spec"]

#: the registry's entry for the coverage check. Its findings carry no id of their
#: own: each rule of the profile's ``[coverage]`` is a check id (``coverage_<rule>``)
#: with the rule's severity, description and clause (:func:`rule_spec`); the
#: catalogue lists the rules in its place.
COVERAGE = CheckSpec(
    check_id="coverage",
    severity="error",
    summary="design-control chain coverage (one id per rule)",
    clause=(
        "ISO 13485 7.3.3-7.3.7 via 21 CFR 820.10; ISO 14971 5.4-7.2; IEC 62304 5.1.1"
    ),
)


def rule_spec(rule: CoverageRule) -> CheckSpec:
    """The catalogue entry of a coverage rule: its id, severity, description, clause."""
    return CheckSpec(
        check_id=rule.check_id,
        severity=rule.severity,
        summary=rule.description,
        clause=rule.clause,
    )


def check_coverage(context: CheckContext) -> Iterator[Finding]:
    """Every item meets the coverage rules of its type (profile ``[coverage]``).

    Serves ISO 13485 7.3.3-7.3.7 via 21 CFR 820.10 (needs -> inputs -> outputs -> verification ->
    validation), ISO 14971 5.4-7.2 (hazard -> situation -> harm -> control ->
    verification) and IEC 62304 5.1.1 traceability. The check id is
    ``coverage_<rule>``, so each rule can be suppressed or waived on its own.

    A rule that applies to no item is not met either (a file with no hazard has no
    risk analysis): it is reported at line 1 of the project file, unless the rule
    says ``allow_empty`` (as ``qms gaps`` fails it).
    """
    for rule in context.profile.coverage:
        figure = context.graph.coverage(rule)
        spec = rule_spec(rule)
        if figure.empty and not rule.allow_empty:
            yield spec.finding(
                f"no {rule.item_type} item: rule {rule.name!r} has nothing to cover"
                f" ({rule.description}; {rule.clause or 'profile rule'}); write the"
                f" {rule.item_type} items, or set allow_empty = true on"
                f" [coverage.{rule.name}] with a comment saying why",
                path=PROJECT_FILE,
                line=1,
            )
            continue
        for item_id in figure.uncovered:
            item = context.graph.item(item_id)
            if item is None or item.origin:
                continue
            others = " or ".join(rule.counterpart_types)
            if rule.direction == "incoming":
                gap = f"no {others} {rule.link} this {item.item_type}"
            else:
                gap = f"this {item.item_type} has no {rule.link} link to a {others}"
            yield spec.at(item, f"{item.id}: {gap} ({rule.clause or rule.description})")


#: the coverage check, in registry order
CHECKS: tuple[Check, ...] = (Check(spec=COVERAGE, function=check_coverage),)
