"""Needs of another sphinx-needs project (``needs.json``) as local items:
``qms import needs``.

Each need whose type the mapping's ``[needs.types]`` names (or, without a mapping,
whose type is a profile type's name or directive) becomes an item with its id,
title, content (or description), the profile's fields it carries and its links of
the profile's link types; needs of other types are listed as skipped. A project
that wants to keep the other project's needs as they are, linked to but not
copied, lists the file in ``[project] external_needs`` instead:
:func:`external_needs_suggestion` gives the lines to add (qms.toml is not edited).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import InputError
from qmsdoc.input_files import read_input_text
from qmsdoc.interchange.records import ImportedItem, Skipped, normal_value
from qmsdoc.model.needs_json import needs_of

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from qmsdoc.interchange.mapping import ImportMapping
    from qmsdoc.profile import Profile
    from qmsdoc.project import Project

__all__ = ["NeedsImport", "external_needs_suggestion", "read_needs"]

_KEY = re.compile(r'"((?:[^"\\\n]|\\.)*)"\s*:\s*\{')


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedsImport:
    """The items of one needs.json and what was left out."""

    items: tuple[ImportedItem, ...]
    needs_read: int
    skipped: tuple[Skipped, ...]


def read_needs(
    path: Path, mapping: ImportMapping, profile: Profile, *, version: str | None = None
) -> NeedsImport:
    """Read the needs of ``path`` (its ``current_version``, or ``version``).

    :raises InputError: One line, if the file is not a needs.json or a need's value
        is not text or a list of ids.
    """
    text = read_input_text(path, kind="report", encoding="utf-8-sig")
    needs = needs_of(text, source=str(path), version=version)
    lines = _key_lines(text)
    types = dict(mapping.need_types)
    items: list[ImportedItem] = []
    skipped: list[Skipped] = []
    for key, need in needs.items():
        where = f"{path}:{lines.get(key, 1)}"
        need_type = need.get("type")
        type_name = types.get(need_type) if isinstance(need_type, str) else None
        item_type = profile.item_type(type_name or "")
        if item_type is None:
            skipped.append(
                Skipped(
                    where=where, reason=f"{key}: need type {need_type!r} not mapped"
                )
            )
            continue
        items.append(
            ImportedItem(
                item_type=item_type.name,
                directive=item_type.directive,
                id=_text(need, "id", where) or key,
                title=" ".join(_text(need, "title", where).split()),
                fields=_fields(need, profile, where, mapping),
                links=_links(need, profile, where),
                content=_text(need, "content", where)
                or _text(need, "description", where),
                markup="rst",
                source=where,
            )
        )
    return NeedsImport(
        items=tuple(items), needs_read=len(needs), skipped=tuple(skipped)
    )


def external_needs_suggestion(project: Project, path: Path) -> str:
    """The ``qms.toml`` lines that make ``path`` an external needs file.

    :raises InputError: If the file is not inside the project (sphinx-needs and
        qmsdoc read external needs from the project only).
    """
    try:
        relative = path.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        raise InputError(
            f"{path}: outside the project ({project.root}); copy it into the "
            "project to use it as external needs"
        ) from None
    return (
        "# add to qms.toml (qms import does not edit it):\n"
        "[project]\n"
        f'external_needs = [{{ path = "{relative}", id_prefix = "", base_url = "" }}]\n'
    )


def _text(need: Mapping[str, Any], name: str, where: str) -> str:
    value = need.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}: {name!r} is not a string")
    return value


def _fields(
    need: Mapping[str, Any], profile: Profile, where: str, mapping: ImportMapping
) -> tuple[tuple[str, str], ...]:
    links = {link.name for link in profile.links}
    fields = []
    for spec in profile.fields:
        value = need.get(spec.name)
        if spec.name in links or value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(part) for part in value)
        elif isinstance(value, bool | int | float):
            value = str(value).lower() if isinstance(value, bool) else str(value)
        if not isinstance(value, str):
            raise InputError(f"{where}: {spec.name!r} is not a text or a list")
        fields.append((spec.name, normal_value(mapping.value(spec.name, value))))
    return tuple(fields)


def _links(
    need: Mapping[str, Any], profile: Profile, where: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    links = []
    for link in profile.links:
        targets = need.get(link.name)
        if isinstance(targets, str):
            targets = [t.strip() for t in targets.split(",") if t.strip()]
        if targets in (None, []):
            continue
        if not isinstance(targets, list) or not all(
            isinstance(t, str) for t in targets
        ):
            raise InputError(f"{where}: {link.name!r} is not a list of ids")
        links.append((link.name, tuple(targets)))
    return tuple(links)


def _key_lines(text: str) -> dict[str, int]:
    """1-based line of the first ``"key": {`` of every key (one pass)."""
    lines: dict[str, int] = {}
    line, position = 1, 0
    for match in _KEY.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.setdefault(match.group(1), line)
    return lines
