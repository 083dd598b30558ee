"""Differences between two baselines of the device file: the input to change analysis.

IEC 62304 6.2 and 7.4 (and 8.2): what changed between two revisions, item by item:
added, removed, changed (which fields, and the text as a unified diff), and the links
added and removed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.model.ordering import natural_key
from qmsdoc.profile import split_list

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from qmsdoc.model import RawItem

__all__ = ["FieldChange", "ItemDiff", "RevisionDiff", "diff_revisions"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldChange:
    """A field (or the title) whose value differs."""

    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemDiff:
    """How one item differs between the two revisions."""

    item_id: str
    kind: str
    """``added``, ``removed`` or ``changed``."""
    title: str
    path: str
    fields: tuple[FieldChange, ...]
    text_diff: tuple[str, ...]
    links_added: tuple[str, ...]
    links_removed: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RevisionDiff:
    """All item differences between ``old`` and ``new``."""

    old: str
    new: str
    items: tuple[ItemDiff, ...]

    def of_kind(self, kind: str) -> list[ItemDiff]:
        """The differences of one kind."""
        return [item for item in self.items if item.kind == kind]

    def document(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "old": self.old,
            "new": self.new,
            "summary": {
                kind: len(self.of_kind(kind))
                for kind in ("added", "removed", "changed")
            },
            "items": [
                {
                    "item": item.item_id,
                    "change": item.kind,
                    "title": item.title,
                    "file": item.path,
                    "fields": [
                        {"field": change.name, "old": change.old, "new": change.new}
                        for change in item.fields
                    ],
                    "text_diff": list(item.text_diff),
                    "links_added": list(item.links_added),
                    "links_removed": list(item.links_removed),
                }
                for item in self.items
            ],
        }


def diff_revisions(
    old_items: Sequence[RawItem],
    new_items: Sequence[RawItem],
    *,
    old: str,
    new: str,
    link_names: Collection[str],
) -> RevisionDiff:
    """Compare the items of two revisions (as read by the source reader)."""
    before = {raw.option("id") or "": raw for raw in old_items if raw.option("id")}
    after = {raw.option("id") or "": raw for raw in new_items if raw.option("id")}
    diffs = []
    for item_id in sorted(before.keys() | after.keys(), key=natural_key):
        first, second = before.get(item_id), after.get(item_id)
        diff = _diff(item_id, first, second, link_names)
        if diff is not None:
            diffs.append(diff)
    return RevisionDiff(old=old, new=new, items=tuple(diffs))


def _diff(
    item_id: str,
    first: RawItem | None,
    second: RawItem | None,
    link_names: Collection[str],
) -> ItemDiff | None:
    current = second or first
    assert current is not None
    kind = "added" if first is None else "removed" if second is None else "changed"
    old_fields = _fields(first, link_names)
    new_fields = _fields(second, link_names)
    fields = tuple(
        FieldChange(name=name, old=old_fields.get(name), new=new_fields.get(name))
        for name in sorted(old_fields.keys() | new_fields.keys())
        if old_fields.get(name) != new_fields.get(name)
    )
    old_links, new_links = _links(first, link_names), _links(second, link_names)
    old_text = first.content.splitlines() if first else []
    new_text = second.content.splitlines() if second else []
    text = tuple(
        line.rstrip("\n")
        for line in difflib.unified_diff(
            old_text, new_text, "old", "new", lineterm="", n=1
        )
    )
    if kind == "changed" and not fields and not text and old_links == new_links:
        return None
    return ItemDiff(
        item_id=item_id,
        kind=kind,
        title=" ".join(current.title.split()),
        path=current.location.path,
        fields=fields,
        text_diff=text if kind == "changed" else (),
        links_added=tuple(sorted(new_links - old_links)),
        links_removed=tuple(sorted(old_links - new_links)),
    )


def _fields(raw: RawItem | None, link_names: Collection[str]) -> dict[str, str]:
    if raw is None:
        return {}
    fields = {"type": raw.directive, "title": " ".join(raw.title.split())}
    fields.update(
        (name, " ".join(value.split()))
        for name, value in raw.options
        if name not in link_names and name != "id"
    )
    return fields


def _links(raw: RawItem | None, link_names: Collection[str]) -> set[str]:
    if raw is None:
        return set()
    links: set[str] = set()
    for name, value in raw.options:
        if name in link_names:
            links.update(f"{name} {target}" for target in split_list(value))
    return links
