"""Type-checked reading of the values of committed JSON records (test evidence, SOUP).

Each function raises ``ValueError`` naming the field; the record reader turns it into
one :class:`qmsdoc.errors.InputError` naming the file.
"""

from __future__ import annotations

from typing import Any

__all__ = ["as_list", "as_optional_text", "as_text", "as_texts"]


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
