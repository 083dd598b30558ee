"""Truncated or rewritten history on real git repositories: shallow and partial clones
(``git clone --depth 1`` / ``--filter=blob:none`` over ``file://``, so that the depth
and the filter are honoured) and a release tag left behind by ``git reset --hard``."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import ProjectError
from qmsdoc.history.completeness import require_complete_history, rewritten_tags
from qmsdoc.vcs import FakeHistory, GitHistory

if TYPE_CHECKING:
    from pathlib import Path

T0 = 1_700_000_000


def _git(repository: Path, *args: str, when: int = T0) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }
    completed = subprocess.run(
        ["git", *args], cwd=repository, env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return completed.stdout.strip()


def _commit(repository: Path, text: str, when: int) -> str:
    (repository / "items.rst").write_text(text, encoding="utf-8")
    _git(repository, "add", "items.rst", when=when)
    _git(repository, "commit", "-q", "-m", text.splitlines()[0], when=when)
    return _git(repository, "rev-parse", "HEAD")


def _repository(folder: Path, commits: int = 4) -> list[str]:
    """A repository whose ``items.rst`` changed in each of ``commits`` commits."""
    folder.mkdir()
    _git(folder, "init", "-q", "-b", "main")
    _git(folder, "config", "user.name", "Test User")
    _git(folder, "config", "user.email", "test@example.invalid")
    _git(folder, "config", "commit.gpgsign", "false")
    _git(folder, "config", "uploadpack.allowFilter", "true")
    return [
        _commit(folder, f"change {n}\n", T0 + n * 60) for n in range(1, commits + 1)
    ]


def test_a_full_repository_and_a_plain_folder_are_complete(tmp_path: Path) -> None:
    _repository(tmp_path / "repo")
    assert GitHistory(tmp_path / "repo").completeness() is None
    (tmp_path / "plain").mkdir()
    assert GitHistory(tmp_path / "plain").completeness() is None
    require_complete_history(GitHistory(tmp_path / "repo"))


def test_a_shallow_clone_says_so_in_one_line_until_unshallowed(tmp_path: Path) -> None:
    shas = _repository(tmp_path / "repo")
    _git(
        tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path / 'repo'}", "clone"
    )
    clone = tmp_path / "clone"
    assert _git(clone, "rev-parse", "--is-shallow-repository") == "true"
    reason = GitHistory(clone).completeness()
    assert reason is not None
    assert "\n" not in reason
    assert reason.startswith("history incomplete: shallow clone")
    assert f"cut at {shas[-1][:12]}" in reason
    assert "`git fetch --unshallow`" in reason
    assert "`fetch-depth: 0`" in reason
    assert "`GIT_DEPTH: 0`" in reason
    with pytest.raises(ProjectError) as raised:
        require_complete_history(GitHistory(clone))
    assert str(raised.value) == reason
    # what the message advises makes the history whole again
    _git(clone, "fetch", "-q", "--unshallow")
    assert GitHistory(clone).completeness() is None
    assert [c.sha for c in GitHistory(clone).commits()] == shas


def test_a_shallow_clone_would_otherwise_start_every_item_at_its_boundary(
    tmp_path: Path,
) -> None:
    """Why the check exists: git itself shows the boundary commit adding the file."""
    _repository(tmp_path / "repo")
    _git(
        tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path / 'repo'}", "clone"
    )
    commits = GitHistory(tmp_path / "clone").commits()
    assert [(c.subject, c.changed) for c in commits] == [
        ("change 4", (("A", "items.rst"),))
    ]


def test_a_partial_clone_says_so_in_one_line(tmp_path: Path) -> None:
    _repository(tmp_path / "repo")
    _git(
        tmp_path, "clone", "-q", "--filter=blob:none",
        f"file://{tmp_path / 'repo'}", "partial",
    )  # fmt: skip
    partial = tmp_path / "partial"
    assert _git(partial, "config", "remote.origin.partialclonefilter") == "blob:none"
    reason = GitHistory(partial).completeness()
    assert reason is not None
    assert "\n" not in reason
    assert reason.startswith("history incomplete: partial clone (")
    assert "remote.origin.partialclonefilter=blob:none" in reason
    assert "without `--filter`" in reason
    # a promisor setting switched off is no partial clone
    _git(partial, "config", "remote.origin.promisor", "false")
    _git(partial, "config", "--unset", "remote.origin.partialclonefilter")
    assert GitHistory(partial).completeness() is None


def test_a_tag_left_behind_by_a_rewrite_is_reported(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    shas = _repository(repository)
    _git(repository, "tag", "v0.9", shas[0])
    _git(repository, "tag", "-a", "-m", "release 1.0", "v1.0", shas[3])
    _git(repository, "tag", "other", shas[3])
    _git(repository, "reset", "-q", "--hard", "HEAD~2")
    _commit(repository, "change 5\n", T0 + 600)
    history = GitHistory(repository)
    assert history.tags_not_in_history("v*") == ["v1.0"]
    assert [b.name for b in history.baselines("v*")] == ["v0.9"]
    assert rewritten_tags(history, "v*") == [
        "release tag v1.0 is not an ancestor of HEAD: history rewritten?"
    ]
    assert history.tags_not_in_history("*") == ["other", "v1.0"]


def test_tags_of_other_branches_and_later_tags_are_not_rewrites(
    tmp_path: Path,
) -> None:
    repository = tmp_path / "repo"
    shas = _repository(repository)
    _git(repository, "tag", "v1.0", shas[1])
    _git(repository, "tag", "v2.0", shas[3])
    _git(repository, "switch", "-q", "-c", "maintenance", shas[1])
    _git(repository, "tag", "v1.0.1", _commit(repository, "fix\n", T0 + 900))
    # HEAD at the maintenance branch: v2.0 is on main, v1.0.1 here
    assert GitHistory(repository).tags_not_in_history("v*") == []
    # a detached HEAD at an older release: the later tags are on branches
    _git(repository, "switch", "-q", "--detach", "v1.0")
    assert GitHistory(repository).tags_not_in_history("v*") == []
    # once the maintenance branch is gone, its tag is held by no branch
    _git(repository, "branch", "-q", "-D", "maintenance")
    assert GitHistory(repository).tags_not_in_history("v*") == ["v1.0.1"]


def test_the_fake_history_answers_as_told() -> None:
    fake = FakeHistory({}, incomplete="history incomplete: test", lost_tags=["v1", "x"])
    with pytest.raises(ProjectError, match=r"^history incomplete: test$"):
        require_complete_history(fake)
    assert rewritten_tags(fake, "v*") == [
        "release tag v1 is not an ancestor of HEAD: history rewritten?"
    ]
    require_complete_history(FakeHistory({}))
    assert rewritten_tags(FakeHistory({}), "v*") == []
