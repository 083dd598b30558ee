"""Change-control checks: links whose target changed since they were reviewed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.findings import Finding, finding_at
from qmsdoc.history.suspect import suspect_links

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext

__all__ = ["check_link_suspect"]


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
        yield finding_at(
            source,
            "link_suspect",
            f"{suspect.source} {suspect.link_type} {suspect.target} is suspect: {suspect.reason} "
            f"(run `qms review {suspect.source}:{suspect.link_type}:{suspect.target}` after "
            f"checking it){downstream}",
        )
