"""Apply the profile to raw directive records: the only code that knows their shape."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qmsdoc.model.items import Item, Link, RawItem, Waiver
from qmsdoc.profile import split_list

if TYPE_CHECKING:
    from collections.abc import Iterable

    from qmsdoc.profile import Profile

__all__ = ["load_items"]

_WAIVER_START = re.compile(r"\s*([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)?)\s*:\s*(.*?)\s*")


def load_items(raw_items: Iterable[RawItem], profile: Profile) -> tuple[Item, ...]:
    """Turn raw records into items, sorted by location; unknown directives are skipped.

    Nothing is rejected here: every oddity (unknown field, malformed id) is kept on
    the item so that a check can report it as a finding.

    :param raw_items: Records from the sources, in any order.
    :param profile: The profile that names the types, fields and links.
    """
    items = [
        _item(raw, profile)
        for raw in sorted(raw_items, key=lambda raw: raw.location)
        if profile.type_for_directive(raw.directive) is not None
    ]
    return tuple(items)


def _item(raw: RawItem, profile: Profile) -> Item:
    item_type = profile.type_for_directive(raw.directive)
    assert item_type is not None
    link_names = {link.name for link in profile.links}
    waiver_field = profile.waiver_field
    fields: list[tuple[str, str]] = []
    links: list[Link] = []
    waivers: list[Waiver] = []
    malformed: list[str] = []
    for name, value in raw.options:
        if name == "id":
            continue
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
