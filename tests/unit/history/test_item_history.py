"""Per-item history from a recorded history: added, changed, moved, removed, PRs."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from qmsdoc.history import ItemChange, item_histories
from qmsdoc.vcs import CommitRecord, FakeHistory, GitHistory, PullRequest

from .._rst import default_profile, rst

if TYPE_CHECKING:
    from pathlib import Path

REQ_1 = rst("""\
    .. requirement:: Flag results outside the range
       :id: REQ-001
       :status: approved
       :kind: functional
       :level: software

       The software shall flag a result outside the range.
    """)

REQ_2 = rst("""\
    .. requirement:: Show the reference range
       :id: REQ-002
       :status: approved
       :kind: functional
       :level: software

       The software shall show the range next to each result.
    """)

#: REQ-001 with other text
REQ_1_REWORDED = REQ_1.replace("shall flag", "shall highlight")
#: REQ-001 with only another status
REQ_1_IN_REVIEW = REQ_1.replace(":status: approved", ":status: in_review")


def _commit(
    sha: str,
    *changed: tuple[str, str],
    author: str = "Alice Author",
    subject: str = "",
) -> CommitRecord:
    return CommitRecord(
        sha=sha,
        author=author,
        email=f"{author.split(maxsplit=1)[0].lower()}@example.com",
        date="2024-01-01T10:00:00+00:00",
        subject=subject or f"commit {sha}",
        body="",
        changed=tuple(changed),
    )


def _is_source(path: str) -> bool:
    return path.endswith(".rst") and not path.startswith("_build/")


def _histories(history: FakeHistory) -> dict[str, list[ItemChange]]:
    return item_histories(
        history, directives=default_profile().directives, is_source=_is_source
    )


def _summary(changes: list[ItemChange]) -> list[tuple[str, str, str]]:
    return [(change.kind, change.commit.sha, change.path) for change in changes]


def test_added_changed_moved_and_removed_in_order() -> None:
    commits = [
        _commit("c1", ("A", "a.rst")),
        _commit("c2", ("M", "a.rst"), author="Bob Builder"),
        _commit("c3", ("M", "a.rst"), ("A", "b.rst")),
        _commit("c4", ("D", "b.rst")),
    ]
    files = {
        "c1": {"a.rst": REQ_1 + "\n" + REQ_2},
        "c2": {"a.rst": REQ_1_REWORDED + "\n" + REQ_2},
        "c3": {"a.rst": REQ_1_REWORDED, "b.rst": REQ_2},
        "c4": {"a.rst": REQ_1_REWORDED},
    }
    histories = _histories(FakeHistory(files, commits=commits))
    assert set(histories) == {"REQ-001", "REQ-002"}
    assert _summary(histories["REQ-001"]) == [
        ("added", "c1", "a.rst"),
        ("changed", "c2", "a.rst"),
    ]
    assert _summary(histories["REQ-002"]) == [
        ("added", "c1", "a.rst"),
        ("moved", "c3", "b.rst"),
        ("removed", "c4", "b.rst"),
    ]
    changed = histories["REQ-001"][1]
    assert changed.item_id == "REQ-001"
    assert changed.commit.author == "Bob Builder"
    assert changed.commit is commits[1]
    assert changed.pull_request is None


def test_a_status_change_is_part_of_the_history() -> None:
    commits = [_commit("c1", ("A", "a.rst")), _commit("c2", ("M", "a.rst"))]
    files = {"c1": {"a.rst": REQ_1}, "c2": {"a.rst": REQ_1_IN_REVIEW}}
    histories = _histories(FakeHistory(files, commits=commits))
    assert [change.kind for change in histories["REQ-001"]] == ["added", "changed"]


def test_a_commit_that_leaves_the_item_alone_is_not_in_its_history() -> None:
    commits = [
        _commit("c1", ("A", "a.rst")),
        _commit("c2", ("M", "a.rst")),
        _commit("c3", ("A", "b.rst")),
    ]
    files = {
        "c1": {"a.rst": REQ_1},
        # REQ-001 only moves down the file, wrapped differently: same content
        "c2": {"a.rst": "Items\n=====\n\n" + REQ_1},
        "c3": {"a.rst": "Items\n=====\n\n" + REQ_1, "b.rst": REQ_2},
    }
    histories = _histories(FakeHistory(files, commits=commits))
    assert _summary(histories["REQ-001"]) == [("added", "c1", "a.rst")]
    assert _summary(histories["REQ-002"]) == [("added", "c3", "b.rst")]


def test_renaming_the_whole_file_moves_every_item() -> None:
    commits = [
        _commit("c1", ("A", "a.rst")),
        _commit("c2", ("D", "a.rst"), ("A", "z.rst")),
    ]
    both = REQ_1 + "\n" + REQ_2
    files = {"c1": {"a.rst": both}, "c2": {"z.rst": both}}
    histories = _histories(FakeHistory(files, commits=commits))
    for item_id in ("REQ-001", "REQ-002"):
        assert _summary(histories[item_id]) == [
            ("added", "c1", "a.rst"),
            ("moved", "c2", "z.rst"),
        ]


def test_files_that_are_not_sources_are_ignored() -> None:
    commits = [
        _commit("c1", ("A", "_build/a.rst"), ("A", "notes.txt")),
        _commit("c2", ("A", "a.rst")),
    ]
    files = {
        "c1": {"_build/a.rst": REQ_1, "notes.txt": REQ_2},
        "c2": {"_build/a.rst": REQ_1, "notes.txt": REQ_2, "a.rst": REQ_1},
    }
    histories = _histories(FakeHistory(files, commits=commits))
    assert set(histories) == {"REQ-001"}
    assert _summary(histories["REQ-001"]) == [("added", "c2", "a.rst")]


def test_an_empty_history_has_no_changes() -> None:
    assert _histories(FakeHistory({})) == {}


def test_changes_are_attributed_to_the_pull_request_that_brought_them_in() -> None:
    commits = [
        _commit("c1", ("A", "a.rst")),
        _commit("c2", ("M", "a.rst"), author="Bob Builder", subject="Reword REQ-001"),
    ]
    files = {"c1": {"a.rst": REQ_1}, "c2": {"a.rst": REQ_1_REWORDED}}
    request = PullRequest(
        number=7,
        merge_commit="m1",
        merged_at="2024-01-05T12:00:00+00:00",
        trailers=(("Approved-by", "carol"), ("Reviewed-by", "dave")),
        commits=("c2",),
    )
    histories = _histories(FakeHistory(files, commits=commits, pull_requests=[request]))
    added, changed = histories["REQ-001"]
    assert added.pull_request is None
    assert changed.pull_request == request
    assert changed.pull_request.trailers == (
        ("Approved-by", "carol"),
        ("Reviewed-by", "dave"),
    )
    assert changed.commit.subject == "Reword REQ-001"


def test_a_squash_commit_is_its_own_pull_request() -> None:
    commits = [_commit("s1", ("A", "a.rst"), subject="Add REQ-001 (#12)")]
    request = PullRequest(
        number=12, merge_commit="s1", merged_at="2024-01-05T12:00:00+00:00",
        trailers=(), commits=("s1",),
    )  # fmt: skip
    histories = _histories(
        FakeHistory({"s1": {"a.rst": REQ_1}}, commits=commits, pull_requests=[request])
    )
    (added,) = histories["REQ-001"]
    assert added.kind == "added"
    assert added.pull_request is not None
    assert added.pull_request.number == 12


# -- GitHistory.pull_requests on a real repository ---------------------------------


def _git(repository: Path, *args: str, when: int = 1_700_000_000) -> str:
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


def test_a_merged_pull_request_from_git(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    _git(repository, "init", "-q")
    _git(repository, "config", "user.name", "Alice Author")
    _git(repository, "config", "user.email", "alice@example.com")
    _git(repository, "config", "commit.gpgsign", "false")
    (repository / "items.rst").write_text(REQ_1, encoding="utf-8")
    _git(repository, "add", "-A")
    _git(repository, "commit", "-q", "-m", "Add REQ-001")
    base = _git(repository, "rev-parse", "HEAD")
    main = _git(repository, "rev-parse", "--abbrev-ref", "HEAD")
    _git(repository, "checkout", "-q", "-b", "feature")
    (repository / "items.rst").write_text(REQ_1_REWORDED, encoding="utf-8")
    _git(repository, "commit", "-q", "-am", "Reword REQ-001", when=1_700_000_100)
    (repository / "notes.txt").write_text("notes\n", encoding="utf-8")
    _git(repository, "add", "-A")
    _git(repository, "commit", "-q", "-m", "Add notes", when=1_700_000_200)
    branch = _git(repository, "rev-list", f"{base}..HEAD").split()
    assert len(branch) == 2
    _git(repository, "checkout", "-q", main)
    _git(
        repository, "merge", "-q", "--no-ff", "feature",
        "-m", "Merge pull request #7 from x/y",
        "-m", "Approved-by: carol\nReviewed-by: dave",
        when=1_700_000_300,
    )  # fmt: skip
    merge = _git(repository, "rev-parse", "HEAD")

    history = GitHistory(repository)
    (request,) = history.pull_requests()
    assert request.number == 7
    assert request.merge_commit == merge
    assert request.merged_at == "2023-11-14T22:18:20+00:00"
    assert request.trailers == (("Approved-by", "carol"), ("Reviewed-by", "dave"))
    assert sorted(request.commits) == sorted(branch)

    histories = item_histories(
        history, directives=default_profile().directives, is_source=_is_source
    )
    added, changed = histories["REQ-001"]
    assert (added.kind, added.commit.sha, added.pull_request) == ("added", base, None)
    assert changed.kind == "changed"
    assert changed.commit.subject == "Reword REQ-001"
    assert changed.commit.author == "Alice Author"
    assert changed.pull_request == request


def test_a_squash_merge_subject_names_the_pull_request(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    _git(repository, "init", "-q")
    _git(repository, "config", "user.name", "Alice Author")
    _git(repository, "config", "user.email", "alice@example.com")
    _git(repository, "config", "commit.gpgsign", "false")
    (repository / "items.rst").write_text(REQ_1, encoding="utf-8")
    _git(repository, "add", "-A")
    _git(
        repository, "commit", "-q", "-m", "Add REQ-001 (#12)", "-m", "Approved-by: erin"
    )
    squash = _git(repository, "rev-parse", "HEAD")
    (request,) = GitHistory(repository).pull_requests()
    assert (request.number, request.merge_commit, request.commits) == (
        12,
        squash,
        (squash,),
    )
    assert request.trailers == (("Approved-by", "erin"),)
