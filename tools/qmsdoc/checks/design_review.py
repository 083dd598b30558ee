"""Design review checks (ISO 13485 7.3.5 via 21 CFR 820.10).

A review records the baseline it reviewed, its participants (one at least
independent of the design stage) and its outcome; its actions are followed to
closure. Open actions are reported on every check and block a release (the profile
lists ``design_review_action_open`` as advisory); the release gate also needs one
approved review of a baseline in the release's history
(:func:`qmsdoc.design_review.missing_review`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec
from qmsdoc.design_review.records import is_closed, parse_participants

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.model import Item
    from qmsdoc.profile.design_review import DesignReviewConfig

__all__ = [
    "CHECKS",
    "DESIGN_REVIEW_ACTION_OPEN",
    "DESIGN_REVIEW_ACTION_OVERDUE",
    "DESIGN_REVIEW_ACTION_UNRESOLVED",
    "DESIGN_REVIEW_BASELINE_NOT_IN_HISTORY",
    "DESIGN_REVIEW_BASELINE_UNKNOWN",
    "DESIGN_REVIEW_NOT_INDEPENDENT",
    "DESIGN_REVIEW_PARTICIPANT_INVALID",
    "check_design_review_action_open",
    "check_design_review_action_overdue",
    "check_design_review_action_unresolved",
    "check_design_review_baseline_not_in_history",
    "check_design_review_baseline_unknown",
    "check_design_review_not_independent",
    "check_design_review_participant_invalid",
]

DESIGN_REVIEW_NOT_INDEPENDENT = CheckSpec(
    check_id="design_review_not_independent",
    severity="error",
    summary=(
        "design review without a participant independent of the stage (ISO 13485 7.3.5)"
    ),
    clause="ISO 13485 7.3.5 via 21 CFR 820.10",
)
DESIGN_REVIEW_PARTICIPANT_INVALID = CheckSpec(
    check_id="design_review_participant_invalid",
    severity="error",
    summary="design review participant not written as 'name (role, ...)'",
    clause="ISO 13485 7.3.5 via 21 CFR 820.10",
)
DESIGN_REVIEW_ACTION_OPEN = CheckSpec(
    check_id="design_review_action_open",
    severity="warning",
    summary="design review action still open (release fails; ISO 13485 7.3.5)",
    clause="ISO 13485 7.3.5, 7.3.2 via 21 CFR 820.10",
)
DESIGN_REVIEW_ACTION_OVERDUE = CheckSpec(
    check_id="design_review_action_overdue",
    severity="warning",
    summary="open design review action past its due date on the build date",
    clause="ISO 13485 7.3.5 via 21 CFR 820.10",
)
DESIGN_REVIEW_ACTION_UNRESOLVED = CheckSpec(
    check_id="design_review_action_unresolved",
    severity="error",
    summary="closed design review action without its resolution",
    clause="ISO 13485 7.3.5, 4.2.5 via 21 CFR 820.10",
)
DESIGN_REVIEW_BASELINE_UNKNOWN = CheckSpec(
    check_id="design_review_baseline_unknown",
    severity="error",
    summary="design review baseline is neither a commit nor a tag of the repository",
    clause="ISO 13485 7.3.5, 4.2.5 via 21 CFR 820.10",
    other_severities=("info",),
)
DESIGN_REVIEW_BASELINE_NOT_IN_HISTORY = CheckSpec(
    check_id="design_review_baseline_not_in_history",
    severity="error",
    summary="design review baseline is not HEAD or an ancestor of it",
    clause="ISO 13485 7.3.5 via 21 CFR 820.10",
)


def check_design_review_not_independent(context: CheckContext) -> Iterator[Finding]:
    """Every design review has a participant independent of the design stage.

    Serves ISO 13485 7.3.5 via 21 CFR 820.10 (participants include representatives
    of the functions concerned and other specialist personnel). ISO 13485 does not
    name an independent participant; FDA's QMSR preamble (final rule, 89 FR 7496,
    2 February 2024) still expects one in a design review, and the profile's design
    review policy asks for one.
    """
    config = context.profile.design_review
    if config is None:
        return
    for review in context.local_of_type(config.review_type):
        text = review.field(config.participants_field) or ""
        participants, _ = parse_participants(text, config.independent_role)
        if participants and not any(p.independent for p in participants):
            yield DESIGN_REVIEW_NOT_INDEPENDENT.at(
                review,
                f"{review.id}: no participant has the role {config.independent_role!r} "
                f"(independent of the design stage reviewed; {DESIGN_REVIEW_NOT_INDEPENDENT.clause})",
            )


def check_design_review_participant_invalid(context: CheckContext) -> Iterator[Finding]:
    """Every participant entry reads ``<signer login or name> (<role>, ...)``.

    Serves ISO 13485 7.3.5 via 21 CFR 820.10: the record names who took part and in
    which function.
    """
    config = context.profile.design_review
    if config is None:
        return
    for review in context.local_of_type(config.review_type):
        text = review.field(config.participants_field) or ""
        _, malformed = parse_participants(text, config.independent_role)
        for entry in malformed:
            yield DESIGN_REVIEW_PARTICIPANT_INVALID.at(
                review,
                f"{review.id}: participant {entry!r} does not read "
                "'<signer login or name> (<role>, ...)'",
            )


def check_design_review_action_open(context: CheckContext) -> Iterator[Finding]:
    """Every review action is closed (a release fails on open ones).

    Serves ISO 13485 7.3.5 via 21 CFR 820.10 (records of the necessary actions) and
    7.3.2 (design stages completed before the release).
    """
    config = context.profile.design_review
    if config is None:
        return
    for action in context.local_of_type(config.action_type):
        if not is_closed(action, config):
            yield DESIGN_REVIEW_ACTION_OPEN.at(
                action,
                f"{action.id}: review action {_state(action, config)}"
                f"{_ownership(action, config)}{_raised_in(context, action, config)}",
            )


def check_design_review_action_overdue(context: CheckContext) -> Iterator[Finding]:
    """No open review action is past its due date on the build date.

    Serves ISO 13485 7.3.5 via 21 CFR 820.10. The build date is ``SOURCE_DATE_EPOCH``,
    else HEAD's commit time (:mod:`qmsdoc.vcs.clock`), so one commit gives one answer.
    """
    config, facts = context.profile.design_review, context.review_facts
    if config is None or facts is None:
        return
    for action in context.local_of_type(config.action_type):
        due = _date(action.field(config.due_field))
        if due is None or is_closed(action, config) or due >= facts.today:
            continue
        yield DESIGN_REVIEW_ACTION_OVERDUE.at(
            action,
            f"{action.id}: review action due {due.isoformat()} is still "
            f"{_state(action, config)} on {facts.today.isoformat()}"
            f"{_ownership(action, config)}",
        )


def check_design_review_action_unresolved(context: CheckContext) -> Iterator[Finding]:
    """Every closed review action says how it was resolved.

    Serves ISO 13485 7.3.5 via 21 CFR 820.10 (records of the actions) and 4.2.5.
    """
    config = context.profile.design_review
    if config is None:
        return
    for action in context.local_of_type(config.action_type):
        if (
            is_closed(action, config)
            and not (action.field(config.resolution_field) or "").strip()
        ):
            yield DESIGN_REVIEW_ACTION_UNRESOLVED.at(
                action,
                f"{action.id}: review action is {_state(action, config)} without "
                f"{config.resolution_field}: say how it was resolved and where",
            )


def check_design_review_baseline_unknown(context: CheckContext) -> Iterator[Finding]:
    """Every review's baseline is a commit or a tag of the repository.

    Serves ISO 13485 7.3.5 via 21 CFR 820.10 and 4.2.5: a review record identifies
    the design it reviewed. Needs the repository (``qms check``); in an incomplete
    history it says so at information level instead of guessing.
    """
    config, facts = context.profile.design_review, context.review_facts
    if config is None or facts is None:
        return
    for review in context.local_of_type(config.review_type):
        revision = (review.field(config.baseline_field) or "").strip()
        if not revision:
            continue
        if facts.history_note is not None:
            yield DESIGN_REVIEW_BASELINE_UNKNOWN.at(
                review,
                f"{review.id}: baseline {revision!r} not checked: {facts.history_note}",
                severity="info",
            )
            continue
        fact = facts.baseline(revision)
        if facts.baselines is not None and (fact is None or fact.commit is None):
            yield DESIGN_REVIEW_BASELINE_UNKNOWN.at(
                review,
                f"{review.id}: baseline {revision!r} is neither a commit nor a tag of "
                "this repository (give the full SHA or the tag reviewed)",
            )


def check_design_review_baseline_not_in_history(
    context: CheckContext,
) -> Iterator[Finding]:
    """Every review's baseline is HEAD or one of its ancestors.

    Serves ISO 13485 7.3.5 via 21 CFR 820.10: a review of a commit outside the
    history built (another branch, a rewritten history) did not review this design.
    """
    config, facts = context.profile.design_review, context.review_facts
    if config is None or facts is None:
        return
    for review in context.local_of_type(config.review_type):
        fact = facts.baseline(review.field(config.baseline_field) or "")
        if fact is not None and fact.commit is not None and fact.in_history is False:
            yield DESIGN_REVIEW_BASELINE_NOT_IN_HISTORY.at(
                review,
                f"{review.id}: baseline {fact.revision!r} ({fact.kind} "
                f"{fact.commit[:12]}) is not in the history of HEAD: the review did "
                "not review this version",
            )


def _state(action: Item, config: DesignReviewConfig) -> str:
    return (action.field(config.state_field) or "").strip() or "without state"


def _ownership(action: Item, config: DesignReviewConfig) -> str:
    owner = (action.field(config.owner_field) or "").strip() or "no owner"
    due = (action.field(config.due_field) or "").strip() or "no due date"
    return f" (owner {owner}, due {due})"


def _raised_in(context: CheckContext, action: Item, config: DesignReviewConfig) -> str:
    reviews = [
        edge.target for edge in context.graph.outgoing(action.id, config.action_link)
    ]
    return f", raised in {', '.join(reviews)}" if reviews else ""


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


#: the design review checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(
        spec=DESIGN_REVIEW_NOT_INDEPENDENT, function=check_design_review_not_independent
    ),
    Check(
        spec=DESIGN_REVIEW_PARTICIPANT_INVALID,
        function=check_design_review_participant_invalid,
    ),
    Check(spec=DESIGN_REVIEW_ACTION_OPEN, function=check_design_review_action_open),
    Check(
        spec=DESIGN_REVIEW_ACTION_OVERDUE, function=check_design_review_action_overdue
    ),
    Check(
        spec=DESIGN_REVIEW_ACTION_UNRESOLVED,
        function=check_design_review_action_unresolved,
    ),
    Check(
        spec=DESIGN_REVIEW_BASELINE_UNKNOWN,
        function=check_design_review_baseline_unknown,
    ),
    Check(
        spec=DESIGN_REVIEW_BASELINE_NOT_IN_HISTORY,
        function=check_design_review_baseline_not_in_history,
    ),
)
