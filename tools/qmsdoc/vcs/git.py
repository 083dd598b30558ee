"""Git access through gitpython: the only module that imports it.

Imported lazily, so that a machine without the git executable still runs every
command that does not need history (gitpython fails at import time without it).
"""

from __future__ import annotations

from pathlib import Path

from qmsdoc.vcs.base import SourceState

__all__ = ["GitHistory", "source_state"]

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


class GitHistory:
    """The project's ``.rst`` files at past commits, read from its git repository."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._cache: dict[str, dict[str, str] | None] = {}

    def files_at(self, commit: str) -> dict[str, str] | None:
        """``.rst`` files under the root at ``commit``; None if it cannot be read."""
        if commit not in self._cache:
            self._cache[commit] = self._read(commit)
        return self._cache[commit]

    def _read(self, commit: str) -> dict[str, str] | None:
        try:
            import git  # noqa: PLC0415 (see module docstring)
        except ImportError:
            return None
        try:
            repository = git.Repo(self._root, search_parent_directories=True)
            tree = repository.commit(commit).tree
            top = Path(repository.working_tree_dir or self._root).resolve()
        except (
            git.InvalidGitRepositoryError,
            git.NoSuchPathError,
            ValueError,
            git.BadName,
            git.GitCommandError,
        ):
            return None
        prefix = self._root.resolve().relative_to(top).as_posix()
        prefix = "" if prefix == "." else f"{prefix}/"
        files: dict[str, str] = {}
        for entry in tree.traverse():
            if not isinstance(entry, git.Blob):
                continue
            path = str(entry.path)
            if not path.endswith(".rst") or not path.startswith(prefix):
                continue
            data = entry.data_stream.read()
            files[path[len(prefix) :]] = data.decode("utf-8", errors="replace")
        return files
