"""Suspect links: a link is suspect when its target changed since the link was reviewed.

Each reviewed link is one line of a committed record (``SOURCE LINK TARGET
FINGERPRINT``, sorted, so that merges of independent reviews do not conflict). The
fingerprint is a digest of the target's title, fields, links and text, leaving out
fields whose change alone does not matter (a status change does not make children
suspect). ``qms review`` rewrites the lines it reviews, so the review is itself a
commit for a reviewer to approve. Serves IEC 62304 6.2.3, 7.4.3 and ISO 13485 7.3.9 via 21 CFR 820.10.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError
from qmsdoc.input_files import excerpt, read_input_text
from qmsdoc.storage.atomic import write_atomic
from qmsdoc.storage.locking import locked

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping
    from pathlib import Path

    from qmsdoc.model import Item
    from qmsdoc.trace import TraceGraph

__all__ = [
    "DOWNSTREAM_SHOWN",
    "LinkKey",
    "SuspectLink",
    "item_fingerprint",
    "read_reviews",
    "record_reviews",
    "review_links",
    "suspect_links",
    "write_reviews",
]

#: (source id, link type, target id)
LinkKey = tuple[str, str, str]
_HEADER = (
    "# qmsdoc reviewed links: SOURCE LINK TARGET FINGERPRINT-OF-TARGET\n"
    "# One line per link, sorted. Written by `qms review`; review changes in a pull request.\n"
)
_LINE = re.compile(r"(\S+) (\S+) (\S+) ([0-9a-f]{16})")
#: dependants named per suspect link, nearest first
DOWNSTREAM_SHOWN = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class SuspectLink:
    """A link whose target changed since review (or that was never reviewed)."""

    source: str
    link_type: str
    target: str
    reason: str
    downstream: tuple[str, ...]
    """Items that depend on the source, transitively: they may need re-review too.
    The nearest :data:`DOWNSTREAM_SHOWN` of them (sorted), so that a deep chain, where
    every link has thousands of dependants, gives findings linear in the links."""
    downstream_more: bool = False
    """More items depend on the source than ``downstream`` names."""


def item_fingerprint(item: Item, excluded: Collection[str]) -> str:
    """A 16-hex digest of what the item says, without the excluded fields."""
    fields = sorted(
        (name, " ".join(value.split()))
        for name, value in item.fields
        if name not in excluded
    )
    links = sorted((link.link_type, link.target) for link in item.links)
    content = " ".join(item.content.split())
    text = repr((item.item_type, " ".join(item.title.split()), fields, links, content))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_reviews(path: Path) -> dict[LinkKey, str] | None:
    """The review record, or None when the project keeps none yet.

    :raises InputError: On a line that is not ``SOURCE LINK TARGET FINGERPRINT``
        (quoted in short), or if the record is not a regular file of at most 8 MiB
        (:mod:`qmsdoc.input_files`).
    """
    if not path.exists() and not path.is_symlink():
        return None
    reviews: dict[LinkKey, str] = {}
    text = read_input_text(path, kind="record")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.fullmatch(line.strip())
        if match is None:
            raise InputError(
                f"{path}:{number}: not 'SOURCE LINK TARGET FINGERPRINT': "
                f"{excerpt(line.strip())!r}"
            )
        reviews[(match.group(1), match.group(2), match.group(3))] = match.group(4)
    return reviews


def record_reviews(
    path: Path,
    graph: TraceGraph,
    selectors: Iterable[str],
    *,
    excluded: Collection[str],
) -> tuple[dict[LinkKey, str], list[LinkKey]]:
    """Mark links reviewed in the record at ``path`` (see :func:`review_links`): read,
    change and write it under the lock of its folder, so that a review started at the
    same moment waits and then adds its lines instead of writing over these.

    :returns: The new record and the links whose line was added or changed.
    :raises InputError: If the record is malformed or a selector matches no link.
    :raises OutputError: If the record cannot be written, or another command held
        its lock for too long.
    """
    with locked(path.parent, subject=path):
        updated, touched = review_links(
            graph, read_reviews(path) or {}, selectors, excluded=excluded
        )
        write_reviews(path, updated)
    return updated, touched


def write_reviews(path: Path, reviews: Mapping[LinkKey, str]) -> None:
    """Write the record atomically, sorted, one line per link (a read-modify-write
    goes through :func:`record_reviews`, which holds the record's lock)."""
    lines = [
        f"{s} {link} {t} {fingerprint}\n"
        for (s, link, t), fingerprint in sorted(reviews.items())
    ]
    write_atomic(path, (_HEADER + "".join(lines)).encode("utf-8"))


def suspect_links(
    graph: TraceGraph, reviews: Mapping[LinkKey, str], *, excluded: Collection[str]
) -> list[SuspectLink]:
    """Links whose target's fingerprint differs from the reviewed one, or unreviewed.

    Linear in items plus links: each target is fingerprinted once and each source's
    dependants are looked up once, at most :data:`DOWNSTREAM_SHOWN` of them.
    """
    fingerprints: dict[str, str] = {}
    dependants: dict[str, tuple[list[str], bool]] = {}
    suspects = []
    for item in graph:
        for edge in graph.outgoing(item.id):
            target = graph.item(edge.target)
            if target is None or target.id == item.id:
                continue
            if target.id not in fingerprints:
                fingerprints[target.id] = item_fingerprint(target, excluded)
            reviewed = reviews.get((item.id, edge.link_type, target.id))
            if reviewed == fingerprints[target.id]:
                continue
            reason = (
                "never reviewed"
                if reviewed is None
                else f"{target.id} changed since the link was reviewed"
            )
            if item.id not in dependants:
                dependants[item.id] = graph.nearest_downstream(
                    item.id, DOWNSTREAM_SHOWN
                )
            downstream, more = dependants[item.id]
            suspects.append(
                SuspectLink(
                    source=item.id,
                    link_type=edge.link_type,
                    target=target.id,
                    reason=reason,
                    downstream=tuple(downstream),
                    downstream_more=more,
                )
            )
    return suspects


def review_links(
    graph: TraceGraph,
    reviews: Mapping[LinkKey, str],
    selectors: Iterable[str],
    *,
    excluded: Collection[str],
) -> tuple[dict[LinkKey, str], list[LinkKey]]:
    """Mark links reviewed: each selector is an item id (links from or to it),
    ``SOURCE:LINK:TARGET``, or ``--all``. Links that no longer exist are dropped.

    :returns: The new record and the links whose line was added or changed.
    :raises InputError: If a selector matches no link.
    """
    current = {
        (item.id, edge.link_type, edge.target): item_fingerprint(target, excluded)
        for item in graph
        for edge in graph.outgoing(item.id)
        if (target := graph.item(edge.target)) is not None and target.id != item.id
    }
    chosen: set[LinkKey] = set()
    for selector in selectors:
        matched = {key for key in current if _matches(key, selector)}
        if not matched:
            raise InputError(
                f"{selector!r} matches no link (use an item id, SOURCE:LINK:TARGET or --all)"
            )
        chosen |= matched
    updated = {key: value for key, value in reviews.items() if key in current}
    touched = []
    for key in sorted(chosen):
        if updated.get(key) != current[key]:
            touched.append(key)
        updated[key] = current[key]
    return updated, touched


def _matches(key: LinkKey, selector: str) -> bool:
    if selector == "--all":
        return True
    if selector.count(":") == 2:
        return tuple(selector.split(":")) == key
    return selector in (key[0], key[2])
