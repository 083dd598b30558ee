"""A document's history from a real git repository: changes, revision, effective
date, authors and approvers (a local merge whose trailer block approves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.documents import read_documents
from qmsdoc.documents.history import (
    DocumentHistory,
    HistoryInput,
    document_history,
    history_input,
)
from qmsdoc.project import load_project
from qmsdoc.vcs import FakeHistory, GitHistory

from ._repository import device_file, git, history_repository

if TYPE_CHECKING:
    from pathlib import Path


def _history(root: Path, docname: str) -> DocumentHistory:
    project = load_project(root)
    declaration = next(
        d for d in read_documents(project).declarations if d.docname == docname
    )
    text = (root / declaration.path).read_text(encoding="utf-8")
    return document_history(
        declaration,
        source=history_input(project),
        history=GitHistory(root),
        current=text,
    )


def test_changes_revision_authors_and_the_trailer_approval(tmp_path: Path) -> None:
    root = history_repository(tmp_path / "repo")
    report = _history(root, "report")
    assert report.state == "recorded"
    assert [(c.time, c.author, c.commit.subject) for c in report.changes] == [
        ("2023-11-14 22:13 UTC", "Alice Author (design owner)", "Plan and first report"),
        ("2023-11-14 22:15 UTC", "Alice Author (design owner)", "Report: overall residual risk"),
        ("2023-11-14 22:16 UTC", "Bob Builder", "Report: benefit-risk"),
    ]  # fmt: skip
    merge = report.changes[-1]
    assert merge.reference.startswith("merge ")
    assert merge.approved
    # the body line "Approved-by: mallory" is no signature
    assert {(s.name, s.meaning) for s in merge.signatures} == {
        ("Carol Checker", "review"),
        ("Carol Checker", "approval"),
    }
    assert report.revision == "Rev. 1"
    assert report.first_author == "Alice Author (design owner)"
    assert report.last_author == "Bob Builder"
    assert [(a.name, a.meaning, a.covers_content) for a in report.approvers] == [
        ("Carol Checker", "review", True),
        ("Carol Checker", "approval", True),
    ]
    assert report.effective is None
    assert report.effective_note == "not effective: this build is not of a release tag"


def test_a_page_changed_without_approval_is_rev_0_with_the_change_stated(
    tmp_path: Path,
) -> None:
    root = history_repository(tmp_path / "repo")
    plan = _history(root, "plan")
    assert plan.revision == "Rev. 0, 1 later change not approved"
    assert plan.approvers == ()


def test_a_baseline_approval_approves_pages_its_branch_did_not_change(
    tmp_path: Path,
) -> None:
    root = history_repository(tmp_path / "repo")
    git(root, "checkout", "-q", "-b", "review/baseline", when=600)
    (root / "review.txt").write_text("baseline reviewed\n", encoding="utf-8")
    git(root, "add", "review.txt", when=600)
    git(root, "commit", "-q", "-m", "Baseline review", when=600)
    git(root, "checkout", "-q", "main", when=610)
    git(
        root, "merge", "-q", "--no-ff", "review/baseline", "-m",
        "Merge branch 'review/baseline'\n\nApproved-by: Carol Checker "
        "<carol@example.com>\nApproval-scope: baseline",
        who="Carol Checker", when=610,
    )  # fmt: skip
    plan = _history(root, "plan")
    assert plan.revision == "Rev. 1"
    assert [(a.name, a.meaning, a.covers_content) for a in plan.approvers] == [
        ("Carol Checker", "approval", True)
    ]
    assert plan.changes[-1].approved
    assert plan.changes[-1].signatures[-1].note.startswith("baseline approval")


def test_a_release_tag_at_head_gives_the_effective_date(tmp_path: Path) -> None:
    root = history_repository(tmp_path / "repo")
    git(root, "tag", "-a", "v1.0.0", "-m", "Release 1.0.0", when=400)
    report = _history(root, "report")
    assert report.revision == "Rev. 1, release v1.0.0"
    assert report.effective == "2023-11-14"
    assert report.effective_note == "release v1.0.0"


def test_a_change_after_the_approval_does_not_keep_the_signature_current(
    tmp_path: Path,
) -> None:
    root = history_repository(tmp_path / "repo")
    report_file = root / "report.rst"
    report_file.write_text(report_file.read_text() + "\nEdited.\n")
    report = _history(root, "report")
    assert "working tree modified" in report.revision
    assert [a.covers_content for a in report.approvers] == [False, False]
    git(root, "commit", "-q", "-am", "Unreviewed edit", when=500)
    report = _history(root, "report")
    assert report.revision == "Rev. 1, 1 later change not approved"
    assert report.approvers == ()


def test_no_git_and_an_incomplete_history_say_so(tmp_path: Path) -> None:
    root = device_file(tmp_path / "plain")
    assert _history(root, "report").state == "untracked"
    assert "not under version control" in _history(root, "report").note
    declaration = read_documents(load_project(root)).declarations[0]
    incomplete = document_history(
        declaration,
        source=HistoryInput(head="abc", incomplete="history incomplete: shallow"),
        history=FakeHistory({}),
    )
    assert (incomplete.state, incomplete.note) == (
        "incomplete",
        "history incomplete: shallow",
    )
    assert incomplete.changes == ()
