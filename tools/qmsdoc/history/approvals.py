"""Approvals as signature manifestations (21 CFR Part 11, 11.50 and 11.70).

An approval comes from a pull request (GitHub) or merge request (GitLab) that changed
the item: an ``Approved-by:`` or ``Reviewed-by:`` trailer of its merge commit (read by
git from the message's trailer block only, see :meth:`GitHistory.pull_requests`), or a
review exported from the hosting service and committed under the reviews folder. The
engine never fetches anything over the network; the exports are made once per pull or
merge request and committed:

GitHub, the REST answer "list reviews for a pull request", as ``pr-<number>.json``::

    gh api "repos/{owner}/{repo}/pulls/7/reviews?per_page=100" \
        > traceability/reviews/pr-7.json

GitLab, the REST answer "get configuration" of merge request approvals
(``GET /projects/:id/merge_requests/:merge_request_iid/approvals``) as
``mr-<iid>.json`` (the ``approval_state`` answer is read too)::

    glab api projects/:id/merge_requests/7/approvals > traceability/reviews/mr-7.json

Logins map to the signer's printed name and role through a committed registry; a
trailer value ``Name <email>`` is looked up by the whole value, then by the email. A
signer not in the registry keeps the approval in the manifest without a printed name
(the ``approval_signer_unknown`` check reports it); it is never silently an approval.

An approval covers the item only if it was given for the item's last change, and for
the content that was merged:

- a GitHub review names the commit it was given for (``commit_id``); a review of an
  earlier head commit than the one merged does not cover the merged content, nor
  does a review that names no commit;
- GitLab's approvals answer names no commit per approval. An approval covers the
  merged head only if its entry carries an ``approved_at`` time not earlier than the
  committer date of that head (the second parent of the merge commit): an approval
  given before the merged head existed was given for an older head. An entry without
  ``approved_at`` (older GitLab versions) is listed as an approval that cannot be shown
  to cover the merged content; record the approval as a merge commit trailer instead.

A malformed export stops the run with one line ``file:line: problem``.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from qmsdoc.errors import InputError
from qmsdoc.json_input import load_json

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from qmsdoc.history.items import ItemChange
    from qmsdoc.vcs.base import PullRequest

__all__ = [
    "Approval",
    "Meaning",
    "ReviewRecord",
    "Signer",
    "item_approvals",
    "read_review_exports",
    "read_signers",
]

Meaning = Literal["authorship", "review", "approval"]
_MEANINGS: dict[str, Meaning] = {"Approved-by": "approval", "Reviewed-by": "review"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Signer:
    """A person who may sign: login, printed name and role."""

    login: str
    name: str
    role: str


Host = Literal["github", "gitlab"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewRecord:
    """One review of a pull request (GitHub) or approval of a merge request (GitLab),
    as exported from the hosting service."""

    login: str
    state: str
    """GitHub's review state (APPROVED, COMMENTED, ...); APPROVED for GitLab."""
    submitted_at: str
    """When it was given, ISO 8601; empty when the export does not say (GitLab)."""
    commit: str | None
    """The commit it was given for (GitHub ``commit_id``); None when not recorded."""
    host: Host = "github"


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval:
    """A signature manifestation: who, when (UTC), what it means, and what was signed."""

    login: str
    name: str | None
    """Printed name from the registry; None when the login is not registered."""
    role: str | None
    meaning: Meaning
    time: str
    signed: str
    """The commit whose content was signed."""
    pull_request: int | None
    covers_last_change: bool
    note: str


def read_signers(path: Path) -> dict[str, Signer]:
    """The signer registry (``[signers.<login>] name = ..., role = ...``).

    :raises InputError: If the file is missing, not TOML, or an entry lacks a field.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: signer registry not found") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: not a valid signer registry: {error}") from None
    signers = {}
    table = data.get("signers", {})
    if not isinstance(table, dict):
        raise InputError(f"{path}: [signers] must be a table")
    for login, entry in table.items():
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("name", "role")
        ):
            raise InputError(f"{path}: [signers.{login}] needs name and role strings")
        signers[login] = Signer(login=login, name=entry["name"], role=entry["role"])
    return signers


def read_review_exports(folder: Path) -> dict[int, list[ReviewRecord]]:
    """Exported reviews by pull or merge request number: GitHub ``pr-<number>.json``
    and GitLab ``mr-<iid>.json``; each record says its host, so a pull request is
    matched only with its own host's export.

    :raises InputError: If a file is not valid JSON or not in the shape of the
        host's REST answer (``file:line: problem``).
    """
    exports: dict[int, list[ReviewRecord]] = {}
    if not folder.is_dir():
        return exports
    for path in sorted(folder.iterdir()):
        match = re.fullmatch(r"(pr|mr)-(\d+)\.json", path.name)
        if match is None:
            continue
        number = int(match.group(2))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(
                f"{path}: cannot read the review export: {error}"
            ) from None
        document = load_json(text, path)
        try:
            if match.group(1) == "pr":
                records = _github_reviews(document)
            else:
                records = _gitlab_approvals(document, number)
        except _ShapeError as error:
            line = _line_of(text, error.where)
            raise InputError(f"{path}:{line}: {error.problem}") from None
        exports.setdefault(number, []).extend(records)
    return exports


class _ShapeError(Exception):
    """A value of an export in the wrong shape, and where (keys and indexes)."""

    def __init__(self, where: tuple[str | int, ...], problem: str) -> None:
        super().__init__(problem)
        self.where = where
        self.problem = problem


def _github_reviews(document: Any) -> list[ReviewRecord]:
    """Records from the answer of GitHub's "list reviews for a pull request"."""
    if not isinstance(document, list):
        raise _ShapeError((), "not a GitHub review list (expected a JSON array)")
    records = []
    for index, entry in enumerate(document):
        where = (index,)
        login = _text(entry, where, "user", "login")
        state = _text(entry, where, "state")
        submitted = _optional_text(entry, where, "submitted_at")
        if submitted is None and state != "PENDING":
            raise _ShapeError(where, f"review {index + 1} has no submitted_at")
        commit = _optional_text(entry, where, "commit_id")
        records.append(
            ReviewRecord(
                login=login, state=state, submitted_at=submitted or "", commit=commit
            )
        )
    return records


def _gitlab_approvals(document: Any, number: int) -> list[ReviewRecord]:
    """Records from GitLab's merge request ``approvals`` answer (``approved_by``: a
    list of ``{"user": {...}}``) or ``approval_state`` answer (``rules``, each with
    ``approved_by``: a list of users); one record per approver."""
    if not isinstance(document, dict):
        raise _ShapeError((), "not a GitLab approvals answer (expected a JSON object)")
    iid = document.get("iid")
    if iid is not None and iid != number:
        raise _ShapeError(
            ("iid",), f"iid {iid!r} is not the file's merge request {number}"
        )
    approvers: list[tuple[tuple[str | int, ...], Any]] = []
    if "approved_by" in document:
        for index, entry in enumerate(_list(document, (), "approved_by")):
            where: tuple[str | int, ...] = ("approved_by", index)
            if not isinstance(entry, dict) or not isinstance(entry.get("user"), dict):
                raise _ShapeError(where, "approved_by entry without a user object")
            approvers.append((where, {**entry["user"], **entry}))
    elif "rules" in document:
        for rule_index, rule in enumerate(_list(document, (), "rules")):
            for index, user in enumerate(
                _list(rule, ("rules", rule_index), "approved_by")
            ):
                approvers.append((("rules", rule_index, "approved_by", index), user))
    else:
        raise _ShapeError((), "not a GitLab approvals answer (no approved_by or rules)")
    records: dict[str, ReviewRecord] = {}
    for where, approver in approvers:
        login = _text(approver, where, "username")
        approved_at = _optional_text(approver, where, "approved_at") or ""
        if approved_at and _instant(approved_at) is None:
            raise _ShapeError(
                where, f"approved_at {approved_at!r} is not an ISO 8601 time"
            )
        records.setdefault(
            login,
            ReviewRecord(
                login=login, state="APPROVED", submitted_at=approved_at, commit=None,
                host="gitlab",
            ),
        )  # fmt: skip
    return list(records.values())


def _list(value: Any, where: tuple[str | int, ...], key: str) -> list[Any]:
    found = value.get(key) if isinstance(value, dict) else None
    if not isinstance(found, list):
        raise _ShapeError(where, f"{key} must be a list")
    return found


def _text(value: Any, where: tuple[str | int, ...], *keys: str) -> str:
    for key in keys:
        if not isinstance(value, dict):
            raise _ShapeError(where, f"expected an object with {'.'.join(keys)}")
        value = value.get(key)
    if not isinstance(value, str) or not value:
        raise _ShapeError(where, f"{'.'.join(keys)} must be a non-empty string")
    return value


def _optional_text(value: Any, where: tuple[str | int, ...], key: str) -> str | None:
    found = value.get(key) if isinstance(value, dict) else None
    if found is not None and not isinstance(found, str):
        raise _ShapeError(where, f"{key} must be a string or null")
    return found or None


def _line_of(text: str, where: tuple[str | int, ...]) -> int:
    """The line where the value at ``where`` (keys and indexes) starts in ``text``."""
    decoder = json.JSONDecoder()
    index = _skip(text, 0)
    for step in where:
        closing = "]" if isinstance(step, int) else "}"
        if index >= len(text) or text[index] not in "[{":
            break
        index = _skip(text, index + 1)
        position = 0
        while index < len(text) and text[index] != closing:
            if isinstance(step, str):
                key, index = decoder.raw_decode(text, index)
                index = _skip(text, _skip(text, index) + 1)  # past the colon
                if key == step:
                    break
            elif position == step:
                break
            _, index = decoder.raw_decode(text, index)
            index = _skip(text, index)
            index = _skip(text, index + 1) if text[index : index + 1] == "," else index
            position += 1
    return text.count("\n", 0, index) + 1


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def item_approvals(
    changes: Sequence[ItemChange],
    *,
    reviews: Mapping[int, Sequence[ReviewRecord]],
    signers: Mapping[str, Signer],
) -> list[Approval]:
    """Authorship of the last change, and the reviews and approvals of the pull
    requests that changed the item, each marked whether it covers the last change."""
    if not changes:
        return []
    last = changes[-1]
    manifest = [
        Approval(
            login=last.commit.email,
            name=last.commit.author,
            role=None,
            meaning="authorship",
            time=last.commit.date,
            signed=last.commit.sha,
            pull_request=last.pull_request.number if last.pull_request else None,
            covers_last_change=True,
            note="author of the last change",
        )
    ]
    seen: set[str] = set()
    for change in changes:
        request = change.pull_request
        if request is None or request.merge_commit in seen:
            continue
        seen.add(request.merge_commit)
        same = last.pull_request is not None and (
            last.pull_request.merge_commit == request.merge_commit
        )
        for trailer, value in request.trailers:
            meaning = _MEANINGS.get(trailer)
            if meaning is None:
                continue
            manifest.append(
                _approval(
                    value, signers, meaning=meaning, time=request.merged_at,
                    signed=request.merge_commit, number=request.number,
                    covers=same, note="merge commit trailer" if same else "given before the last change",
                )
            )  # fmt: skip
        host: Host = "gitlab" if request.merge_request else "github"
        for review in reviews.get(request.number, []):
            if review.host != host or review.state not in _REVIEW_STATES:
                continue
            meaning = "approval" if review.state == "APPROVED" else "review"
            head_note = _head_problem(review, request)
            covers = same and head_note is None and review.state == "APPROVED"
            note = (
                "given before the last change"
                if not same
                else head_note or _REVIEW_NOTES[host]
            )
            manifest.append(
                _approval(
                    review.login, signers, meaning=meaning,
                    time=review.submitted_at or request.merged_at,
                    signed=review.commit or (request.head if covers else None) or request.merge_commit,
                    number=request.number, covers=covers, note=note,
                )
            )  # fmt: skip
    return manifest


_REVIEW_STATES = ("APPROVED", "COMMENTED", "CHANGES_REQUESTED")
_REVIEW_NOTES: dict[Host, str] = {
    "github": "pull request review",
    "gitlab": "merge request approval",
}


def _head_problem(review: ReviewRecord, request: PullRequest) -> str | None:
    """Why ``review`` does not cover the head commit that was merged, or None."""
    head = request.head or (request.commits[0] if request.commits else None) or ""
    if review.host == "github":
        if review.commit is None:
            return "the review names no commit; it cannot cover the merged content"
        if review.commit != head:
            return (
                f"approved head {review.commit[:12]}, an earlier revision than the"
                f" merged head {head[:12]}"
            )
        return None
    return _gitlab_problem(review, request, head)


def _gitlab_problem(
    review: ReviewRecord, request: PullRequest, head: str
) -> str | None:
    """GitLab names no commit per approval: an approval covers the merged head only
    if it was given (``approved_at``) no earlier than that head was committed."""
    given = _instant(review.submitted_at) if review.submitted_at else None
    if given is None:
        return (
            "the GitLab export gives no approval time; it cannot be shown to cover"
            " the merged head"
        )
    committed = _instant(request.head_time) if request.head_time else None
    if committed is None:
        return "the date of the merged head commit is unknown"
    if given < committed:
        return f"approved before the merged head {head[:12]} was committed (an earlier revision)"
    return None


def _instant(timestamp: str) -> datetime | None:
    """An ISO 8601 time with an offset (or ``Z``) as an aware datetime, or None."""
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _signer(value: str, signers: Mapping[str, Signer]) -> tuple[str, Signer | None]:
    """The login and registry entry a trailer value or login names: the whole value,
    else the email of ``Name <email>``; the value itself when not registered."""
    if value in signers:
        return value, signers[value]
    match = re.fullmatch(r".*<([^<>\s]+)>", value)
    if match and match.group(1) in signers:
        return match.group(1), signers[match.group(1)]
    return value, None


def _approval(
    value: str,
    signers: Mapping[str, Signer],
    *,
    meaning: Meaning,
    time: str,
    signed: str,
    number: int,
    covers: bool,
    note: str,
) -> Approval:
    login, signer = _signer(value, signers)
    return Approval(
        login=login,
        name=signer.name if signer else None,
        role=signer.role if signer else None,
        meaning=meaning,
        time=time,
        signed=signed,
        pull_request=number,
        covers_last_change=covers,
        note=note,
    )
