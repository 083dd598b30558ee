"""Type-checked reading of the values of committed JSON records (test evidence, SOUP).

Each ``as_*`` function raises ``ValueError`` naming the field; the record reader turns
it into one :class:`qmsdoc.errors.InputError` naming the file. :class:`RecordFields`
reads a whole record (manual executions, study reports) and raises the
``file: key: problem`` line itself.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

from qmsdoc.errors import InputError

__all__ = [
    "RECORD_ID",
    "RecordFields",
    "as_list",
    "as_optional_text",
    "as_text",
    "as_texts",
]

#: a record or run id: usable as a file name
RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def as_text(value: object, name: str) -> str:
    """``value`` if it is a string."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    return value


def as_optional_text(value: object, name: str) -> str | None:
    """``value`` if it is a string or null."""
    return None if value is None else as_text(value, name)


def as_list(value: object, name: str) -> list[Any]:
    """``value`` if it is a list (its entries unchecked)."""
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list, not {type(value).__name__}")
    return value


def as_texts(value: object, name: str) -> tuple[str, ...]:
    """``value`` if it is a list of strings, as a tuple."""
    return tuple(as_text(item, name) for item in as_list(value, name))


class RecordFields:
    """Typed reading of one JSON record (or one entry of it); every problem is one
    :class:`InputError` line ``file: key: problem``."""

    def __init__(self, document: object, where: str, *, prefix: str = "") -> None:
        self._where = where
        self._prefix = ""
        if not isinstance(document, dict):
            self.fail(prefix.rstrip(".") or "record", "not a JSON object")
        self._prefix = prefix
        self._document: dict[str, Any] = document

    def fail(self, key: str, problem: str) -> NoReturn:
        """Raise the error for ``key``."""
        raise InputError(f"{self._where}: {self._prefix}{key}: {problem}")

    def expect_format(self, expected: str) -> None:
        """Refuse a record of another format."""
        found = self._document.get("format")
        if found != expected:
            self.fail("format", f"{found!r} is not {expected!r}")

    def value(self, key: str) -> object:
        """The raw value; a missing key is refused."""
        if key not in self._document:
            self.fail(key, "missing")
        return self._document[key]

    def text(self, key: str, *, blank: bool = False) -> str:
        """A string; empty (or only white space) only when ``blank``."""
        value = self.value(key)
        if not isinstance(value, str):
            self.fail(key, f"must be a string, not {_kind(value)}")
        if not blank and not value.strip():
            self.fail(key, "empty")
        return value

    def choice(self, key: str, choices: tuple[Any, ...]) -> Any:
        """One of ``choices``."""
        value = self.text(key)
        if value not in choices:
            self.fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def digest(self, key: str) -> str:
        """A SHA-256 digest in lower-case hex."""
        value = self.text(key)
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            self.fail(key, f"{value!r} is not a SHA-256 digest (64 hex digits)")
        return value

    def flag(self, key: str) -> bool:
        """A boolean."""
        value = self.value(key)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {_kind(value)}")
        return value

    def number(self, key: str) -> int:
        """A positive integer."""
        value = self.value(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(key, f"must be a positive integer, not {value!r}")
        return value

    def entries(self, key: str) -> list[object]:
        """A list (its entries unchecked)."""
        value = self.value(key)
        if not isinstance(value, list):
            self.fail(key, f"must be a list, not {_kind(value)}")
        return value

    def record_id(self, key: str) -> str:
        """A record id usable as a file name."""
        value = self.text(key)
        if not RECORD_ID.fullmatch(value):
            self.fail(key, f"{value!r}: use letters, digits, '.', '_' or '-' only")
        return value


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
