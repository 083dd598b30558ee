"""Checks of test evidence: verification that failed, results that no longer hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.evidence.status import State, VerificationState
    from qmsdoc.model import Item

__all__ = [
    "CHECKS",
    "EVIDENCE_ATTACHMENT",
    "EVIDENCE_FAILED",
    "EVIDENCE_NOT_EXECUTED",
    "EVIDENCE_STALE",
    "EVIDENCE_TEST_MISSING",
    "EVIDENCE_UNKNOWN_ITEM",
    "check_evidence_attachment",
    "check_evidence_failed",
    "check_evidence_not_executed",
    "check_evidence_stale",
    "check_evidence_test_missing",
    "check_evidence_unknown_item",
]

EVIDENCE_FAILED = CheckSpec(
    check_id="evidence_failed",
    severity="error",
    summary="verification of a requirement or risk control failed (ISO 13485 7.3.6)",
    clause="ISO 13485 7.3.6 via 21 CFR 820.10; IEC 62304 5.7.5; ISO 14971 7.2",
)
EVIDENCE_STALE = CheckSpec(
    check_id="evidence_stale",
    severity="warning",
    summary="verification result older than the last change of the item",
    clause="IEC 62304 5.7.5, 6.3.2; ISO 13485 7.3.9 via 21 CFR 820.10",
)
EVIDENCE_NOT_EXECUTED = CheckSpec(
    check_id="evidence_not_executed",
    severity="warning",
    summary="verification planned but no executed record (ISO 13485 7.3.6)",
    clause="ISO 13485 7.3.6, 7.3.7 via 21 CFR 820.10; IEC 62304 5.7.5",
)
EVIDENCE_TEST_MISSING = CheckSpec(
    check_id="evidence_test_missing",
    severity="error",
    summary="automated_test names a test that does not exist (IEC 62304 5.7.5)",
    clause="IEC 62304 5.5.5, 5.7.5; ISO 13485 7.3.6 via 21 CFR 820.10",
)
EVIDENCE_ATTACHMENT = CheckSpec(
    check_id="evidence_attachment",
    severity="error",
    summary="record attachment missing or its SHA-256 differs (ISO 13485 4.2.5)",
    clause="ISO 13485 4.2.5 via 21 CFR 820.10; 21 CFR 11.10(a)",
)
EVIDENCE_UNKNOWN_ITEM = CheckSpec(
    check_id="evidence_unknown_item",
    severity="warning",
    summary="recorded result names an item that does not exist",
    clause="ISO 13485 7.3.6 via 21 CFR 820.10",
)


def check_evidence_failed(context: CheckContext) -> Iterator[Finding]:
    """The latest results verifying a requirement or risk control passed.

    Serves ISO 13485 7.3.6 via 21 CFR 820.10, IEC 62304 5.7.5 and ISO 14971 7.2: a failed verification
    is a nonconformity until it is resolved and the test passes.
    """
    for item, state in _verified_items_in(context, "failed"):
        failed = [linked for linked in state.results if linked.result.failed]
        cases = ", ".join(
            f"{linked.result.label} ({linked.result.outcome} in run {linked.run.run_id})"
            for linked in failed
        )
        yield EVIDENCE_FAILED.at(item, f"{item.id}: verification failed: {cases}")


def check_evidence_stale(context: CheckContext) -> Iterator[Finding]:
    """A result still holds: the item it verifies has not changed since the tested commit.

    Serves IEC 62304 5.7.5 and 6.3.2 (regression after change) and ISO 13485 7.3.9 via 21 CFR 820.10:
    a result produced before a change does not verify the changed item.
    """
    for item, state in _verified_items_in(context, "stale"):
        reasons = sorted(
            {linked.stale_reason for linked in state.results if linked.stale_reason}
        )
        yield EVIDENCE_STALE.at(
            item,
            f"{item.id}: verification results are stale: {'; '.join(reasons)}",
        )


def check_evidence_not_executed(context: CheckContext) -> Iterator[Finding]:
    """Records the waivers of verifications that are planned but not executed.

    Serves ISO 13485 7.3.6 and 7.3.7 via 21 CFR 820.10 and IEC 62304 5.7.5: a
    linked test is a plan, not a result. Items merely planned are not findings in
    everyday work (their state is shown everywhere and the release gate fails on
    them); an item whose verification is waived (``:waiver: evidence_not_executed:
    justification``) gets this finding, so the waiver is recorded as an accepted
    deviation with its justification.
    """
    view = context.evidence
    if view is None:
        return
    for item in context.local_items:
        waived = view.states.get(item.id)
        if waived is not None and waived.state == "waived":
            yield EVIDENCE_NOT_EXECUTED.at(
                item,
                f"{item.id}: verification not executed",
            )


def check_evidence_test_missing(context: CheckContext) -> Iterator[Finding]:
    """A test item's automated test exists in the repository.

    Serves IEC 62304 5.5.5 and 5.7.5 and ISO 13485 7.3.6: a procedure that names a
    test nobody can run is no procedure.
    """
    view = context.evidence
    if view is None:
        return
    for item in context.local_items:
        reason = view.missing_tests.get(item.id)
        if reason is not None:
            yield EVIDENCE_TEST_MISSING.at(item, f"{item.id}: automated test: {reason}")


def check_evidence_attachment(context: CheckContext) -> Iterator[Finding]:
    """Every file a record refers to exists and has the SHA-256 the record states.

    Serves ISO 13485 4.2.5 (control of records) and 21 CFR 11.10(a): a record whose
    attachment changed no longer shows what was executed.
    """
    view = context.evidence
    if view is None:
        return
    for run, problem in view.attachment_problems:
        yield EVIDENCE_ATTACHMENT.finding(
            f"run {run.run_id}: {problem}", path=run.record_path or run.run_id
        )


def check_evidence_unknown_item(context: CheckContext) -> Iterator[Finding]:
    """A recorded result names only items that exist.

    Serves ISO 13485 7.3.6 via 21 CFR 820.10: evidence that points nowhere verifies nothing.
    """
    view = context.evidence
    if view is None:
        return
    directory = context.profile.evidence.directory if context.profile.evidence else ""
    for run, result, item_id in view.unknown:
        yield EVIDENCE_UNKNOWN_ITEM.finding(
            f"run {run.run_id}: {result.label} verifies {item_id!r}, which is not an item",
            item_id=item_id,
            path=run.record_path or f"{directory}/{run.run_id}.json",
        )


def _verified_items_in(
    context: CheckContext, wanted: State
) -> Iterator[tuple[Item, VerificationState]]:
    """Requirements and risk controls (the profile's verified types) in one state."""
    view = context.evidence
    config = context.profile.evidence
    if view is None or config is None:
        return
    for item in context.local_items:
        state = view.states.get(item.id)
        if (
            state is not None
            and state.state == wanted
            and item.item_type in config.verified_types
        ):
            yield item, state


#: the evidence checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(spec=EVIDENCE_FAILED, function=check_evidence_failed),
    Check(spec=EVIDENCE_STALE, function=check_evidence_stale),
    Check(spec=EVIDENCE_NOT_EXECUTED, function=check_evidence_not_executed),
    Check(spec=EVIDENCE_TEST_MISSING, function=check_evidence_test_missing),
    Check(spec=EVIDENCE_ATTACHMENT, function=check_evidence_attachment),
    Check(spec=EVIDENCE_UNKNOWN_ITEM, function=check_evidence_unknown_item),
)
