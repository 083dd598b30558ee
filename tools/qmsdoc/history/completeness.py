"""Truncated or rewritten history is never silent (IEC 62304 8.2.4, 21 CFR 11.10(e)).

A shallow or partial clone holds only part of the history: every item would seem to
start at the clone's boundary commit, signed by whoever made it. Views derived from
history refuse in such a clone with one line saying how to fetch the rest. A release
tag that HEAD's history no longer holds (a rewrite) is reported, not dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.errors import ProjectError

if TYPE_CHECKING:
    from qmsdoc.vcs.base import History

__all__ = ["require_complete_history", "rewritten_tags"]


def require_complete_history(history: History) -> None:
    """Return when the whole history is at hand.

    :raises ProjectError: With the one line saying the history is incomplete and how
        to fetch it (shallow or partial clone).
    """
    reason = history.completeness()
    if reason is not None:
        raise ProjectError(reason)


def rewritten_tags(history: History, pattern: str) -> list[str]:
    """One problem line per release tag matching ``pattern`` that is not an ancestor
    of HEAD (nor on any branch): the history was rewritten after it was tagged."""
    return [
        f"release tag {tag} is not an ancestor of HEAD: history rewritten?"
        for tag in history.tags_not_in_history(pattern)
    ]
