"""Design review records as the checks and the release gate read them.

Participants are written one per line or separated by ``;``, each as
``<signer login or name> (<role>, <role>, ...)``; a participant whose roles include
the profile's ``independent_role`` is independent of the design stage reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import date

    from qmsdoc.model import Item
    from qmsdoc.profile.design_review import DesignReviewConfig
    from qmsdoc.trace import TraceGraph

__all__ = [
    "BASELINE_CHECKS",
    "BaselineFact",
    "Participant",
    "ReviewFacts",
    "is_closed",
    "missing_review",
    "parse_participants",
]

#: findings that say a review's baseline is not part of the version being built
BASELINE_CHECKS = frozenset(
    {"design_review_baseline_unknown", "design_review_baseline_not_in_history"}
)
_PARTICIPANT = re.compile(r"(?P<name>[^()]*?[^()\s])\s*\((?P<roles>[^()]*)\)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    """One participant of a design review, with the roles in which they took part."""

    name: str
    """Signer login or printed name, as written."""
    roles: tuple[str, ...]
    independent: bool
    """Independent of the design stage under review (ISO 13485 7.3.5)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineFact:
    """What the repository says about one reviewed baseline."""

    revision: str
    """The baseline as written in the review (commit SHA or tag name)."""
    commit: str | None
    """The full commit SHA it names; None: neither a commit nor a tag here."""
    kind: Literal["commit", "tag"] | None
    in_history: bool | None
    """The commit is HEAD or an ancestor of it; None when that cannot be told."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewFacts:
    """What the design-review checks need from outside the source files."""

    today: date
    """The build date (``SOURCE_DATE_EPOCH``, else HEAD's commit time, else now)."""
    baselines: tuple[BaselineFact, ...] | None
    """Every reviewed baseline resolved in git; None outside a git repository or in
    an incomplete history (then ``history_note`` says why)."""
    history_note: str | None = None
    """Why the baselines were not resolved (e.g. a shallow clone), if they were not."""

    def baseline(self, revision: str) -> BaselineFact | None:
        """The fact about ``revision`` (as written), if it was resolved."""
        for fact in self.baselines or ():
            if fact.revision == revision.strip():
                return fact
        return None


def parse_participants(
    text: str, independent_role: str
) -> tuple[tuple[Participant, ...], tuple[str, ...]]:
    """The participants written in ``text``, and the entries that are malformed.

    :param text: The participants field: entries one per line or separated by ``;``.
    :param independent_role: The role that marks a participant independent.
    """
    participants: list[Participant] = []
    malformed: list[str] = []
    for entry in re.split(r"[;\n]", text):
        written = " ".join(entry.split())
        if not written:
            continue
        match = _PARTICIPANT.fullmatch(written)
        roles = tuple(
            role.strip() for role in (match["roles"] if match else "").split(",")
        )
        if match is None or not all(roles):
            malformed.append(written)
            continue
        participants.append(
            Participant(
                name=match["name"],
                roles=roles,
                independent=independent_role.lower()
                in (role.lower() for role in roles),
            )
        )
    return tuple(participants), tuple(malformed)


def is_closed(action: Item, config: DesignReviewConfig) -> bool:
    """Whether a review action's state is one of the closed states."""
    return (action.field(config.state_field) or "").strip() in config.closed_states


def missing_review(
    graph: TraceGraph,
    config: DesignReviewConfig,
    *,
    baseline_problems: Collection[str],
) -> str | None:
    """Why the release has no design review it can rest on, or None if it has one.

    A release needs a review whose outcome is one of the approved outcomes and whose
    baseline is part of the release (ISO 13485 7.3.5 via 21 CFR 820.10).

    :param baseline_problems: Ids of the reviews whose baseline is unknown or not in
        the history of the release (from the ``design_review_baseline_*`` findings).
    """
    reviews = graph.of_type(config.review_type)
    approved = [
        review
        for review in reviews
        if (review.field(config.outcome_field) or "").strip()
        in config.approved_outcomes
    ]
    if any(review.id not in baseline_problems for review in approved):
        return None
    outcomes = " or ".join(config.approved_outcomes)
    if not reviews:
        found = f"no {config.review_type} item exists"
    elif not approved:
        found = (
            f"{len(reviews)} {config.review_type} items, none with outcome {outcomes}"
        )
    else:
        names = ", ".join(review.id for review in approved)
        found = f"the baseline of {names} is not a commit or tag in this history"
    return (
        f"no design review with outcome {outcomes} of a baseline in this release: "
        f"{found} (ISO 13485 7.3.5 via 21 CFR 820.10)"
    )
