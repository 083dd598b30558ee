"""The history of a controlled document, from git: changes, revision, approvals.

A document's history is the list of commits that changed its page file (the path it
has now; git's ``--no-renames`` view, so a page moved from another path starts a new
history at the move). For each change: the UTC date, the commit, its subject, the
author's printed name (signer registry, else git's author name) and the merge that
brought it in with that merge's signatures.

- **Revision**: ``Rev. N`` where N counts the *approved changes*: the merges (pull
  requests, merge requests, local review merges) that changed the page and carry an
  approval (meaning ``approval``) by a registered signer. Changes after the last
  approved one are stated as not approved. When HEAD is at a release tag (the
  profile's baseline tags), the tag is named too.
- **Effective date**: the date of the release tag at HEAD; otherwise the document is
  not effective (the build is not of a release).
- **Approvers**: the signatures covering the last change (:func:`item_approvals` with
  the document number as item id), each saying whether it covers the content now;
  the content signed is the SHA-256 of the page file's text (line ends normalised).

An incomplete history (shallow or partial clone) gives no changes and says so; a
project outside git says it is not under version control. Nothing is guessed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from qmsdoc.history.approvals import (
    BaselineApproval,
    item_approvals,
    read_signature_sources,
    signs_baseline,
)
from qmsdoc.history.items import ItemChange
from qmsdoc.vcs import GitHistory

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from qmsdoc.documents.control import DocumentDeclaration
    from qmsdoc.history.approvals import Approval, ReviewRecord, Signer
    from qmsdoc.project import Project
    from qmsdoc.vcs import Baseline, CommitRecord, History, PullRequest

__all__ = [
    "DocumentChange",
    "DocumentHistory",
    "HistoryInput",
    "content_digest",
    "document_history",
    "history_input",
    "utc_time",
]

HistoryState = Literal["recorded", "uncommitted", "incomplete", "untracked"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryInput:
    """What every document's history is read from, gathered once per build."""

    head: str | None
    """HEAD's full SHA; None outside a git repository."""
    commits: tuple[CommitRecord, ...] = ()
    requests: tuple[PullRequest, ...] = ()
    incomplete: str | None = None
    """Why the history is incomplete (shallow or partial clone); None: complete."""
    release: Baseline | None = None
    """The release tag at HEAD, if any."""
    signers: Mapping[str, Signer] = field(default_factory=dict)
    reviews: Mapping[int, Sequence[ReviewRecord]] = field(default_factory=dict)
    trailers: Mapping[str, str] | None = None
    """Trailer key (lower case) -> meaning; None: Approved-by and Reviewed-by."""
    scope_trailer: str | None = None
    """Trailer whose value ``baseline`` makes a merge sign the whole device file."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentChange:
    """One commit that changed the page."""

    commit: CommitRecord
    time: str
    """Author date in UTC, ``YYYY-MM-DD HH:MM UTC``."""
    author: str
    """Printed name (signer registry), else git's author name."""
    reference: str
    """The merge that brought it in (``PR #7``, ``merge <sha>``); empty: none."""
    signatures: tuple[Approval, ...]
    """Reviews and approvals of that merge (authorship excluded)."""
    approved: bool
    """The merge carries an approval by a registered signer."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentHistory:
    """A document's change history and what it derives: revision, dates, signers."""

    state: HistoryState
    note: str
    """Why there is no history (``state`` other than ``recorded``); else empty."""
    changes: tuple[DocumentChange, ...] = ()
    revision: str = ""
    revision_basis: str = ""
    """How the revision is derived, in words."""
    effective: str | None = None
    """Effective date (the release tag's date, ``YYYY-MM-DD``); None: not effective."""
    effective_note: str = ""
    first_author: str | None = None
    last_author: str | None = None
    approvers: tuple[Approval, ...] = ()
    signatures: tuple[Approval, ...] = ()
    """The whole signature manifest of the page (authorship included), each with
    whether it covers the page as it is now: what the approval policy reads."""
    """Signatures covering the last change (reviews and approvals)."""


def history_input(
    project: Project, *, history: GitHistory | None = None
) -> HistoryInput:
    """Read the project's history once: commits, merges, release tag at HEAD,
    signer registry and review exports.

    :param history: The reading of the repository to share with other readers.

    :raises InputError: If the signer registry or a review export is invalid.
    """
    history = history or GitHistory(project.root)
    head = history.state().commit
    if head is None:
        return HistoryInput(head=None)
    incomplete = history.completeness()
    if incomplete is not None:
        return HistoryInput(head=head, incomplete=incomplete)
    profile = project.profile
    signers, reviews = read_signature_sources(project.root, profile)
    releases = [
        tag for tag in history.baselines(profile.baseline_pattern) if tag.commit == head
    ]
    policy = profile.approval_policy
    return HistoryInput(
        head=head,
        commits=tuple(history.commits()),
        requests=tuple(history.pull_requests()),
        release=releases[-1] if releases else None,
        signers=signers,
        reviews=reviews,
        trailers=dict(policy.trailers) if policy is not None else None,
        scope_trailer=policy.scope_trailer if policy is not None else None,
    )


def document_history(
    declaration: DocumentDeclaration,
    *,
    source: HistoryInput,
    history: History,
    current: str | None = None,
) -> DocumentHistory:
    """The history of the document ``declaration`` declares.

    :param source: The history read once (:func:`history_input`).
    :param history: Read access to past file contents (the page at each commit).
    :param current: The page's text now (working tree); None: as last committed.
    """
    if source.head is None:
        return DocumentHistory(
            state="untracked",
            note="not under version control: the sources are not in a git repository",
        )
    if source.incomplete is not None:
        return DocumentHistory(state="incomplete", note=source.incomplete)
    changes = _page_changes(declaration, source, history)
    if not changes:
        return DocumentHistory(
            state="uncommitted", note="not committed yet: the page has no history"
        )
    now = content_digest(current) if current is not None else None
    manifest = _approvals(changes, source, now=now, baselines=_baselines(
        declaration, source, history
    ))  # fmt: skip
    rows = tuple(
        _row(change, source, baseline=_baseline_signatures(change, changes, manifest))
        for change in changes
    )
    return DocumentHistory(
        state="recorded",
        note="",
        changes=rows,
        revision=_revision(rows, source, modified=now not in (None, changes[-1].content_sha256)),
        revision_basis=(
            "Rev. N counts the approvals of this page: the merges (pull or merge "
            "requests, review merges, baseline approvals) whose approval by a "
            "registered signer signed a state of its text"
        ),
        effective=utc_time(source.release.date)[:10] if source.release else None,
        effective_note=(
            f"release {source.release.name}"
            if source.release
            else "not effective: this build is not of a release tag"
        ),
        first_author=rows[0].author,
        last_author=rows[-1].author,
        approvers=tuple(
            a for a in manifest if a.meaning != "authorship" and a.covers_last_change
        ),
        signatures=tuple(manifest),
    )  # fmt: skip


def content_digest(text: str) -> str:
    """SHA-256 of a page's text with line ends normalised: what a signature signs."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _page_changes(
    declaration: DocumentDeclaration, source: HistoryInput, history: History
) -> list[ItemChange]:
    by_commit: dict[str, PullRequest] = {}
    for request in source.requests:
        for sha in request.commits:
            by_commit.setdefault(sha, request)
    changes: list[ItemChange] = []
    for commit in source.commits:
        status = next((s for s, p in commit.changed if p == declaration.path), None)
        if status is None:
            continue
        text = None if status == "D" else history.file_at(commit.sha, declaration.path)
        changes.append(
            ItemChange(
                item_id=declaration.number,
                kind="removed" if status == "D" else ("changed" if changes else "added"),
                commit=commit,
                path=declaration.path,
                pull_request=by_commit.get(commit.sha),
                content_sha256=content_digest(text) if text is not None else None,
            )
        )  # fmt: skip
    return changes


def _baselines(
    declaration: DocumentDeclaration, source: HistoryInput, history: History
) -> list[BaselineApproval]:
    """Merges whose scope trailer says ``baseline``: they sign the page as it was at
    the merge commit."""
    found = []
    for request in source.requests:
        if signs_baseline(request, source.scope_trailer):
            text = history.file_at(request.merge_commit, declaration.path)
            if text is not None:
                content = {declaration.number: content_digest(text)}
                found.append(BaselineApproval(request=request, content=content))
    return found


def _approvals(
    changes: Sequence[ItemChange],
    source: HistoryInput,
    *,
    now: str | None,
    baselines: Sequence[BaselineApproval] = (),
) -> list[Approval]:
    return item_approvals(
        changes,
        reviews=source.reviews,
        signers=source.signers,
        current=now,
        trailers=source.trailers,
        baselines=baselines,
    )


def _baseline_signatures(
    change: ItemChange, changes: Sequence[ItemChange], manifest: Sequence[Approval]
) -> tuple[Approval, ...]:
    """The baseline approvals (a merge signing the whole device file) that signed
    the page as ``change`` left it, given to the last change with that content."""
    later = changes[changes.index(change) + 1 :]
    if any(c.content_sha256 == change.content_sha256 for c in later):
        return ()
    return tuple(
        approval
        for approval in manifest
        if approval.note.startswith("baseline approval")
        and approval.content_sha256 is not None
        and approval.content_sha256 == change.content_sha256
    )


def _row(
    change: ItemChange, source: HistoryInput, *, baseline: Sequence[Approval] = ()
) -> DocumentChange:
    signatures = tuple(
        approval
        for approval in _approvals([change], source, now=None)
        if approval.meaning != "authorship"
    ) + tuple(baseline)
    request = change.pull_request
    return DocumentChange(
        commit=change.commit,
        time=utc_time(change.commit.date),
        author=_printed_name(change.commit, source.signers),
        reference=request.reference if request is not None else "",
        signatures=signatures,
        approved=any(
            s.meaning == "approval" and s.name is not None for s in signatures
        ),
    )


def _revision(
    rows: Sequence[DocumentChange], source: HistoryInput, *, modified: bool
) -> str:
    approved = {
        signature.reference
        for row in rows
        if row.approved
        for signature in row.signatures
        if signature.meaning == "approval" and signature.name is not None
    }
    pending = 0
    for row in reversed(rows):
        if row.approved:
            break
        pending += 1
    parts = [f"Rev. {len(approved)}"]
    if source.release is not None:
        parts.append(f"release {source.release.name}")
    if pending:
        parts.append(f"{pending} later change{'s' if pending > 1 else ''} not approved")
    if modified:
        parts.append("working tree modified since the last commit")
    return ", ".join(parts)


def _printed_name(commit: CommitRecord, signers: Mapping[str, Signer]) -> str:
    signer = signers.get(commit.email) or signers.get(commit.author)
    return signer.name if signer is not None else commit.author


def utc_time(date: str) -> str:
    """An ISO 8601 time with offset as ``YYYY-MM-DD HH:MM UTC`` (as given if not)."""
    try:
        moment = datetime.fromisoformat(date)
    except ValueError:
        return date
    if moment.tzinfo is None:
        return date
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
