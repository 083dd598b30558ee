"""Change-control checks: links whose target changed since they were reviewed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec
from qmsdoc.history.suspect import suspect_links

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding

__all__ = [
    "CHECKS",
    "LINK_SUSPECT",
    "check_link_suspect",
]

LINK_SUSPECT = CheckSpec(
    check_id="link_suspect",
    severity="error",
    summary="link whose target changed since it was reviewed (IEC 62304 6.2.3)",
    clause="IEC 62304 6.2.3, 7.4.3; ISO 13485 7.3.9 via 21 CFR 820.10",
)


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
        if source is None or source.origin:
            continue
        downstream = (
            f"; downstream: {', '.join(suspect.downstream)}"
            + (" and more" if suspect.downstream_more else "")
            if suspect.downstream
            else ""
        )
        yield LINK_SUSPECT.at(
            source,
            f"{suspect.source} {suspect.link_type} {suspect.target} is suspect: {suspect.reason} "
            f"(run `qms review {suspect.source}:{suspect.link_type}:{suspect.target}` after "
            f"checking it){downstream}",
        )


#: the change-control checks, in registry order
CHECKS: tuple[Check, ...] = (Check(spec=LINK_SUSPECT, function=check_link_suspect),)
