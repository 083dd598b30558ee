"""Review exports from both hosts, read from committed files and mapped to the merge
commit of a real git repository: GitHub pull-request reviews (``pr-<N>.json``) and
GitLab merge-request approvals (``mr-<iid>.json``).

The fixtures are the documented example answers of the REST APIs, with only the
commit SHAs and times changed to those of the repository built here:

- GitHub: docs.github.com/en/rest/pulls/reviews, "List reviews for a pull request",
  example response (review 80 by ``octocat``, state ``APPROVED``, ``commit_id``).
- GitLab: docs.gitlab.com/ee/api/merge_request_approvals.html (doc/api/
  merge_request_approvals.md of gitlab-org/gitlab), "Merge request-level MR approvals,
  Get Configuration" (``GET .../merge_requests/:iid/approvals``: ``approved_by`` of
  ``{"user": {...}}``, the two users of the "Approve merge request" example), and "Get
  the approval state of merge requests" (``rules[].approved_by``). Newer GitLab
  versions add ``approved_at`` to each ``approved_by`` entry; the documented example
  has none, and such an approval cannot be shown to cover the merged head.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest

from qmsdoc.errors import InputError
from qmsdoc.history import item_histories
from qmsdoc.history.approvals import Signer, item_approvals, read_review_exports
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

GITHUB_REVIEW: dict[str, Any] = {
    "id": 80,
    "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
    "user": {
        "login": "octocat",
        "id": 1,
        "node_id": "MDQ6VXNlcjE=",
        "avatar_url": "https://github.com/images/error/octocat_happy.gif",
        "gravatar_id": "",
        "url": "https://api.github.com/users/octocat",
        "html_url": "https://github.com/octocat",
        "type": "User",
        "site_admin": False,
    },
    "body": "Here is the body for the review.",
    "state": "APPROVED",
    "html_url": "https://github.com/octocat/Hello-World/pull/12#pullrequestreview-80",
    "pull_request_url": "https://api.github.com/repos/octocat/Hello-World/pulls/12",
    "_links": {
        "html": {
            "href": "https://github.com/octocat/Hello-World/pull/12#pullrequestreview-80"
        },
        "pull_request": {
            "href": "https://api.github.com/repos/octocat/Hello-World/pulls/12"
        },
    },
    "submitted_at": "2019-11-17T17:43:43Z",
    "commit_id": "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
    "author_association": "COLLABORATOR",
}

GITLAB_APPROVALS: dict[str, Any] = {
    "id": 5,
    "iid": 5,
    "project_id": 1,
    "title": "Approvals API",
    "description": "Test",
    "state": "opened",
    "created_at": "2016-06-08T00:19:52.638Z",
    "updated_at": "2016-06-09T21:32:14.105Z",
    "merge_status": "can_be_merged",
    "approvals_required": 2,
    "approvals_left": 0,
    "approved_by": [
        {
            "user": {
                "name": "Administrator",
                "username": "root",
                "id": 1,
                "state": "active",
                "avatar_url": "http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon",
                "web_url": "http://localhost:3000/root",
            }
        },
        {
            "user": {
                "name": "Nico Cartwright",
                "username": "ryley",
                "id": 2,
                "state": "active",
                "avatar_url": "http://www.gravatar.com/avatar/cf7ad14b34162a76d593e3affca2adca?s=80&d=identicon",
                "web_url": "http://localhost:3000/ryley",
            }
        },
    ],
}

GITLAB_APPROVAL_STATE: dict[str, Any] = {
    "approval_rules_overwritten": True,
    "rules": [
        {
            "id": 1,
            "name": "Ruby",
            "rule_type": "regular",
            "eligible_approvers": [
                {"id": 4, "name": "John Doe", "username": "jdoe", "state": "active",
                 "avatar_url": "https://www.gravatar.com/avatar/0?s=80&d=identicon",
                 "web_url": "http://localhost/jdoe"}
            ],
            "approvals_required": 2,
            "users": [
                {"id": 4, "name": "John Doe", "username": "jdoe", "state": "active",
                 "avatar_url": "https://www.gravatar.com/avatar/0?s=80&d=identicon",
                 "web_url": "http://localhost/jdoe"}
            ],
            "groups": [],
            "contains_hidden_groups": False,
            "approved_by": [
                {"id": 4, "name": "John Doe", "username": "jdoe", "state": "active",
                 "avatar_url": "https://www.gravatar.com/avatar/0?s=80&d=identicon",
                 "web_url": "http://localhost/jdoe"}
            ],
            "source_rule": None,
            "approved": True,
            "overridden": False,
        }
    ],
}  # fmt: skip

SIGNERS = {
    login: Signer(login=login, name=name, roles=("Reviewer",))
    for login, name in [
        ("octocat", "Octo Cat"),
        ("hubot", "Hu Bot"),
        ("root", "Administrator"),
        ("ryley", "Nico Cartwright"),
        ("jdoe", "John Doe"),
    ]
}

T0 = 1_700_000_000  # 2023-11-14T22:13:20Z


def _git(root: Path, *args: str, who: str = "Alice Author", when: int = T0) -> str:
    return git_as(root, *args, author=who, when=when)


def _repository(tmp_path: Path, message: str) -> tuple[Path, str, str]:
    """REQ-001 added on main, changed twice on a branch (first at T0+100, head at
    T0+150), merged at T0+200 with ``message``; returns the root, first and head."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    (root / "items.rst").write_text(REQ_1, encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Add REQ-001")
    _git(root, "checkout", "-q", "-b", "feature")
    (root / "items.rst").write_text(
        REQ_1.replace("shall flag", "shall mark"), encoding="utf-8"
    )
    _git(root, "commit", "-q", "-am", "Reword", who="Bob Builder", when=T0 + 100)
    first = _git(root, "rev-parse", "HEAD")
    (root / "items.rst").write_text(
        REQ_1.replace("shall flag", "shall mark and flag"), encoding="utf-8"
    )
    _git(root, "commit", "-q", "-am", "Reword again", who="Bob Builder", when=T0 + 150)
    head = _git(root, "rev-parse", "HEAD")
    _git(root, "checkout", "-q", "main")
    _git(
        root, "merge", "-q", "--no-ff", "feature", "-m", message,
        who="Erin Merger", when=T0 + 200,
    )  # fmt: skip
    return root, first, head


def _manifest(root: Path, folder: Path) -> list[tuple[str, str, bool, str]]:
    changes = item_histories(
        GitHistory(root), directives=default_profile().directives,
        is_source=lambda _: True,
    )["REQ-001"]  # fmt: skip
    manifest = item_approvals(
        changes, reviews=read_review_exports(folder), signers=SIGNERS
    )
    assert manifest[0].meaning == "authorship"
    return [(a.login, a.meaning, a.covers_last_change, a.note) for a in manifest[1:]]


def _write(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def test_github_reviews_of_the_merged_head_cover_and_of_an_earlier_head_do_not(
    tmp_path: Path,
) -> None:
    root, first, head = _repository(tmp_path, "Merge pull request #12 from team/x")
    current = copy.deepcopy(GITHUB_REVIEW) | {"commit_id": head}
    earlier = copy.deepcopy(GITHUB_REVIEW) | {"id": 81, "commit_id": first}
    earlier["user"]["login"] = "hubot"
    _write(root / "reviews" / "pr-12.json", [earlier, current])
    # an export for another pull request is not mapped to this merge
    _write(root / "reviews" / "pr-13.json", [GITHUB_REVIEW])

    rows = _manifest(root, root / "reviews")
    assert rows == [
        (
            "hubot", "approval", False,
            f"approved head {first[:12]}, an earlier revision than the merged head {head[:12]}",
        ),
        ("octocat", "approval", True, "pull request review"),
    ]  # fmt: skip


def test_gitlab_approvals_map_to_the_merge_commit_and_a_superseded_one_does_not_cover(
    tmp_path: Path,
) -> None:
    root, _, head = _repository(
        tmp_path,
        "Merge branch 'feature' into 'main'\n\nReword\n\nSee merge request team/device!5",
    )
    export = copy.deepcopy(GITLAB_APPROVALS)
    # root approved after the first commit but before the merged head was committed
    # (T0+150 = 22:15:50Z); ryley approved after it
    export["approved_by"][0]["approved_at"] = "2023-11-14T22:15:10.000Z"
    export["approved_by"][1]["approved_at"] = "2023-11-14T22:16:00.000Z"
    _write(root / "reviews" / "mr-5.json", export)
    # a GitHub export with the same number is not a GitLab approval of !5
    _write(root / "reviews" / "pr-5.json", [GITHUB_REVIEW | {"commit_id": head}])

    rows = _manifest(root, root / "reviews")
    assert rows == [
        (
            "root", "approval", False,
            f"approved before the merged head {head[:12]} was committed (an earlier revision)",
        ),
        ("ryley", "approval", True, "merge request approval"),
    ]  # fmt: skip


def test_gitlab_approvals_without_a_time_are_listed_but_do_not_cover(
    tmp_path: Path,
) -> None:
    root, _, _ = _repository(
        tmp_path,
        "Merge branch 'feature' into 'main'\n\nSee merge request team/device!5",
    )
    _write(root / "reviews" / "mr-5.json", GITLAB_APPROVALS)
    rows = _manifest(root, root / "reviews")
    note = (
        "the GitLab export gives no approval time; it cannot be shown to cover the"
        " merged head"
    )
    assert rows == [
        ("root", "approval", False, note),
        ("ryley", "approval", False, note),
    ]


def test_the_gitlab_approval_state_answer_is_read(tmp_path: Path) -> None:
    root, _, _ = _repository(
        tmp_path,
        "Merge branch 'feature' into 'main'\n\nSee merge request team/device!7",
    )
    state = copy.deepcopy(GITLAB_APPROVAL_STATE)
    state["rules"][0]["approved_by"][0]["approved_at"] = "2023-11-14T22:20:00Z"
    _write(root / "reviews" / "mr-7.json", state)
    rows = _manifest(root, root / "reviews")
    assert rows == [("jdoe", "approval", True, "merge request approval")]


def test_malformed_json_is_one_line_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "reviews" / "mr-5.json"
    path.parent.mkdir()
    path.write_text('{\n  "approved_by": [\n    {"user": }\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_review_exports(path.parent)
    assert str(raised.value).startswith(f"{path}:3:14: not valid JSON")
    assert "\n" not in str(raised.value)


def test_a_review_without_a_login_is_named_by_its_line(tmp_path: Path) -> None:
    missing = copy.deepcopy(GITHUB_REVIEW)
    del missing["user"]["login"]
    _write(tmp_path / "reviews" / "pr-12.json", [GITHUB_REVIEW, missing])
    text = (tmp_path / "reviews" / "pr-12.json").read_text(encoding="utf-8")
    second = text.splitlines().index("  {", 2) + 1  # where the second review opens
    with pytest.raises(InputError) as raised:
        read_review_exports(tmp_path / "reviews")
    assert str(raised.value) == (
        f"{tmp_path / 'reviews' / 'pr-12.json'}:{second}: user.login must be a non-empty string"
    )


def test_a_gitlab_approver_without_a_username_is_named_by_its_line(
    tmp_path: Path,
) -> None:
    export = copy.deepcopy(GITLAB_APPROVALS)
    del export["approved_by"][1]["user"]["username"]
    path = tmp_path / "reviews" / "mr-5.json"
    _write(path, export)
    lines = path.read_text(encoding="utf-8").splitlines()
    # the approved_by entries open at indent 4; the second one lacks the username
    entry = [number for number, line in enumerate(lines, 1) if line == "    {"][1]
    with pytest.raises(InputError) as raised:
        read_review_exports(path.parent)
    assert str(raised.value) == f"{path}:{entry}: username must be a non-empty string"


@pytest.mark.parametrize(
    ("name", "document", "problem"),
    [
        ("pr-1.json", {"reviews": []}, ":1: not a GitHub review list (expected a JSON array)"),
        ("mr-1.json", [], ":1: not a GitLab approvals answer (expected a JSON object)"),
        ("mr-1.json", {"iid": 5, "approved_by": []}, ":2: iid 5 is not the file's merge request 1"),
        ("mr-1.json", {"state": "merged"}, ":1: not a GitLab approvals answer (no approved_by or rules)"),
    ],
)  # fmt: skip
def test_an_export_in_another_shape_is_refused(
    tmp_path: Path, name: str, document: Any, problem: str
) -> None:
    _write(tmp_path / name, document)
    with pytest.raises(InputError) as raised:
        read_review_exports(tmp_path)
    assert str(raised.value) == f"{tmp_path / name}{problem}"
