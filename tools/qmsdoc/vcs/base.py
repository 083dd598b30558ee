"""Records about the source revision, independent of the version control library."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SourceState"]


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
