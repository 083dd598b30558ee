"""Typed reads of raw TOML tables, each failing with the profile key it concerns."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from qmsdoc.errors import ProfileError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qmsdoc.profile.model import ItemType

__all__ = ["Primitives", "sorted_names"]

_NAME = re.compile(r"[a-z][a-z0-9_]*")


class Primitives:
    """Reads values from TOML tables; every problem names the source file and key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.source, problem, key=key)

    def table(
        self, data: Mapping[str, Any], key: str, *, required: bool = True
    ) -> Mapping[str, Any]:
        if key not in data:
            if required:
                raise self.fail(key, "missing table")
            return {}
        return self.as_table(data[key], key)

    def as_table(self, value: object, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return cast("Mapping[str, Any]", value)

    def text(
        self, spec: Mapping[str, Any], key: str, name: str, default: str | None = None
    ) -> str:
        if name not in spec:
            if default is None:
                raise self.fail(f"{key}.{name}", "missing value")
            return default
        value = spec[name]
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(f"{key}.{name}", "must be a non-empty string")
        return value

    def strings(self, spec: Mapping[str, Any], key: str, name: str) -> tuple[str, ...]:
        value = spec.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key}.{name}", "must be a list of strings")
        if len(set(value)) != len(value):
            raise self.fail(f"{key}.{name}", "lists a value twice")
        return tuple(value)

    def integer(self, spec: Mapping[str, Any], key: str, name: str) -> int | None:
        value = spec.get(name)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool)
        ):
            raise self.fail(f"{key}.{name}", "must be a whole number")
        return value

    def name(self, name: str, key: str) -> None:
        if not _NAME.fullmatch(name):
            raise self.fail(key, "names are lower case letters, digits and underscores")

    def only_keys(self, spec: Mapping[str, Any], key: str, allowed: set[str]) -> None:
        for name in spec:
            if name not in allowed:
                raise self.fail(
                    f"{key}.{name}",
                    f"unknown key; expected one of {sorted_names(allowed)}",
                )

    def unique(self, types: list[ItemType], attribute: str) -> None:
        seen: dict[str, str] = {}
        for item_type in types:
            value = getattr(item_type, attribute)
            if value in seen:
                raise self.fail(
                    f"types.{item_type.name}.{attribute}",
                    f"{value!r} is already used by type {seen[value]!r}",
                )
            seen[value] = item_type.name


def sorted_names(names: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(names))
