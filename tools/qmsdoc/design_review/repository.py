"""Resolve reviewed baselines in git and fix the build date: the design-review I/O.

Read once per ``qms check`` and handed to the checks in
:class:`~qmsdoc.checks.context.CheckContext`, so the checks stay pure.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from qmsdoc.design_review.records import BaselineFact, ReviewFacts
from qmsdoc.vcs import GitHistory, source_state
from qmsdoc.vcs.clock import generation_time

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from qmsdoc.model import Item
    from qmsdoc.profile.design_review import DesignReviewConfig

__all__ = ["Revisions", "read_review_facts", "resolve_baseline"]

_SHA = re.compile(r"[0-9a-fA-F]{7,40}")


class Revisions(Protocol):
    """What resolving a baseline needs from the repository (a :class:`GitHistory`)."""

    def commit_of(self, revision: str) -> str | None:
        """The full SHA ``revision`` names, or None."""

    def tag_target(self, tag: str) -> str | None:
        """The commit the tag ``tag`` points at, or None."""

    def is_ancestor(self, commit: str, descendant: str = "HEAD") -> bool | None:
        """Whether ``commit`` is ``descendant`` or an ancestor of it."""

    def completeness(self) -> str | None:
        """None when the whole history is here; else why not."""


def read_review_facts(
    root: Path, items: Sequence[Item], config: DesignReviewConfig
) -> ReviewFacts | None:
    """The build date and the reviewed baselines, or None without review items.

    :param root: The project root (in a git repository or not).
    :param items: The device file's items; only review and action items matter.
    :param config: The profile's ``[design_review]`` table.
    :raises QmsError: If ``SOURCE_DATE_EPOCH`` is not a whole number.
    """
    types = {config.review_type, config.action_type}
    if not any(item.item_type in types for item in items):
        return None
    state = source_state(root)
    today = generation_time(state).date()
    if state.commit is None:
        return ReviewFacts(today=today, baselines=None)
    history = GitHistory(root)
    note = history.completeness()
    if note is not None:
        return ReviewFacts(today=today, baselines=None, history_note=note)
    revisions = sorted(
        {
            (item.field(config.baseline_field) or "").strip()
            for item in items
            if item.item_type == config.review_type
        }
        - {""}
    )
    return ReviewFacts(
        today=today,
        baselines=tuple(resolve_baseline(text, history) for text in revisions),
    )


def resolve_baseline(revision: str, repository: Revisions) -> BaselineFact:
    """What ``revision`` names: a tag, else a commit given by (abbreviated) SHA.

    A branch name or any other revision expression is neither: a baseline must not
    move after its review.
    """
    text = revision.strip()
    commit = repository.tag_target(text)
    kind: str | None = "tag" if commit is not None else None
    if commit is None and _SHA.fullmatch(text):
        named = repository.commit_of(f"{text}^{{commit}}")
        if named is not None and named.lower().startswith(text.lower()):
            commit, kind = named, "commit"
    return BaselineFact(
        revision=text,
        commit=commit,
        kind="tag" if kind == "tag" else ("commit" if kind else None),
        in_history=repository.is_ancestor(commit) if commit is not None else None,
    )
