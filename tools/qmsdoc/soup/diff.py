"""What changed between two imports of an SBOM: components added, removed, or moved
to another version (IEC 62304 8.2.1: each SOUP change is identified and analysed).

Components are matched by :attr:`Component.key` (PURL without version, else name).
Versions are ordered by PEP 440 (``packaging``) when both parse; a change between
versions that cannot be ordered is reported as a plain change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from collections.abc import Iterable

    from qmsdoc.soup.records import Component, SbomRecord

__all__ = ["SbomDiff", "VersionChange", "describe", "diff_records"]


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionChange:
    """The same component (same key) at another version."""

    before: Component
    after: Component


@dataclass(frozen=True, slots=True, kw_only=True)
class SbomDiff:
    """Changes from one record to the next, each tuple sorted by component key."""

    added: tuple[Component, ...] = ()
    removed: tuple[Component, ...] = ()
    upgraded: tuple[VersionChange, ...] = ()
    downgraded: tuple[VersionChange, ...] = ()
    changed: tuple[VersionChange, ...] = ()
    """Version changes that cannot be ordered (not PEP 440, or equal as versions)."""

    @property
    def empty(self) -> bool:
        """No component was added, removed or changed."""
        return not (
            self.added
            or self.removed
            or self.upgraded
            or self.downgraded
            or self.changed
        )


def diff_records(old: SbomRecord | None, new: SbomRecord) -> SbomDiff:
    """The changes from ``old`` (None: nothing imported before) to ``new``.

    A key listed at several versions (two versions of one library in a tree) is
    compared version by version: only a single version replaced by a single other
    version is a version change; the rest are additions and removals.
    """
    before = _by_key(old.components if old is not None else ())
    after = _by_key(new.components)
    added: list[Component] = []
    removed: list[Component] = []
    moves: list[VersionChange] = []
    for key in sorted(before.keys() | after.keys()):
        old_versions = before.get(key, {})
        new_versions = after.get(key, {})
        gone = [
            old_versions[v] for v in sorted(old_versions.keys() - new_versions.keys())
        ]
        came = [
            new_versions[v] for v in sorted(new_versions.keys() - old_versions.keys())
        ]
        if len(gone) == 1 and len(came) == 1:
            moves.append(VersionChange(before=gone[0], after=came[0]))
        else:
            removed.extend(gone)
            added.extend(came)
    directions = {move: _direction(move) for move in moves}
    return SbomDiff(
        added=tuple(added),
        removed=tuple(removed),
        upgraded=tuple(m for m in moves if directions[m] > 0),
        downgraded=tuple(m for m in moves if directions[m] < 0),
        changed=tuple(m for m in moves if directions[m] == 0),
    )


def describe(diff: SbomDiff) -> list[str]:
    """One line per change: ``+`` added, ``-`` removed, ``^`` upgraded,
    ``v`` downgraded, ``~`` changed (``^ requests 2.31.0 -> 2.32.3``)."""
    lines = [f"+ {_label(component)}" for component in diff.added]
    lines.extend(f"- {_label(component)}" for component in diff.removed)
    for mark, moves in (
        ("^", diff.upgraded),
        ("v", diff.downgraded),
        ("~", diff.changed),
    ):
        lines.extend(
            f"{mark} {move.after.name} {_version(move.before)} -> {_version(move.after)}"
            for move in moves
        )
    return lines


def _by_key(components: Iterable[Component]) -> dict[str, dict[str, Component]]:
    grouped: dict[str, dict[str, Component]] = {}
    for component in components:
        grouped.setdefault(component.key, {})[component.version or ""] = component
    return grouped


def _direction(move: VersionChange) -> int:
    """1 upgrade, -1 downgrade, 0 not orderable."""
    try:
        before = Version(move.before.version or "")
        after = Version(move.after.version or "")
    except InvalidVersion:
        return 0
    return (after > before) - (after < before)


def _version(component: Component) -> str:
    return component.version or "(no version)"


def _label(component: Component) -> str:
    return (
        f"{component.name} {component.version}" if component.version else component.name
    )
