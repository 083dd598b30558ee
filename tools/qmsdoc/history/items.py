"""The history of each item: the commits that changed what it says.

Each commit's changed ``.rst`` files are read before and after with the source
reader; an item changed when its signature (title, fields, links, text) differs.
Items are followed by id, so an item that moves to another file keeps its history
(the move itself is recorded, but is not a content change). Pull-request numbers
and approval trailers come from the merge commits that brought each commit in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from qmsdoc.evidence.status import item_signature
from qmsdoc.model.rst_source import scan_text

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from qmsdoc.vcs import CommitRecord, History, PullRequest

__all__ = ["ChangeKind", "ItemChange", "item_digests", "item_histories"]

ChangeKind = Literal["added", "changed", "moved", "removed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemChange:
    """One commit that added, changed, moved or removed an item."""

    item_id: str
    kind: ChangeKind
    commit: CommitRecord
    path: str
    """Where the item is after the commit (before it, for a removal)."""
    pull_request: PullRequest | None
    content_sha256: str | None = None
    """SHA-256 of the item's normalized content after the change (None: removed)."""


def item_histories(
    history: History,
    *,
    directives: Collection[str],
    is_source: Callable[[str], bool],
) -> dict[str, list[ItemChange]]:
    """Changes per item id, oldest first, over the whole history.

    :param directives: The profile's item directive names.
    :param is_source: Whether a path holds items of the project.
    """
    by_commit: dict[str, PullRequest] = {}
    for merged in history.pull_requests():
        for sha in merged.commits:
            by_commit.setdefault(sha, merged)
    where: dict[str, tuple[str, str]] = {}  # id -> (path, signature), as of now
    in_file: dict[str, set[str]] = {}  # path -> ids, the same state indexed by file
    changes: dict[str, list[ItemChange]] = {}
    for commit in history.commits():
        before: dict[str, tuple[str, str]] = {}
        after: dict[str, tuple[str, str]] = {}
        for status, path in commit.changed:
            if not is_source(path):
                continue
            for item_id in in_file.get(path, ()):
                before[item_id] = where[item_id]
            if status != "D":
                text = history.file_at(commit.sha, path) or ""
                after.update(_signatures(text, path, directives))
        request = by_commit.get(commit.sha)
        for item_id in sorted(before.keys() | after.keys()):
            old, new = before.get(item_id), after.get(item_id)
            kind = _kind(old, new)
            if kind is None:
                continue
            if old is not None:
                in_file.get(old[0], set()).discard(item_id)
            if new is None:
                where.pop(item_id, None)
            else:
                where[item_id] = new
                in_file.setdefault(new[0], set()).add(item_id)
            path = new[0] if new else (old[0] if old else "")
            changes.setdefault(item_id, []).append(
                ItemChange(
                    item_id=item_id,
                    kind=kind,
                    commit=commit,
                    path=path,
                    pull_request=request,
                    content_sha256=new[1] if new else None,
                )
            )
    return changes


def _kind(
    old: tuple[str, str] | None, new: tuple[str, str] | None
) -> ChangeKind | None:
    if old is None and new is None:
        return None
    if old is None:
        return "added"
    if new is None:
        return "removed"
    if old[1] != new[1]:
        return "changed"
    if old[0] != new[0]:
        return "moved"
    return None


def item_digests(
    files: dict[str, str],
    *,
    directives: Collection[str],
    is_source: Callable[[str], bool],
) -> dict[str, str]:
    """SHA-256 of each item's normalized content in a tree (``path -> text``): what a
    signature given on that tree signs."""
    digests: dict[str, str] = {}
    for path in sorted(files):
        if is_source(path):
            for item_id, (_, digest) in _signatures(
                files[path], path, directives
            ).items():
                digests.setdefault(item_id, digest)
    return digests


def _signatures(
    text: str, path: str, directives: Collection[str]
) -> dict[str, tuple[str, str]]:
    signatures: dict[str, tuple[str, str]] = {}
    for raw in scan_text(
        text, path=path, docname=path.rsplit(".", 1)[0], directives=directives
    ):
        item_id = (raw.option("id") or "").strip()
        if item_id:
            signatures.setdefault(item_id, (path, item_signature(raw, ())))
    return signatures
