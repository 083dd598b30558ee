"""Reads of a role-to-name table: a profile section that says which item type, field
or link plays each role of one QMS process (``[design]``, ``[anomalies]``, ``[gspr]``).

A role names a declared type, a field of its owner type or a declared link; any other
name stops the load with one line naming the file and the key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from qmsdoc.profile._primitives import Primitives
    from qmsdoc.profile.model import FieldSpec

__all__ = ["Declared", "RoleReader"]


class Declared(TypedDict):
    """What the profile declares, which the roles of a section must name."""

    type_fields: Mapping[str, tuple[str, ...]]
    """Every item type's fields."""
    fields: Mapping[str, FieldSpec]
    """Every declared field by name."""
    link_names: set[str]
    """Every declared link type."""


class RoleReader:
    """Reads the roles of one section, each defaulting to the packaged profile's name."""

    def __init__(
        self,
        primitives: Primitives,
        table: Mapping[str, Any],
        section: str,
        *,
        type_fields: Mapping[str, tuple[str, ...]],
        fields: Mapping[str, FieldSpec],
        link_names: set[str],
    ) -> None:
        self._p = primitives
        self._table = table
        self._section = section
        self._type_fields = type_fields
        self._fields = fields
        self._link_names = link_names

    @classmethod
    def of_section(
        cls,
        primitives: Primitives,
        table: Mapping[str, Any],
        section: str,
        keys: Collection[str],
        declared: Declared,
    ) -> RoleReader:
        """The roles of ``[section]``, once the table is known to hold only ``keys``.

        :raises ProfileError: Naming the first key the section does not know.
        """
        primitives.only_keys(table, section, set(keys))
        return cls(primitives, table, section, **declared)

    def spec(self, field: str) -> FieldSpec | None:
        """The declaration of a field the roles name (None: not declared)."""
        return self._fields.get(field)

    def item_type(self, key: str, default: str) -> str:
        """A role naming an item type."""
        name = self._p.text(self._table, self._section, key, default)
        if name not in self._type_fields:
            raise self._p.fail(f"{self._section}.{key}", f"unknown item type {name!r}")
        return name

    def field(self, key: str, default: str, *, owner: str) -> str:
        """A role naming a field of the item type ``owner``."""
        name = self._p.text(self._table, self._section, key, default)
        if name not in self._type_fields[owner]:
            raise self._p.fail(
                f"{self._section}.{key}", f"{name!r} is not a field of {owner!r}"
            )
        return name

    def link(self, key: str, default: str) -> str:
        """A role naming a link type."""
        name = self._p.text(self._table, self._section, key, default)
        if name not in self._link_names:
            raise self._p.fail(f"{self._section}.{key}", f"unknown link type {name!r}")
        return name

    def values(
        self, key: str, default: tuple[str, ...], *, field: str
    ) -> tuple[str, ...]:
        """A non-empty list of values of ``field``; checked against its values when
        it is a choice field."""
        values = (
            self._p.strings(self._table, self._section, key)
            if key in self._table
            else default
        )
        if not values:
            raise self._p.fail(f"{self._section}.{key}", "list at least one value")
        self._check_values(values, key, field)
        return values

    def value(self, key: str, default: str, *, field: str) -> str:
        """One value of ``field`` (see :meth:`values`)."""
        value = self._p.text(self._table, self._section, key, default)
        if not value.strip():
            raise self._p.fail(f"{self._section}.{key}", "must be a non-empty string")
        self._check_values((value,), key, field)
        return value

    def _check_values(self, values: tuple[str, ...], key: str, field: str) -> None:
        spec = self._fields.get(field)
        if spec is None or spec.kind not in ("choice", "choices"):
            return
        wrong = [value for value in values if value not in spec.values]
        if wrong:
            raise self._p.fail(
                f"{self._section}.{key}",
                f"{', '.join(wrong)} not among the values of {field!r}",
            )
