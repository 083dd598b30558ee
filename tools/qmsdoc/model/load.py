"""Apply the profile to raw directive records: the only code that knows their shape."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qmsdoc.model.items import Item, Link, RawItem, Waiver
from qmsdoc.profile import split_list

if TYPE_CHECKING:
    from collections.abc import Iterable

    from qmsdoc.profile import ItemType, Profile

__all__ = ["load_items"]

_WAIVER_START = re.compile(r"\s*([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)?)\s*:\s*(.*?)\s*")


def load_items(raw_items: Iterable[RawItem], profile: Profile) -> tuple[Item, ...]:
    """Turn raw records into items, sorted by location; unknown directives are skipped.

    Nothing is rejected here: every oddity (unknown field, malformed id) is kept on
    the item so that a check can report it as a finding.

    :param raw_items: Records from the sources, in any order.
    :param profile: The profile that names the types, fields and links.
    """
    # looked up once, not per item; the first type of a directive wins, as in
    # Profile.type_for_directive
    types: dict[str, ItemType] = {}
    for item_type in profile.types:
        types.setdefault(item_type.directive, item_type)
    link_names = frozenset(link.name for link in profile.links)
    waiver_field = profile.waiver_field
    rendering = frozenset(profile.rendering_options)
    items = []
    # the key is the order of Location (path, line, docname), without calling its
    # generated comparison once per pair
    for raw in sorted(raw_items, key=_location_key):
        found = types.get(raw.directive.lower())
        if found is not None:
            items.append(
                _item(
                    raw,
                    found,
                    link_names=link_names,
                    waiver_field=waiver_field,
                    rendering=rendering,
                )
            )
    return tuple(items)


def _location_key(raw: RawItem) -> tuple[str, int, str]:
    return (raw.location.path, raw.location.line, raw.location.docname)


def _item(
    raw: RawItem,
    item_type: ItemType,
    *,
    link_names: frozenset[str],
    waiver_field: str | None,
    rendering: frozenset[str] = frozenset(),
) -> Item:
    fields: list[tuple[str, str]] = []
    links: list[Link] = []
    waivers: list[Waiver] = []
    malformed: list[str] = []
    for name, value in raw.options:
        if name == "id" or name in rendering:
            continue  # the rendering tool's options are not the item's fields
        if name in link_names:
            links.extend(
                Link(link_type=name, target=target) for target in split_list(value)
            )
            continue
        fields.append((name, value))
        if name == waiver_field:
            _parse_waivers(value, waivers, malformed)
    return Item(
        id=(raw.option("id") or "").strip(),
        item_type=item_type.name,
        title=" ".join(raw.title.split()),
        fields=tuple(fields),
        links=tuple(links),
        waivers=tuple(waivers),
        malformed_waivers=tuple(malformed),
        content=raw.content,
        location=raw.location,
        origin=raw.origin,
    )


def _parse_waivers(value: str, waivers: list[Waiver], malformed: list[str]) -> None:
    """Read ``check_id: justification`` entries; a justification may wrap onto more lines."""
    entries: list[list[str]] = []
    for line in value.splitlines():
        if not line.strip():
            continue
        match = _WAIVER_START.fullmatch(line)
        if match is not None:
            entries.append([match.group(1).removeprefix("qms."), match.group(2)])
        elif entries:
            entries[-1][1] = f"{entries[-1][1]} {line.strip()}".strip()
        else:
            malformed.append(line.strip())
    waivers.extend(
        Waiver(check_id=check, justification=text) for check, text in entries
    )
