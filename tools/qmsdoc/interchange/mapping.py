"""The mapping file of an import (TOML): the other tool's names to the profile's.

For ReqIF (``[reqif]``): each SPEC-OBJECT-TYPE (by LONG-NAME) to a profile type and
the attributes (by LONG-NAME) holding its id, title and content and its fields;
enumeration values to field values; each SPEC-RELATION-TYPE to a profile link::

    [reqif.types."Software Requirement"]
    type = "requirement"
    id = "ReqIF.ForeignID"          # default ReqIF.ForeignID
    title = "ReqIF.Name"            # default ReqIF.Name
    content = "ReqIF.Text"          # default ReqIF.Text
    fields = { "Status" = "status", "Kind" = "kind" }
    defaults = { level = "software" }
    [reqif.values.status]
    "Approved" = "approved"
    [reqif.links]
    "Satisfies" = "satisfies"

For a spreadsheet (``[sheet]``): the sheet, the header row, the columns (by header
text) of the id, title, content, fields and links, and the type, fixed (``type``)
or from a column (``type_column`` with ``[sheet.types]``)::

    [sheet]
    name = "Requirements"           # default: the first sheet
    header_row = 2                  # default 1
    id = "ID"
    type = "requirement"
    title = "Title"
    content = "Description"
    fields = { "Status" = "status" }
    links = { "Traces to" = "satisfies" }   # several ids: comma, semicolon, newline

For needs.json (``[needs.types]``): the other project's need types to profile types.

Every type, field and link named is checked against the project's profile when the
file is read: an unknown one is one line naming the mapping file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import ProfileError
from qmsdoc.profile import read_toml

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from qmsdoc.profile import Profile

__all__ = [
    "ImportMapping",
    "ObjectTypeMap",
    "SheetMap",
    "load_mapping",
    "same_name_mapping",
]

#: the attribute names ReqIF's recommendations (and DOORS, Polarion) use
FOREIGN_ID = "ReqIF.ForeignID"
NAME = "ReqIF.Name"
TEXT = "ReqIF.Text"


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectTypeMap:
    """How the objects of one ReqIF SPEC-OBJECT-TYPE become items."""

    item_type: str
    id: str = FOREIGN_ID
    title: str = NAME
    content: str = TEXT
    fields: tuple[tuple[str, str], ...] = ()
    """(attribute long name, field)."""
    defaults: tuple[tuple[str, str], ...] = ()
    """(field, value) written when the object has no value for it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetMap:
    """How the rows of a sheet (or a CSV file) become items."""

    sheet: str | None = None
    header_row: int = 1
    id: str
    item_type: str | None = None
    type_column: str | None = None
    types: tuple[tuple[str, str], ...] = ()
    """(cell value of the type column, profile type)."""
    title: str | None = None
    content: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    """(column header, field)."""
    links: tuple[tuple[str, str], ...] = ()
    """(column header, link type)."""
    defaults: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportMapping:
    """A whole mapping file (or the same-name mapping when none is given)."""

    source: str
    """The file, for messages (``same-name mapping`` when there is none)."""
    object_types: tuple[tuple[str, ObjectTypeMap], ...] = ()
    """(SPEC-OBJECT-TYPE long name, how its objects map)."""
    relation_types: tuple[tuple[str, str], ...] = ()
    """(SPEC-RELATION-TYPE long name, profile link)."""
    values: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    """(field, ((value in the other tool, value in the profile), ...))."""
    sheet: SheetMap | None = None
    need_types: tuple[tuple[str, str], ...] = ()
    """(need type in the other project, profile type)."""

    def object_type(self, long_name: str) -> ObjectTypeMap | None:
        """How objects of the SPEC-OBJECT-TYPE ``long_name`` map, or None."""
        return dict(self.object_types).get(long_name)

    def relation(self, long_name: str) -> str | None:
        """The profile link of SPEC-RELATION-TYPE ``long_name``, or None."""
        return dict(self.relation_types).get(long_name)

    def value(self, field: str, value: str) -> str:
        """``value`` of ``field`` in the profile's words (unchanged if unmapped)."""
        return dict(dict(self.values).get(field, ())).get(value, value)


def load_mapping(path: Path, profile: Profile) -> ImportMapping:
    """Read and check the mapping file ``path`` against ``profile``.

    :raises ProfileError: One line naming the file and the key, if the file is not
        TOML, has an unknown key, or names a type, field, link or value the profile
        does not know.
    """
    data = read_toml(path)
    reader = _Reader(str(path), profile)
    reader.keys(data, "", {"reqif", "sheet", "needs"})
    reqif = reader.table(data.get("reqif", {}), "reqif")
    reader.keys(reqif, "reqif", {"types", "links", "values"})
    needs = reader.table(data.get("needs", {}), "needs")
    reader.keys(needs, "needs", {"types"})
    return ImportMapping(
        source=str(path),
        object_types=tuple(
            (name, reader.object_type(entry, f"reqif.types.{_quoted(name)}"))
            for name, entry in reader.table(
                reqif.get("types", {}), "reqif.types"
            ).items()
        ),
        relation_types=reader.links(reqif.get("links", {}), "reqif.links"),
        values=reader.values(reqif.get("values", {}), "reqif.values")
        + reader.values(
            reader.table(data.get("sheet", {}), "sheet").get("values", {}),
            "sheet.values",
        ),
        sheet=reader.sheet(data["sheet"], "sheet") if "sheet" in data else None,
        need_types=reader.types(needs.get("types", {}), "needs.types"),
    )


def same_name_mapping(profile: Profile) -> ImportMapping:
    """The mapping when none is given: a ReqIF type, relation type or need type named
    as a profile type or link (by name or directive) maps to it, the ``ReqIF.*``
    attributes hold id, title and content, and an attribute named as a field of the
    type is that field (what ``qms export reqif`` writes)."""
    object_types = []
    for item_type in profile.types:
        fields = tuple(
            (name, name) for name in (*item_type.required, *item_type.optional)
        )
        entry = ObjectTypeMap(item_type=item_type.name, fields=fields)
        object_types.append((item_type.name, entry))
    return ImportMapping(
        source="same-name mapping",
        object_types=tuple(object_types),
        relation_types=tuple((link.name, link.name) for link in profile.links),
        need_types=tuple(
            pair
            for item_type in profile.types
            for pair in (
                (item_type.name, item_type.name),
                (item_type.directive, item_type.name),
            )
        ),
    )


def _quoted(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else f'"{name}"'


class _Reader:
    """Reads the tables of one mapping file, each problem one line with its key."""

    def __init__(self, source: str, profile: Profile) -> None:
        self.source = source
        self.profile = profile

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.source, problem, key=key)

    def table(self, value: object, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return value

    def text(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value

    def keys(self, table: Mapping[str, object], key: str, allowed: set[str]) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            where = f"{key}.{_quoted(unknown[0])}" if key else unknown[0]
            raise self.fail(
                where, f"unknown key; expected one of {', '.join(sorted(allowed))}"
            )

    def item_type(self, value: object, key: str) -> str:
        name = self.text(value, key)
        if self.profile.item_type(name) is None:
            known = ", ".join(t.name for t in self.profile.types)
            raise self.fail(key, f"unknown type {name!r}; the profile's types: {known}")
        return name

    def field(self, value: object, key: str, item_type: str | None) -> str:
        name = self.text(value, key)
        if self.profile.field_spec(name) is None:
            raise self.fail(key, f"unknown field {name!r} (not in the profile)")
        found = None if item_type is None else self.profile.item_type(item_type)
        if found is not None and name not in (*found.required, *found.optional):
            raise self.fail(key, f"field {name!r} is not a field of type {item_type!r}")
        return name

    def link(self, value: object, key: str) -> str:
        name = self.text(value, key)
        if self.profile.link_type(name) is None:
            known = ", ".join(link.name for link in self.profile.links)
            raise self.fail(key, f"unknown link {name!r}; the profile's links: {known}")
        return name

    def pairs(self, value: object, key: str) -> list[tuple[str, object]]:
        return list(self.table(value, key).items())

    def fields(
        self, value: object, key: str, item_type: str | None
    ) -> tuple[tuple[str, str], ...]:
        return tuple(
            (name, self.field(field, f"{key}.{_quoted(name)}", item_type))
            for name, field in self.pairs(value, key)
        )

    def links(self, value: object, key: str) -> tuple[tuple[str, str], ...]:
        return tuple(
            (name, self.link(link, f"{key}.{_quoted(name)}"))
            for name, link in self.pairs(value, key)
        )

    def types(self, value: object, key: str) -> tuple[tuple[str, str], ...]:
        return tuple(
            (name, self.item_type(target, f"{key}.{_quoted(name)}"))
            for name, target in self.pairs(value, key)
        )

    def defaults(
        self, value: object, key: str, item_type: str | None
    ) -> tuple[tuple[str, str], ...]:
        result = []
        for name, default in self.pairs(value, key):
            where = f"{key}.{_quoted(name)}"
            field = self.field(name, where, item_type)
            result.append(
                (field, self.allowed(field, self.text(default, where), where))
            )
        return tuple(result)

    def allowed(self, field: str, value: str, key: str) -> str:
        spec = self.profile.field_spec(field)
        problem = None if spec is None else spec.value_problem(value)
        if problem is not None:
            raise self.fail(key, problem)
        return value

    def values(
        self, value: object, key: str
    ) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        result = []
        for field_name, table in self.pairs(value, key):
            where = f"{key}.{_quoted(field_name)}"
            field = self.field(field_name, where, None)
            result.append(
                (
                    field,
                    tuple(
                        (
                            name,
                            self.allowed(
                                field,
                                self.text(target, f"{where}.{_quoted(name)}"),
                                f"{where}.{_quoted(name)}",
                            ),
                        )
                        for name, target in self.pairs(table, where)
                    ),
                )
            )
        return tuple(result)

    def object_type(self, value: object, key: str) -> ObjectTypeMap:
        table = self.table(value, key)
        self.keys(table, key, {"type", "id", "title", "content", "fields", "defaults"})
        item_type = self.item_type(table.get("type"), f"{key}.type")
        return ObjectTypeMap(
            item_type=item_type,
            id=self.text(table.get("id", FOREIGN_ID), f"{key}.id"),
            title=self.text(table.get("title", NAME), f"{key}.title"),
            content=self.text(table.get("content", TEXT), f"{key}.content"),
            fields=self.fields(table.get("fields", {}), f"{key}.fields", item_type),
            defaults=self.defaults(
                table.get("defaults", {}), f"{key}.defaults", item_type
            ),
        )

    def sheet(self, value: object, key: str) -> SheetMap:
        table = self.table(value, key)
        allowed = {
            "name", "header_row", "id", "type", "type_column", "types", "title",
            "content", "fields", "links", "defaults", "values",
        }  # fmt: skip
        self.keys(table, key, allowed)
        row = table.get("header_row", 1)
        if not isinstance(row, int) or isinstance(row, bool) or not 1 <= row <= 1000:
            raise self.fail(f"{key}.header_row", "must be a row number from 1 to 1000")
        fixed = table.get("type")
        column = table.get("type_column")
        if (fixed is None) == (column is None):
            raise self.fail(f"{key}.type", "give either type (one type) or type_column")
        item_type = None if fixed is None else self.item_type(fixed, f"{key}.type")
        types = self.types(table.get("types", {}), f"{key}.types")
        if column is not None and not types:
            raise self.fail(
                f"{key}.types", "type_column needs [sheet.types]: cell value = type"
            )
        return SheetMap(
            sheet=None
            if "name" not in table
            else self.text(table["name"], f"{key}.name"),
            header_row=row,
            id=self.text(table.get("id"), f"{key}.id"),
            item_type=item_type,
            type_column=None
            if column is None
            else self.text(column, f"{key}.type_column"),
            types=types,
            title=None
            if "title" not in table
            else self.text(table["title"], f"{key}.title"),
            content=None
            if "content" not in table
            else self.text(table["content"], f"{key}.content"),
            fields=self.fields(table.get("fields", {}), f"{key}.fields", item_type),
            links=self.links(table.get("links", {}), f"{key}.links"),
            defaults=self.defaults(
                table.get("defaults", {}), f"{key}.defaults", item_type
            ),
        )
