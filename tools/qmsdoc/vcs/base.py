"""Records about the source revision, independent of the version control library."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "SOURCE_SUFFIXES",
    "Baseline",
    "CommitRecord",
    "FakeHistory",
    "History",
    "PullRequest",
    "SourceState",
]

#: the files that hold items: reStructuredText and MyST Markdown (the history reads
#: them; the project's sources are files of these kinds)
SOURCE_SUFFIXES = (".rst", ".md")


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitRecord:
    """One commit: who, when, why, and which source files (:data:`SOURCE_SUFFIXES`)
    it added, modified or deleted."""

    sha: str
    author: str
    email: str
    date: str
    """Author date, ISO 8601 with offset."""
    subject: str
    body: str
    changed: tuple[tuple[str, str], ...]
    """(status A/M/D, POSIX path relative to the project root)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """A baseline: a tag, the commit it names, and when it was made."""

    name: str
    commit: str
    date: str
    """Creation date of the tag (annotated) or of its commit, ISO 8601."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PullRequest:
    """A pull request as recorded by its merge (or squash) commit, or a merge made
    without a hosting service (``local``), whose trailer block can carry approvals."""

    number: int | None
    """The pull or merge request number; None for a local merge."""
    merge_commit: str
    merged_at: str
    trailers: tuple[tuple[str, str], ...]
    """(trailer, value), e.g. ("Approved-by", "alice"), from the trailer block of the
    merge message as git parses it (unfolded; lines in the body do not count)."""
    commits: tuple[str, ...]
    """The commits the pull request brought in."""
    head: str | None = None
    """The head commit that was merged (second parent of a merge commit, or the
    squash commit itself); None when unknown."""
    head_time: str | None = None
    """Committer date of ``head``, ISO 8601 with offset."""
    merge_request: bool = False
    """A GitLab merge request (``See merge request ...!N``) rather than a GitHub
    pull request (``#N``): its exported approvals are ``mr-<N>.json``."""
    local: bool = False
    """A merge commit that names no pull or merge request (``git merge`` of a review
    branch): only its trailer block can approve."""

    @property
    def reference(self) -> str:
        """How the change request is cited: ``PR #7``, ``MR !7`` or ``merge <sha>``."""
        if self.local or self.number is None:
            return f"merge {self.merge_commit[:12]}"
        return f"MR !{self.number}" if self.merge_request else f"PR #{self.number}"


class History(Protocol):
    """Read access to the project's history (git, or a fake in tests)."""

    def files_at(self, commit: str) -> dict[str, str] | None:
        """``.rst`` files (POSIX path relative to the root -> text) at ``commit``.

        None when the commit is unknown (not in the repository, shallow clone, no git).
        """

    def commits(self) -> list[CommitRecord]:
        """Non-merge commits that touched ``.rst`` files, oldest first."""

    def file_at(self, commit: str, path: str) -> str | None:
        """One file at ``commit``, or None if it did not exist there."""

    def pull_requests(self) -> list[PullRequest]:
        """Pull requests recorded by merge commits (or squash commits naming #N)."""

    def changed_since(self, commit: str, path: str) -> bool | None:
        """Whether ``path`` (a file or folder relative to the root) differs in the
        working tree from ``commit``; None when that cannot be told."""

    def completeness(self) -> str | None:
        """None when the whole history is at hand; else one line saying that it is
        incomplete (shallow or partial clone) and how to fetch the rest."""

    def tags_not_in_history(self, pattern: str) -> list[str]:
        """Tags matching ``pattern`` that HEAD's history (and no branch) holds any
        more: left behind by a rewritten history."""


class FakeHistory:
    """An in-memory history for tests: the files at each commit, and the commits."""

    def __init__(
        self,
        files: dict[str, dict[str, str]],
        *,
        commits: list[CommitRecord] | None = None,
        pull_requests: list[PullRequest] | None = None,
        changed: dict[str, set[str]] | None = None,
        incomplete: str | None = None,
        lost_tags: list[str] | None = None,
    ) -> None:
        self._files = files
        self._commits = commits or []
        self._pull_requests = pull_requests or []
        self._changed = changed or {}
        self._incomplete = incomplete
        self._lost_tags = lost_tags or []

    def files_at(self, commit: str) -> dict[str, str] | None:
        """The files recorded for ``commit``, or None."""
        return self._files.get(commit)

    def commits(self) -> list[CommitRecord]:
        """The commits given, oldest first."""
        return list(self._commits)

    def file_at(self, commit: str, path: str) -> str | None:
        """One file recorded for ``commit``."""
        return (self._files.get(commit) or {}).get(path)

    def pull_requests(self) -> list[PullRequest]:
        """The pull requests given."""
        return list(self._pull_requests)

    def changed_since(self, commit: str, path: str) -> bool | None:
        """Whether ``path`` is among the paths given as changed since ``commit``
        (None for a commit that is not recorded)."""
        if commit not in self._files:
            return None
        return path in self._changed.get(commit, set())

    def completeness(self) -> str | None:
        """The ``incomplete`` reason given (None: complete)."""
        return self._incomplete

    def tags_not_in_history(self, pattern: str) -> list[str]:
        """The ``lost_tags`` given that match ``pattern`` (shell-style)."""
        return [tag for tag in self._lost_tags if fnmatch.fnmatchcase(tag, pattern)]


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
