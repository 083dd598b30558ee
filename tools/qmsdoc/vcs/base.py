"""Records about the source revision, independent of the version control library."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["FakeHistory", "History", "SourceState"]


class History(Protocol):
    """Read access to the sources as they were at a past commit."""

    def files_at(self, commit: str) -> dict[str, str] | None:
        """``.rst`` files (POSIX path relative to the root -> text) at ``commit``.

        None when the commit is unknown (not in the repository, shallow clone, no git).
        """


class FakeHistory:
    """An in-memory history for tests: commit -> files."""

    def __init__(self, commits: dict[str, dict[str, str]]) -> None:
        self._commits = commits

    def files_at(self, commit: str) -> dict[str, str] | None:
        """The files recorded for ``commit``, or None."""
        return self._commits.get(commit)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceState:
    """The commit a build or export comes from, and whether the tree was clean."""

    commit: str | None
    """Full SHA of HEAD, or None when the project is not in a git repository."""
    commit_time: int | None
    """Commit time of HEAD (seconds since the epoch)."""
    clean: bool | None
    """Whether tracked files match HEAD; None when unknown."""

    @property
    def label(self) -> str:
        """``<sha>`` plus ``(modified)`` for a dirty tree, or ``unknown``."""
        if self.commit is None:
            return "unknown (not a git repository)"
        return self.commit if self.clean else f"{self.commit} (working tree modified)"
