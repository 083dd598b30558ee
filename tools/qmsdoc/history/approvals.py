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
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from qmsdoc.errors import InputError
from qmsdoc.input_files import read_input_text
from qmsdoc.json_input import load_json

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Mapping, Sequence
    from pathlib import Path

    from qmsdoc.history.items import ItemChange
    from qmsdoc.profile import Profile
    from qmsdoc.vcs.base import PullRequest

__all__ = [
    "Approval",
    "BaselineApproval",
    "Meaning",
    "ReviewRecord",
    "Signer",
    "approval_record",
    "coverage",
    "item_approvals",
    "manifestation",
    "read_review_exports",
    "read_signature_sources",
    "read_signers",
    "signs_baseline",
    "utc",
]

Meaning = str
"""One of :data:`qmsdoc.profile.approval_policy.MEANINGS`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Signer:
    """A person who may sign: login, printed name and the roles they sign in."""

    login: str
    name: str
    roles: tuple[str, ...]

    @property
    def role(self) -> str:
        """The roles as printed under a signature."""
        return ", ".join(self.roles)


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
    roles: tuple[str, ...] = ()
    """The signer's roles from the registry (empty when not registered)."""
    reference: str = ""
    """The change request cited: ``PR #7``, ``MR !7``, ``merge <sha>``."""
    content_sha256: str | None = None
    """SHA-256 of the item's normalized content that was signed; None when the
    signature cannot be tied to content (an approval of another head commit)."""
    covers_content: bool = False
    """The signed content is the item's content now (Part 11 11.70: the signature
    is linked to its record; any change since breaks the link)."""


def read_signers(path: Path) -> dict[str, Signer]:
    """The signer registry: ``[signers."<login or email>"]`` with ``name`` (the
    printed name) and ``roles`` (a list of role names; ``role = "..."`` is one role).

    :raises InputError: If the file is missing, not a regular file of at most 1 MiB
        (:mod:`qmsdoc.input_files`) or not TOML, or an entry lacks its name or roles
        (``file:line: problem``).
    """
    if not path.exists() and not path.is_symlink():
        raise InputError(f"{path}: signer registry not found")
    text = read_input_text(path, kind="registry")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not a valid signer registry: {error}") from None
    except RecursionError:
        raise InputError(
            f"{path}: not a valid signer registry: nested too deeply"
        ) from None
    except ValueError as error:
        # int() refuses more than sys.get_int_max_str_digits() digits
        raise InputError(
            f"{path}: not a valid signer registry: {str(error).split(';')[0]}"
        ) from None
    signers = {}
    table = data.get("signers", {})
    if not isinstance(table, dict):
        raise InputError(f"{path}: [signers] must be a table")
    for login, entry in table.items():
        where = f"{path}:{_entry_line(text, login)}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: [signers.{login}] must be a table")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{where}: signer {login} has no printed name (name)")
        roles = entry.get("roles", [entry["role"]] if "role" in entry else [])
        if (
            not isinstance(roles, list)
            or not roles
            or not all(isinstance(r, str) and r.strip() for r in roles)
        ):
            raise InputError(
                f'{where}: signer {login} has no role (roles = ["..."]): a'
                " signature names the role in which it is given"
            )
        signers[login] = Signer(login=login, name=name, roles=tuple(roles))
    return signers


def _entry_line(text: str, login: str) -> int:
    """The line of the ``[signers.<login>]`` header (1 when not found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        header = line.strip()
        if header.startswith("[signers.") and login in header:
            return number
    return 1


def read_signature_sources(
    root: Path, profile: Profile
) -> tuple[dict[str, Signer], dict[int, list[ReviewRecord]]]:
    """The project's signer registry and committed review exports, as the profile
    names them (empty when it names none or the registry does not exist).

    :raises InputError: If the registry or an export is invalid.
    """
    signers: dict[str, Signer] = {}
    if profile.signer_registry is not None:
        registry = root / profile.signer_registry
        signers = read_signers(registry) if registry.exists() else {}
    reviews: dict[int, list[ReviewRecord]] = {}
    if profile.review_exports:
        reviews = read_review_exports(root / profile.review_exports)
    return signers, reviews


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
        match = re.fullmatch(r"(pr|mr)-(\d{1,9})\.json", path.name)
        if match is None:
            continue
        number = int(match.group(2))
        text = read_input_text(path, kind="record")
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


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineApproval:
    """A merge whose trailer block says it signs the whole device file (a baseline or
    release approval): the content it signed, item by item."""

    request: PullRequest
    content: Mapping[str, str]
    """SHA-256 of each item's normalized content at the merge commit."""


def signs_baseline(request: PullRequest, scope_trailer: str | None) -> bool:
    """Whether the merge's trailer block says ``<scope_trailer>: baseline``: it
    signs the whole device file (every item and page) as of its merged head."""
    if scope_trailer is None:
        return False
    key = scope_trailer.lower()
    return any(
        name.lower() == key and value.strip().lower() == "baseline"
        for name, value in request.trailers
    )


def item_approvals(
    changes: Sequence[ItemChange],
    *,
    reviews: Mapping[int, Sequence[ReviewRecord]],
    signers: Mapping[str, Signer],
    current: str | None = None,
    trailers: Mapping[str, str] | None = None,
    baselines: Sequence[BaselineApproval] = (),
) -> list[Approval]:
    """Authorship of the last change, and the reviews and approvals of the pull
    requests that changed the item (and of baseline approvals), each with the content
    it signed and whether it covers the last change and the current content.

    :param current: SHA-256 of the item's content now (working tree); None: the last
        change is taken as current.
    :param trailers: Trailer key (lower case) to meaning; default Approved-by and
        Reviewed-by.
    """
    if not changes:
        return []
    meanings = dict(trailers) if trailers is not None else dict(_DEFAULT_TRAILERS)
    last = changes[-1]
    now = current if current is not None else last.content_sha256
    manifest = [
        Approval(
            login=last.commit.email,
            name=last.commit.author,
            role=None,
            meaning="authorship",
            time=last.commit.date,
            signed=last.commit.sha,
            reference=last.pull_request.reference if last.pull_request else "",
            pull_request=_number(last.pull_request),
            content_sha256=last.content_sha256,
            covers_last_change=True,
            covers_content=last.content_sha256 == now,
            note="author of the last change",
        )
    ]
    signed_by_request: dict[str, str | None] = {}
    requests: dict[str, PullRequest] = {}
    for change in changes:
        if change.pull_request is not None:
            requests.setdefault(change.pull_request.merge_commit, change.pull_request)
            signed_by_request[change.pull_request.merge_commit] = change.content_sha256
    for merge, request in requests.items():
        same = last.pull_request is not None and (
            last.pull_request.merge_commit == merge
        )
        digest = signed_by_request[merge]
        signing = _Signing(
            request=request, digest=digest, same=same, current=now, signers=signers
        )
        for trailer, value in request.trailers:
            meaning = meanings.get(trailer.lower())
            if meaning is not None:
                manifest.append(signing.trailer(value, meaning))
        if request.number is None or request.local:
            continue
        host: Host = "gitlab" if request.merge_request else "github"
        for review in reviews.get(request.number, []):
            if review.host == host and review.state in _REVIEW_STATES:
                manifest.append(signing.review(review, host))
    manifest.extend(
        _baseline_signatures(
            last, baselines, skip=requests.keys(), current=now, signers=signers,
            meanings=meanings,
        )
    )  # fmt: skip
    return manifest


_DEFAULT_TRAILERS = {"approved-by": "approval", "reviewed-by": "review"}


def _baseline_signatures(
    last: ItemChange,
    baselines: Sequence[BaselineApproval],
    *,
    skip: Collection[str],
    current: str | None,
    signers: Mapping[str, Signer],
    meanings: Mapping[str, str],
) -> Iterator[Approval]:
    """The signatures of baseline approvals that hold the item (other than the merges
    that changed it, already listed)."""
    for baseline in baselines:
        request = baseline.request
        digest = baseline.content.get(last.item_id)
        if request.merge_commit in skip or digest is None:
            continue
        signing = _Signing(
            request=request,
            digest=digest,
            same=digest == last.content_sha256,
            current=current,
            signers=signers,
            note="baseline approval of the device file as of the merged head",
        )
        for trailer, value in request.trailers:
            meaning = meanings.get(trailer.lower())
            if meaning is not None:
                yield signing.trailer(value, meaning)


def _number(request: PullRequest | None) -> int | None:
    return None if request is None or request.local else request.number


@dataclass(frozen=True, slots=True, kw_only=True)
class _Signing:
    """The signatures one merge gives an item: what it signed and what it covers."""

    request: PullRequest
    digest: str | None
    same: bool
    """The merge brought in (or signed) the item's last change."""
    current: str | None
    signers: Mapping[str, Signer]
    note: str = "merge commit trailer"

    def trailer(self, value: str, meaning: str) -> Approval:
        return self._approval(
            value,
            meaning=meaning,
            time=self.request.merged_at,
            signed=self.request.merge_commit,
            valid=True,
            note=self.note if self.same else "given before the last change",
        )

    def review(self, review: ReviewRecord, host: Host) -> Approval:
        request = self.request
        head_note = _head_problem(review, request)
        valid = head_note is None and review.state == "APPROVED"
        note = (
            "given before the last change"
            if not self.same
            else head_note or _REVIEW_NOTES[host]
        )
        return self._approval(
            review.login,
            meaning="approval" if review.state == "APPROVED" else "review",
            time=review.submitted_at or request.merged_at,
            signed=review.commit
            or (request.head if self.same and valid else None)
            or request.merge_commit,
            valid=valid,
            note=note,
        )

    def _approval(
        self,
        value: str,
        *,
        meaning: str,
        time: str,
        signed: str,
        valid: bool,
        note: str,
    ) -> Approval:
        login, signer = _signer(value, self.signers)
        covers = self.same and valid
        return Approval(
            login=login,
            name=signer.name if signer else None,
            role=signer.role if signer else None,
            roles=signer.roles if signer else (),
            meaning=meaning,
            time=time,
            signed=signed,
            reference=self.request.reference,
            pull_request=_number(self.request),
            content_sha256=self.digest if valid else None,
            covers_last_change=covers,
            covers_content=valid
            and self.digest is not None
            and self.digest == self.current,
            note=note,
        )


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


def utc(timestamp: str) -> str:
    """An ISO 8601 time with offset, as UTC ``YYYY-MM-DDTHH:MM:SSZ`` (11.50(a)(2))."""
    moment = _instant(timestamp)
    if moment is None:
        return timestamp
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def coverage(approval: Approval) -> str:
    """Whether the signature covers what the item says now, in words."""
    if approval.covers_content:
        return "covers the current content"
    if approval.content_sha256 is None:
        return f"does not cover the merged content ({approval.note})"
    return "does not cover the current content (changed since it was signed)"


def manifestation(approval: Approval) -> str:
    """One signature manifestation as printed (21 CFR Part 11 11.50): printed name
    and role, UTC date and time, meaning, what was signed, and whether it still
    covers the item."""
    who = approval.name or f"{approval.login} (not in the signer registry)"
    role = f" ({approval.role})" if approval.role else ""
    where = f", {approval.reference}" if approval.reference else ""
    digest = (
        f", content SHA-256 {approval.content_sha256[:12]}"
        if approval.content_sha256
        else ""
    )
    return (
        f"{approval.meaning} by {who}{role}, {utc(approval.time)}"
        f"{where}{digest}: {coverage(approval)}"
    )


def approval_record(approval: Approval) -> dict[str, object]:
    """The JSON form of a signature manifestation (``approvals.json``)."""
    return {
        "meaning": approval.meaning,
        "login": approval.login,
        "name": approval.name,
        "roles": list(approval.roles),
        "time_utc": utc(approval.time),
        "signed_commit": approval.signed,
        "change_request": approval.reference or None,
        "pull_request": approval.pull_request,
        "content_sha256": approval.content_sha256,
        "covers_last_change": approval.covers_last_change,
        "covers_current_content": approval.covers_content,
        "note": approval.note,
    }
