"""Git access through gitpython: the only module that imports it.

Imported lazily, so that a machine without the git executable still runs every
command that does not need history (gitpython fails at import time without it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.vcs.base import SourceState

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["source_state"]

_UNKNOWN = SourceState(commit=None, commit_time=None, clean=None)


def source_state(root: Path) -> SourceState:
    """HEAD commit, its time and whether the tree is clean; unknown outside git."""
    try:
        import git  # noqa: PLC0415 (see module docstring)
    except ImportError:
        return _UNKNOWN
    try:
        repository = git.Repo(root, search_parent_directories=True)
        head = repository.head.commit
        clean = not repository.is_dirty(untracked_files=False)
        return SourceState(
            commit=head.hexsha, commit_time=int(head.committed_date), clean=clean
        )
    except (
        git.InvalidGitRepositoryError,
        git.NoSuchPathError,
        ValueError,
        git.GitCommandError,
    ):
        return _UNKNOWN
