"""Check a release record against the repository and a dossier rebuilt from the tag.

Each problem is reported, none stops the others: a moved tag, a recorded commit
that is gone or no longer in the history of HEAD, a tree that differs, a record whose
seal does not match its own manifests, and a rebuilt dossier whose manifest differs
(naming the files that differ). 21 CFR 11.10(e): the release record is the audit
trail of what was released; ISO 13485 4.2.5 via 21 CFR 820.10: records stay legible,
identifiable and retrievable, and changes to them are evident.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from qmsdoc.release.record import manifest_digest

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qmsdoc.release.record import PathwayManifest, ReleaseRecord

__all__ = [
    "ReleaseHistory",
    "ReleaseProblem",
    "compare_dossiers",
    "record_consistency",
    "verify_history",
]

#: files named one by one when a rebuilt dossier differs; the rest are counted
_LISTED = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseProblem:
    """One way in which the release no longer matches its record."""

    kind: str
    """tag_missing, tag_moved, commit_missing, history_rewritten, tree_differs,
    record_inconsistent, dossier_missing or dossier_differs."""
    message: str


class ReleaseHistory(Protocol):
    """What verification reads from git (:class:`qmsdoc.vcs.GitHistory` has it)."""

    def tag_target(self, tag: str) -> str | None:
        """The commit the tag points at, or None without the tag."""

    def tree_of(self, commit: str) -> str | None:
        """The tree hash of a commit, or None if the commit is not here."""

    def is_ancestor(self, commit: str, descendant: str = "HEAD") -> bool | None:
        """Whether ``commit`` is in the history of ``descendant``; None: unknown."""


def verify_history(
    record: ReleaseRecord, tag: str, history: ReleaseHistory
) -> list[ReleaseProblem]:
    """Problems of the tag, the recorded commit and its tree in the repository."""
    problems = []
    if record.tag != tag:
        problems.append(
            ReleaseProblem(
                kind="record_inconsistent",
                message=f"the record is of tag {record.tag!r}, not {tag!r}",
            )
        )
    target = history.tag_target(tag)
    if target is None:
        problems.append(
            ReleaseProblem(
                kind="tag_missing",
                message=f"tag {tag!r} does not exist (deleted, or not fetched: "
                "`git fetch --tags`)",
            )
        )
    elif target != record.commit:
        problems.append(
            ReleaseProblem(
                kind="tag_moved",
                message=f"tag {tag!r} now points at {target[:12]}, "
                f"not the recorded commit {record.commit[:12]}",
            )
        )
        moved_tree = history.tree_of(target)
        if moved_tree != record.tree:
            problems.append(
                ReleaseProblem(
                    kind="tree_differs",
                    message=f"the tree of {target[:12]} (where the tag now points) "
                    f"is {(moved_tree or 'unknown')[:12]}, not the recorded tree "
                    f"{record.tree[:12]}: the released content changed",
                )
            )
    problems.extend(_recorded_commit(record, history))
    return problems


def record_consistency(record: ReleaseRecord) -> list[ReleaseProblem]:
    """Problems of the record with itself: each manifest's digest and the seal."""
    problems = []
    for entry in record.pathways:
        digest = hashlib.sha256(entry.manifest_bytes()).hexdigest()
        if digest != entry.manifest_sha256:
            problems.append(
                ReleaseProblem(
                    kind="record_inconsistent",
                    message=f"{entry.pathway}: the recorded manifest's SHA-256 is "
                    f"{digest[:12]}, the record says {entry.manifest_sha256[:12]}: "
                    "the record was edited",
                )
            )
        if entry.manifest and entry.manifest[0] != f"# source commit: {record.commit}":
            problems.append(
                ReleaseProblem(
                    kind="record_inconsistent",
                    message=f"{entry.pathway}: the recorded manifest is of another "
                    f"commit ({entry.manifest[0].removeprefix('# ')})",
                )
            )
    seal = manifest_digest(record.pathways)
    if seal != record.manifest_sha256:
        problems.append(
            ReleaseProblem(
                kind="record_inconsistent",
                message=f"the record's manifest_sha256 {record.manifest_sha256[:12]} "
                f"is not the seal of its pathways' manifests ({seal[:12]}): "
                "the record was edited",
            )
        )
    return problems


def compare_dossiers(
    record: ReleaseRecord, rebuilt: Mapping[str, PathwayManifest]
) -> list[ReleaseProblem]:
    """Problems of dossiers rebuilt from the tag against the recorded ones.

    :param rebuilt: Pathway -> the rebuilt dossier's manifest.
    """
    problems = []
    for entry in record.pathways:
        again = rebuilt.get(entry.pathway)
        if again is None:
            problems.append(
                ReleaseProblem(
                    kind="dossier_missing",
                    message=f"{entry.pathway}: no dossier was rebuilt for this pathway",
                )
            )
            continue
        if (
            again.manifest_sha256 == entry.manifest_sha256
            and again.manifest_bytes() == entry.manifest_bytes()
        ):
            continue
        problems.append(
            ReleaseProblem(
                kind="dossier_differs",
                message=f"{entry.pathway}: the dossier rebuilt from the tag has "
                f"manifest SHA-256 {again.manifest_sha256[:12]}, the record "
                f"{entry.manifest_sha256[:12]}; {_difference(entry, again)}",
            )
        )
    return problems


def _recorded_commit(
    record: ReleaseRecord, history: ReleaseHistory
) -> list[ReleaseProblem]:
    tree = history.tree_of(record.commit)
    if tree is None:
        return [
            ReleaseProblem(
                kind="commit_missing",
                message=f"the recorded commit {record.commit[:12]} does not exist in "
                "this repository: the history was rewritten",
            )
        ]
    problems = []
    if tree != record.tree:
        problems.append(
            ReleaseProblem(
                kind="tree_differs",
                message=f"the tree of the recorded commit {record.commit[:12]} is "
                f"{tree[:12]}, not the recorded tree {record.tree[:12]}",
            )
        )
    if history.is_ancestor(record.commit) is False:
        problems.append(
            ReleaseProblem(
                kind="history_rewritten",
                message=f"the recorded commit {record.commit[:12]} is not an "
                "ancestor of HEAD: the history was rewritten (or HEAD is on "
                "another branch)",
            )
        )
    return problems


def _difference(recorded: PathwayManifest, rebuilt: PathwayManifest) -> str:
    before, after = recorded.files(), rebuilt.files()
    changed = sorted(
        path for path in before.keys() & after.keys() if before[path] != after[path]
    )
    parts = [
        f"{label}: {_names(paths)}"
        for label, paths in (
            ("files differ", changed),
            ("only in the record", sorted(before.keys() - after.keys())),
            ("only in the rebuild", sorted(after.keys() - before.keys())),
        )
        if paths
    ]
    if not parts:
        return "the same files with the same digests (the manifest headers differ)"
    return "; ".join(parts)


def _names(paths: list[str]) -> str:
    shown = ", ".join(paths[:_LISTED])
    if len(paths) > _LISTED:
        shown += f" and {len(paths) - _LISTED} more"
    return shown
