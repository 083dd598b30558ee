"""Approval trailers read by git from real merge commits: only the trailer block
counts, folded values are unfolded, and an unregistered signer is no approval."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

from qmsdoc.history import item_histories
from qmsdoc.history.approvals import Signer, item_approvals
from qmsdoc.vcs import GitHistory
from qmstest import git_as

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

SIGNERS = {
    "carol@example.com": Signer(
        login="carol@example.com", name="Carol Checker", roles=("Quality manager",)
    ),
    "dave": Signer(
        login="dave", name="Dave Developer", roles=("Independent reviewer",)
    ),
}

#: A merge message whose body has a trailer-looking line that is not in the trailer
#: block; the trailer block (the last paragraph) has a registered signer, a folded
#: value and an unregistered signer, keys in mixed case.
MESSAGE = """\
Merge pull request #3 from team/flag-rule

Clarify the flag rule.
Approved-by: mallory <m@example.com>
The line above is part of the body, not a trailer.

Approved-by: Carol Checker <carol@example.com>
reviewed-by: Dave
  Developer <dave@example.com>
Approved-by: Trent Unknown <trent@example.com>
"""


def _git(
    root: Path, *args: str, who: str = "Alice Author", when: int = 1_700_000_000
) -> str:
    return git_as(root, *args, author=who, when=when)


def _merged_repository(tmp_path: Path, message: str) -> Path:
    """Alice adds REQ-001; Bob rewords it on a branch; Erin merges with ``message``."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    (root / "items.rst").write_text(REQ_1, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Add REQ-001")
    _git(root, "checkout", "-q", "-b", "feature")
    (root / "items.rst").write_text(
        REQ_1.replace("shall flag", "shall mark and flag"), encoding="utf-8"
    )
    _git(
        root,
        "commit",
        "-q",
        "-am",
        "Reword REQ-001",
        who="Bob Builder",
        when=1_700_000_100,
    )
    _git(root, "checkout", "-q", "main")
    _git(
        root, "merge", "-q", "--no-ff", "feature", "-m", message,
        who="Erin Merger", when=1_700_000_200,
    )  # fmt: skip
    return root


def test_only_the_trailer_block_counts_and_folded_values_are_unfolded(
    tmp_path: Path,
) -> None:
    root = _merged_repository(tmp_path, MESSAGE)
    # git's own parser agrees on what the trailer block holds
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=MESSAGE, cwd=root,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "mallory" not in parsed

    (request,) = GitHistory(root).pull_requests()
    assert request.number == 3
    assert request.merge_commit == _git(root, "rev-parse", "HEAD")
    assert request.head == _git(root, "rev-parse", "HEAD^2")
    assert request.head_time == "2023-11-14T22:15:00+00:00"
    assert request.merge_request is False
    assert request.trailers == (
        ("Approved-by", "Carol Checker <carol@example.com>"),
        ("Reviewed-by", "Dave Developer <dave@example.com>"),
        ("Approved-by", "Trent Unknown <trent@example.com>"),
    )


def test_a_body_line_gives_no_approval_and_an_unknown_signer_no_printed_name(
    tmp_path: Path,
) -> None:
    root = _merged_repository(tmp_path, MESSAGE)
    history = GitHistory(root)
    changes = item_histories(
        history, directives=default_profile().directives, is_source=lambda _: True
    )["REQ-001"]
    manifest = item_approvals(changes, reviews={}, signers=SIGNERS)
    signed = [(a.meaning, a.login, a.name, a.covers_last_change) for a in manifest[1:]]
    assert signed == [
        ("approval", "carol@example.com", "Carol Checker", True),
        # looked up by the whole value or the email only: the login "dave" does not
        # match a trailer value that names a person "Dave"
        ("review", "Dave Developer <dave@example.com>", None, True),
        ("approval", "Trent Unknown <trent@example.com>", None, True),
    ]
    assert all("mallory" not in a.login for a in manifest)
    assert {a.signed for a in manifest[1:]} == {_git(root, "rev-parse", "HEAD")}


def test_the_same_line_in_the_trailer_block_is_an_approval(tmp_path: Path) -> None:
    message = (
        "Merge pull request #4 from team/x\n\nApproved-by: mallory <m@example.com>\n"
    )
    root = _merged_repository(tmp_path, message)
    (request,) = GitHistory(root).pull_requests()
    assert request.trailers == (("Approved-by", "mallory <m@example.com>"),)


def test_a_gitlab_merge_commit_names_its_merge_request(tmp_path: Path) -> None:
    # GitLab's default merge commit message: subject, MR title, "See merge request"
    message = (
        "Merge branch 'feature' into 'main'\n\nReword REQ-001\n\n"
        "See merge request team/device!5\n"
    )
    root = _merged_repository(tmp_path, message)
    (request,) = GitHistory(root).pull_requests()
    assert (request.number, request.merge_request) == (5, True)
    assert request.head == _git(root, "rev-parse", "HEAD^2")
    assert request.commits == (request.head,)
    # "See merge request" is not a trailer key: no trailers
    assert request.trailers == ()
