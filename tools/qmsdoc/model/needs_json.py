"""Items of sphinx-needs ``needs.json`` files: imported needs and external needs.

A project can take needs from another project's ``needs.json`` in two ways, as
sphinx-needs does: a ``.. needimport:: path`` directive in a source file (the needs
become needs of the importing document) and ``[project] external_needs`` (sphinx-needs'
``needs_external_needs``). Both become raw items with an ``origin``
(``needimport:<path>`` or ``external:<path>``): the trace graph knows them, so links
to them resolve and coverage counts them, but no check reports on them, since their
content belongs to another file.

The file's shape is ``{"current_version": v, "versions": {v: {"needs": {id: need}}}}``;
a need's ``type`` names the profile type by directive or by name, its profile fields
and link lists become the options. A file that is not of that shape is one line
naming it (and the line and column, for bad JSON), exit 2. A file is read as a
source file (the ``source`` size limit of ``[input_limits]``), inside the project.

needimport's ``:version:``, ``:ids:``, ``:id_prefix:`` and ``:tags:`` are followed;
its ``:filter:`` (a Python expression of sphinx-needs) is not evaluated, so every
need of the file is known (links to a need the filter leaves out resolve here but
not in the Sphinx build); a URL is not fetched, and ``needs_import_keys`` is not
read: such an import gives no items.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import InputError, ProjectError
from qmsdoc.input_files import read_input_text
from qmsdoc.json_input import load_json
from qmsdoc.model.items import Location, RawItem
from qmsdoc.model.rst_source import scan_text

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from qmsdoc.profile import Profile
    from qmsdoc.project import Project

__all__ = [
    "NEEDIMPORT",
    "NeedsSource",
    "imported_items",
    "needs_of",
    "raw_items_of",
    "sphinx_external_needs",
]

#: the sphinx-needs directive that imports a needs.json into a document
NEEDIMPORT = "needimport"
#: a JSON object key that opens an object: where each need of the file starts
_OBJECT_KEY = re.compile(r'"((?:[^"\\\n]|\\.)*)"\s*:\s*\{')
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedsSource:
    """One use of a needs.json: which needs are taken, and where they count as written."""

    path: str
    """The file, POSIX path relative to the project root."""
    origin: str
    """``needimport:<path>`` or ``external:<path>``."""
    location: Location | None = None
    """The needimport directive the needs are placed at; None: each need at its own
    line of the file (external needs)."""
    version: str | None = None
    """The version of the file to read; None: its ``current_version``."""
    id_prefix: str = ""
    ids: tuple[str, ...] | None = None
    """Only these needs (by id as in the file); None: every need."""
    tags: tuple[str, ...] = ()
    """Tags added to every need (needimport's ``:tags:``)."""


def imported_items(project: Project) -> list[RawItem]:
    """Every item the project takes from needs.json files: each ``needimport`` in its
    source files, then each ``[project] external_needs`` file; each file read once.

    :raises InputError: One line, if a file is missing, too large, outside the project,
        or not a needs.json (exit 2).
    :raises ProjectError: If a source file cannot be read.
    """
    texts: dict[str, str] = {}
    items: list[RawItem] = []
    for source in [*_needimports(project), *_externals(project)]:
        if source.path not in texts:
            texts[source.path] = _read(project.root, source)
        items.extend(raw_items_of(texts[source.path], source, profile=project.profile))
    return items


def sphinx_external_needs(project: Project) -> list[dict[str, str]]:
    """``[project] external_needs`` as sphinx-needs' ``needs_external_needs`` entries
    (``json_path`` absolute, ``base_url``, ``id_prefix``, and ``version`` when set)."""
    entries: list[dict[str, str]] = []
    for external in project.external_needs:
        entry = {
            "json_path": str(project.root / external.path),
            "base_url": external.base_url,
            "id_prefix": external.id_prefix,
        }
        if external.version is not None:
            entry["version"] = external.version
        entries.append(entry)
    return entries


def needs_of(text: str, *, source: str, version: str | None) -> dict[str, Any]:
    """The needs (id -> need object) of one version of a needs.json text.

    :param source: The file, for messages.
    :param version: The version to read; None: the file's ``current_version``.
    :raises InputError: One line, if the text is not a needs.json of that version.
    """
    data = load_json(text, source)
    if not isinstance(data, dict):
        raise InputError(f"{source}: not a needs.json (the top level is not an object)")
    versions = data.get("versions")
    if not isinstance(versions, dict):
        raise InputError(
            f"{source}: not a needs.json ('versions' missing or not an object)"
        )
    if version is None:
        current = data.get("current_version")
        if not isinstance(current, str):
            raise InputError(
                f"{source}: 'current_version' missing or not a string; name a version"
            )
        version = current
    selected = versions.get(version)
    if not isinstance(selected, dict) or not isinstance(selected.get("needs"), dict):
        raise InputError(f"{source}: no version {version!r} with a 'needs' object")
    needs: dict[str, Any] = selected["needs"]
    for key, need in needs.items():
        if not isinstance(need, dict):
            raise InputError(f"{source}: need {key!r} is not an object")
    return needs


def raw_items_of(text: str, source: NeedsSource, *, profile: Profile) -> list[RawItem]:
    """The raw items of the needs a source takes from a needs.json text.

    :raises InputError: One line, if the text is not a needs.json or a need's id,
        type, title or content is not a string.
    """
    needs = needs_of(text, source=source.path, version=source.version)
    wanted = (
        needs if source.ids is None else {i: needs[i] for i in source.ids if i in needs}
    )
    lines = _key_lines(text) if source.location is None else {}
    mapping = _Mapping.of(profile)
    items: list[RawItem] = []
    for key, need in wanted.items():
        location = source.location or Location(
            path=source.path, line=lines.get(key, 1), docname=""
        )
        items.append(
            mapping.raw_item(
                need, key=key, source=source, location=location, known=needs
            )
        )
    return items


@dataclass(frozen=True, slots=True)
class _Mapping:
    """The profile's names, looked up once per file."""

    directives: Mapping[str, str]
    """sphinx-needs type (directive or type name) -> directive."""
    fields: tuple[str, ...]
    links: frozenset[str]
    link_order: tuple[str, ...]

    @classmethod
    def of(cls, profile: Profile) -> _Mapping:
        directives = {
            item_type.name: item_type.directive for item_type in profile.types
        }
        directives.update({t.directive: t.directive for t in profile.types})
        links = tuple(link.name for link in profile.links)
        return cls(
            directives,
            tuple(spec.name for spec in profile.fields),
            frozenset(links),
            links,
        )

    def raw_item(
        self,
        need: Mapping[str, Any],
        *,
        key: str,
        source: NeedsSource,
        location: Location,
        known: Mapping[str, Any],
    ) -> RawItem:
        def text(name: str) -> str:
            value = need.get(name)
            if value is None:
                return ""
            if not isinstance(value, str):
                raise InputError(
                    f"{source.path}: need {key!r}: {name!r} is not a string"
                )
            return value

        need_type = text("type")
        need_id = need.get("id", key)
        if not isinstance(need_id, str):
            raise InputError(f"{source.path}: need {key!r}: 'id' is not a string")
        options = [("id", source.id_prefix + need_id)]
        options.extend(self._fields(need, source=source, key=key))
        for name in self.link_order:
            targets = need.get(name)
            if isinstance(targets, str):
                targets = [t.strip() for t in targets.split(",") if t.strip()]
            if not isinstance(targets, list) or not targets:
                continue
            if not all(isinstance(target, str) for target in targets):
                raise InputError(
                    f"{source.path}: need {key!r}: {name!r} is not a list of ids"
                )
            options.append(
                (
                    name,
                    ", ".join(_prefixed(t, source.id_prefix, known) for t in targets),
                )
            )
        return RawItem(
            directive=self.directives.get(need_type, need_type.lower()),
            title=text("title"),
            options=tuple(options),
            content=text("content") or text("description"),
            location=location,
            origin=source.origin,
        )

    def _fields(
        self, need: Mapping[str, Any], *, source: NeedsSource, key: str
    ) -> list[tuple[str, str]]:
        options: list[tuple[str, str]] = []
        for name in self.fields:
            value = need.get(name)
            if name == "tags" and source.tags:
                value = [*_as_list(value), *source.tags]
            if value is None or name in self.links or name == "id":
                continue
            if isinstance(value, list):
                value = ", ".join(str(part) for part in value)
            elif isinstance(value, bool | int | float):
                value = str(value).lower() if isinstance(value, bool) else str(value)
            if not isinstance(value, str):
                raise InputError(
                    f"{source.path}: need {key!r}: {name!r} is not a text or list"
                )
            if value.strip():
                options.append((name, value))
        return options


def _as_list(value: object) -> list[object]:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return []


def _prefixed(target: str, prefix: str, known: Mapping[str, Any]) -> str:
    """A link target with the file's id prefix when it names a need of the file (a
    need part ``ID.part`` by its need), as sphinx-needs prefixes them."""
    if prefix and target.split(".", 1)[0] in known:
        return prefix + target
    return target


def _key_lines(text: str) -> dict[str, int]:
    """1-based line of the first ``"key": {`` of every key in a JSON text."""
    lines: dict[str, int] = {}
    line = 1
    position = 0
    for match in _OBJECT_KEY.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        key = match.group(1)
        if "\\" in key:
            key = load_json(f'"{key}"', "needs.json key")
        lines.setdefault(key, line)
    return lines


def _needimports(project: Project) -> list[NeedsSource]:
    """Each ``needimport`` directive of the project's source files, in file order."""
    sources: list[NeedsSource] = []
    for path in project.source_files():
        try:
            text = read_input_text(
                path, kind="source", root=project.root, encoding="utf-8-sig"
            )
        except InputError as error:
            raise ProjectError(str(error)) from None
        if NEEDIMPORT not in text:
            continue
        relative = path.relative_to(project.root).as_posix()
        docname = relative.rsplit(".", 1)[0]
        for directive in scan_text(
            text, path=relative, docname=docname, directives=(NEEDIMPORT,)
        ):
            target = directive.title.strip()
            if not target or _URL.match(target):
                # a URL is fetched by sphinx-needs; qmsdoc reads no network
                continue
            json_path = _resolve(target, relative)
            ids = directive.option("ids")
            tags = directive.option("tags") or ""
            sources.append(
                NeedsSource(
                    path=json_path,
                    origin=f"{NEEDIMPORT}:{json_path}",
                    location=directive.location,
                    version=directive.option("version"),
                    id_prefix=(directive.option("id_prefix") or "").strip(),
                    ids=None
                    if ids is None
                    else tuple(i.strip() for i in ids.split(",") if i.strip()),
                    tags=tuple(t.strip() for t in re.split(r"[,;]", tags) if t.strip()),
                )
            )
    return sources


def _externals(project: Project) -> list[NeedsSource]:
    return [
        NeedsSource(
            path=posixpath.normpath(external.path),
            origin=f"external:{posixpath.normpath(external.path)}",
            version=external.version,
            id_prefix=external.id_prefix,
        )
        for external in project.external_needs
    ]


def _resolve(target: str, document: str) -> str:
    """The needs.json a needimport names, relative to the project root: from the
    root when it starts with ``/``, else from the importing document's folder, as
    Sphinx resolves it."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(document), target))


def _read(root: Path, source: NeedsSource) -> str:
    """The text of a needs.json; a needimport's problem is named at its directive."""
    try:
        return read_input_text(root / source.path, kind="source", root=root)
    except InputError as error:
        if source.location is None:
            raise
        raise InputError(f"{source.location}: {NEEDIMPORT}: {error}") from None
