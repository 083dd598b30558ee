"""Change-control checks: links whose target changed since they were reviewed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.findings import Finding, finding_at
from qmsdoc.history.suspect import suspect_links

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext

__all__ = [
    "check_approval_missing",
    "check_approval_signer_unknown",
    "check_link_suspect",
]


def check_link_suspect(context: CheckContext) -> Iterator[Finding]:
    """A link is reviewed again after its target changed (suspect link).

    Serves IEC 62304 6.2.3 and 7.4.3 (analysis of the impact of changes on existing
    items and risk controls) and ISO 13485 7.3.9 via 21 CFR 820.10. Reported at the source item, with
    the items downstream of it that the change may also affect.
    """
    if context.reviews is None:
        return
    for suspect in suspect_links(
        context.graph, context.reviews, excluded=context.profile.suspect_excluded
    ):
        source = context.graph.item(suspect.source)
        if source is None:
            continue
        downstream = (
            f"; downstream: {', '.join(suspect.downstream)}"
            if suspect.downstream
            else ""
        )
        yield finding_at(
            source,
            "link_suspect",
            f"{suspect.source} {suspect.link_type} {suspect.target} is suspect: {suspect.reason} "
            f"(run `qms review {suspect.source}:{suspect.link_type}:{suspect.target}` after "
            f"checking it){downstream}",
        )


def check_approval_missing(context: CheckContext) -> Iterator[Finding]:
    """An item of a required type has an approval that covers its last change.

    Serves ISO 13485 7.3.9 via 21 CFR 820.10 and Part 11 11.50/11.70: a design change is approved
    before implementation, and the signature is linked to the record it signs.
    """
    if context.approvals is None:
        return
    for item in context.items:
        if item.item_type not in context.profile.approval_types:
            continue
        manifest = context.approvals.get(item.id, [])
        if any(a.meaning == "approval" and a.covers_last_change for a in manifest):
            continue
        earlier = [a for a in manifest if a.meaning == "approval"]
        detail = (
            f"; approvals by {', '.join(sorted({a.login for a in earlier}))} do not cover it"
            if earlier
            else ""
        )
        yield finding_at(
            item,
            "approval_missing",
            f"{item.id}: the last change has no approval{detail}",
        )


def check_approval_signer_unknown(context: CheckContext) -> Iterator[Finding]:
    """Every approver is in the signer registry (printed name and role, Part 11 11.50).

    Serves 21 CFR Part 11 11.50 and 11.100: a signature shows the signer's printed name.
    """
    if context.approvals is None:
        return
    for item in context.items:
        unknown = sorted(
            {
                a.login
                for a in context.approvals.get(item.id, [])
                if a.meaning != "authorship" and a.name is None
            }
        )
        if unknown:
            yield finding_at(
                item,
                "approval_signer_unknown",
                f"{item.id}: approved by {', '.join(unknown)}, not in the signer registry",
            )
