"""Lab value parser: decimal separator and digit-pattern validation (REQ-069, RC-009).

A value is accepted only when it matches the numeric pattern of the report locale: at
most one decimal separator of the report's type (comma for de, fr and es reports
unless the report uses points throughout), digit groups only in the form
``1.234,5`` where the decimal part makes the grouping unambiguous, no letter inside
the number, the character count of its OCR token, and a number of decimal places
within one of the other values of the same analyte. Anything else is "value not
read" and goes to the review screen; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "VALUE_NOT_READ",
    "ParsedValue",
    "ValueNotRead",
    "decimal_places",
    "decimal_separator",
    "parse_value",
]

VALUE_NOT_READ = "value not read"
COMMA_LANGUAGES = frozenset({"de", "fr", "es"})


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """An accepted value and its number of decimal places."""

    value: float
    decimals: int


@dataclass(frozen=True, slots=True)
class ValueNotRead:
    """A rejected string; shown on review as "value not read"."""

    text: str
    reason: str
    status: str = VALUE_NOT_READ


def decimal_separator(language: str, report_values: Iterable[str]) -> str:
    """The report's decimal separator: comma for de/fr/es unless points throughout."""
    if language not in COMMA_LANGUAGES:
        return "."
    values = [v for v in report_values if "," in v or "." in v]
    points_throughout = bool(values) and all("," not in v for v in values)
    return "." if points_throughout else ","


def _pattern(separator: str) -> re.Pattern[str]:
    group = re.escape("." if separator == "," else ",")
    dec = re.escape(separator)
    return re.compile(rf"^(?:\d{{1,3}}(?:{group}\d{{3}})+{dec}\d+|\d+(?:{dec}\d+)?)$")


def decimal_places(text: str, separator: str) -> int:
    """Number of digits after the decimal separator."""
    return len(text.rpartition(separator)[2]) if separator in text else 0


def parse_value(
    text: str,
    separator: str,
    *,
    ocr_token: str | None = None,
    peer_decimals: Sequence[int] = (),
) -> ParsedValue | ValueNotRead:
    """Parse ``text`` with the report's decimal ``separator``, or reject it."""
    if any(ch.isalpha() for ch in text):
        return ValueNotRead(text, "letter inside the number")
    if ocr_token is not None and len(text) != len(ocr_token):
        return ValueNotRead(text, "character count differs from the OCR token")
    if _pattern(separator).match(text) is None:
        return ValueNotRead(text, "separator inconsistent with the report")
    decimals = decimal_places(text, separator)
    if any(abs(decimals - peer) > 1 for peer in peer_decimals):
        return ValueNotRead(text, "decimal places inconsistent with the analyte")
    group = "." if separator == "," else ","
    number = text.replace(group, "").replace(separator, ".")
    return ParsedValue(float(number), decimals)
