"""The source state from a real git repository: HEAD, its time, a clean tree."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from qmsdoc.vcs import Baseline, GitHistory, SourceState, source_state

if TYPE_CHECKING:
    from pathlib import Path

COMMIT_TIME = 1_700_000_000


def _git(repository: Path, *args: str, when: int = COMMIT_TIME) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }
    completed = subprocess.run(
        ["git", *args],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


def _repository(folder: Path) -> Path:
    """A git repository with one commit of ``notes.txt`` and ``sub/items.rst``."""
    folder.mkdir()
    _git(folder, "init", "-q")
    _git(folder, "config", "user.name", "Test User")
    _git(folder, "config", "user.email", "test@example.invalid")
    _git(folder, "config", "commit.gpgsign", "false")
    (folder / "notes.txt").write_text("first\n", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "items.rst").write_text("Items\n=====\n", encoding="utf-8")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "first")
    return folder


def test_a_clean_repository(tmp_path: Path) -> None:
    repository = _repository(tmp_path / "repo")
    state = source_state(repository)
    head = _git(repository, "rev-parse", "HEAD")
    assert len(head) == 40
    assert state == SourceState(commit=head, commit_time=COMMIT_TIME, clean=True)
    assert state.commit_time == int(_git(repository, "log", "-1", "--format=%ct"))
    assert state.label == head


def test_a_later_commit_moves_head_and_its_time(tmp_path: Path) -> None:
    repository = _repository(tmp_path / "repo")
    first = source_state(repository).commit
    (repository / "notes.txt").write_text("second\n", encoding="utf-8")
    _git(repository, "commit", "-q", "-am", "second", when=COMMIT_TIME + 3600)
    state = source_state(repository)
    assert state.commit == _git(repository, "rev-parse", "HEAD")
    assert state.commit != first
    assert state.commit_time == COMMIT_TIME + 3600
    assert state.clean is True


def test_a_subfolder_finds_the_repository(tmp_path: Path) -> None:
    repository = _repository(tmp_path / "repo")
    state = source_state(repository / "sub")
    assert state.commit == _git(repository, "rev-parse", "HEAD")
    assert state.clean is True


def test_an_edited_tracked_file_makes_the_tree_modified(tmp_path: Path) -> None:
    repository = _repository(tmp_path / "repo")
    head = _git(repository, "rev-parse", "HEAD")
    (repository / "sub" / "items.rst").write_text("Changed\n", encoding="utf-8")
    state = source_state(repository)
    assert state.commit == head
    assert state.commit_time == COMMIT_TIME
    assert state.clean is False
    assert state.label == f"{head} (working tree modified)"


def test_a_staged_change_makes_the_tree_modified(tmp_path: Path) -> None:
    repository = _repository(tmp_path / "repo")
    (repository / "notes.txt").write_text("staged\n", encoding="utf-8")
    _git(repository, "add", "notes.txt")
    assert source_state(repository).clean is False


def test_an_untracked_file_keeps_the_tree_clean(tmp_path: Path) -> None:
    repository = _repository(tmp_path / "repo")
    (repository / "traceability").mkdir()
    (repository / "traceability" / "gaps.json").write_text("{}\n", encoding="utf-8")
    assert source_state(repository).clean is True


def test_outside_git_everything_is_unknown(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    state = source_state(plain)
    assert state == SourceState(commit=None, commit_time=None, clean=None)
    assert state.label == "unknown (not a git repository)"


def test_a_repository_without_commits_is_unknown(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _git(empty, "init", "-q")
    state = source_state(empty)
    assert state == SourceState(commit=None, commit_time=None, clean=None)


def test_a_missing_folder_is_unknown(tmp_path: Path) -> None:
    assert source_state(tmp_path / "nowhere").commit is None


def test_label() -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert SourceState(commit=sha, commit_time=1, clean=True).label == sha
    assert (
        SourceState(commit=sha, commit_time=1, clean=False).label
        == f"{sha} (working tree modified)"
    )
    assert (
        SourceState(commit=None, commit_time=None, clean=None).label
        == "unknown (not a git repository)"
    )


def test_baselines_are_the_matching_tags_head_contains_oldest_first(
    tmp_path: Path,
) -> None:
    repository = _repository(tmp_path / "repo")
    first = _git(repository, "rev-parse", "HEAD")
    _git(repository, "tag", "-a", "v1.0", "-m", "release 1.0", when=COMMIT_TIME + 10)
    (repository / "notes.txt").write_text("second\n", encoding="utf-8")
    _git(repository, "commit", "-q", "-am", "second", when=COMMIT_TIME + 20)
    second = _git(repository, "rev-parse", "HEAD")
    _git(repository, "tag", "v1.1")  # lightweight: dated by its commit
    _git(repository, "tag", "draft-2")  # does not match the pattern
    baselines = GitHistory(repository).baselines("v*")
    assert baselines == [
        Baseline(name="v1.0", commit=first, date="2023-11-14T22:13:30+00:00"),
        Baseline(name="v1.1", commit=second, date="2023-11-14T22:13:40+00:00"),
    ]
    assert GitHistory(tmp_path).baselines("v*") == []
