"""Checks of test evidence: verification that failed, results that no longer hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.findings import Finding, finding_at

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.evidence.status import State, VerificationState
    from qmsdoc.model import Item

__all__ = [
    "check_evidence_failed",
    "check_evidence_stale",
    "check_evidence_unknown_item",
]


def check_evidence_failed(context: CheckContext) -> Iterator[Finding]:
    """The latest results verifying a requirement or risk control passed.

    Serves 21 CFR 820.30(f), IEC 62304 5.7.5 and ISO 14971 7.2: a failed verification
    is a nonconformity until it is resolved and the test passes.
    """
    for item, state in _verified_items_in(context, "failed"):
        failed = [linked for linked in state.results if linked.result.failed]
        cases = ", ".join(
            f"{linked.result.node_id} ({linked.result.outcome} in run {linked.run.run_id})"
            for linked in failed
        )
        yield finding_at(
            item, "evidence_failed", f"{item.id}: verification failed: {cases}"
        )


def check_evidence_stale(context: CheckContext) -> Iterator[Finding]:
    """A result still holds: the item it verifies has not changed since the tested commit.

    Serves IEC 62304 5.7.5 and 6.3.2 (regression after change) and 21 CFR 820.30(i):
    a result produced before a change does not verify the changed item.
    """
    for item, state in _verified_items_in(context, "stale"):
        reasons = sorted(
            {linked.stale_reason for linked in state.results if linked.stale_reason}
        )
        yield finding_at(
            item,
            "evidence_stale",
            f"{item.id}: verification results are stale: {'; '.join(reasons)}",
            severity="warning",
        )


def check_evidence_unknown_item(context: CheckContext) -> Iterator[Finding]:
    """A recorded result names only items that exist.

    Serves 21 CFR 820.30(f): evidence that points nowhere verifies nothing.
    """
    view = context.evidence
    if view is None:
        return
    directory = context.profile.evidence.directory if context.profile.evidence else ""
    for run, result, item_id in view.unknown:
        yield Finding(
            check_id="evidence_unknown_item",
            severity="warning",
            item_id=item_id,
            path=f"{directory}/{run.run_id}.json",
            line=0,
            docname="",
            message=f"run {run.run_id}: {result.node_id} verifies {item_id!r}, which is not an item",
        )


def _verified_items_in(
    context: CheckContext, wanted: State
) -> Iterator[tuple[Item, VerificationState]]:
    """Requirements and risk controls (the profile's verified types) in one state."""
    view = context.evidence
    config = context.profile.evidence
    if view is None or config is None:
        return
    for item in context.items:
        state = view.states.get(item.id)
        if (
            state is not None
            and state.state == wanted
            and item.item_type in config.verified_types
        ):
            yield item, state
