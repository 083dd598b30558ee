"""Printed reference range notations and bounded values (REQ-026, REQ-027).

A range string is parsed as a two-sided range ("3.5-5.1", "3,5 - 5,1", "3.5 to 5.1",
"3.5 bis 5.1"), a one-sided range ("< 5.2", "<= 5.2", "> 60", "up to 200") or a
qualitative expected value ("negative", "negativ", "négatif", "negativo"). A printed
operator is kept literally: the limit of "< 5.2" does not belong to the range, the
limit of "<= 5.2" does (REQ-039). Sex-specific ranges printed side by side
("M: 13.5-17.5 / F: 12.0-15.5 g/dL") give the one of the user's recorded sex. Any
other string is "range not read", for the user to enter on review: nothing is guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from serenya_core.reference_ranges import ReportRange, Sex
from serenya_core.units import to_ucum

__all__ = [
    "RANGE_NOT_READ",
    "Bound",
    "QualitativeRange",
    "RangeNotRead",
    "normalise_qualitative",
    "parse_bound",
    "parse_range",
]

RANGE_NOT_READ = "range not read"

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_TWO_SIDED = re.compile(
    rf"^{_NUMBER}\s*(?:-|\u2013|to|bis|\u00e0|a|hasta)\s*{_NUMBER}$", re.IGNORECASE
)
_OPERATORS = {
    "<": "<",
    "<=": "<=",
    "\u2264": "<=",
    ">": ">",
    ">=": ">=",
    "\u2265": ">=",
}
_ONE_SIDED = re.compile(rf"^(<=|>=|<|>|\u2264|\u2265)\s*{_NUMBER}$")
_UP_TO = re.compile(
    rf"^(?:up to|bis|jusqu'\u00e0|jusqu\u2019\u00e0|hasta)\s*{_NUMBER}$", re.IGNORECASE
)
_BOUND_WORDS = {
    "less than": "<",
    "below": "<",
    "more than": ">",
    "greater than": ">",
    "above": ">",
}
_BOUND = re.compile(
    rf"^(<=|>=|<|>|\u2264|\u2265|{'|'.join(_BOUND_WORDS)})\s*{_NUMBER}$", re.IGNORECASE
)

#: qualitative result words in the four languages -> canonical word
QUALITATIVE_WORDS = {
    **dict.fromkeys(
        ("negative", "negativ", "n\u00e9gatif", "n\u00e9gative", "negativo", "neg"),
        "negative",
    ),
    **dict.fromkeys(
        ("positive", "positiv", "positif", "positivo", "pos"),
        "positive",
    ),
}

#: sex labels of side-by-side ranges; Spanish "M" is mujer, elsewhere male
_SEX_LABELS = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "men": Sex.MALE,
    "h": Sex.MALE,
    "männer": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "women": Sex.FEMALE,
    "w": Sex.FEMALE,
    "frauen": Sex.FEMALE,
}
_SEX_PART = re.compile(r"^\s*([^\W\d_]+)\s*:\s*(.+?)\s*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class QualitativeRange:
    """An expected qualitative value, e.g. "negativ", with its canonical word."""

    text: str
    expected: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RangeNotRead:
    """A range string that matches no notation; shown as "range not read"."""

    text: str
    status: str = RANGE_NOT_READ


@dataclass(frozen=True, slots=True, kw_only=True)
class Bound:
    """A value reported as a bound, e.g. "<0.5": operator, limit and verbatim text."""

    operator: str
    value: float
    verbatim: str


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def normalise_qualitative(text: str) -> str:
    """The canonical word of a qualitative result, or the text case-folded."""
    folded = text.strip().casefold()
    return QUALITATIVE_WORDS.get(folded, folded)


def _one_range(text: str, unit: str) -> ReportRange | QualitativeRange | RangeNotRead:
    if (match := _TWO_SIDED.match(text)) is not None:
        lower, upper = (_number(g) for g in match.groups())
        if lower <= upper:
            return ReportRange(lower, upper, unit)
    elif (match := _ONE_SIDED.match(text)) is not None:
        operator, limit = _OPERATORS[match.group(1)], _number(match.group(2))
        if operator.startswith("<"):
            return ReportRange(-math.inf, limit, unit, upper_included=operator == "<=")
        return ReportRange(limit, math.inf, unit, lower_included=operator == ">=")
    elif (match := _UP_TO.match(text)) is not None:
        return ReportRange(-math.inf, _number(match.group(1)), unit)
    elif text.casefold() in QUALITATIVE_WORDS:
        return QualitativeRange(text=text, expected=normalise_qualitative(text))
    return RangeNotRead(text=text)


def _split_unit(text: str, unit: str | None) -> tuple[str, str | None]:
    head, _, last = text.rpartition(" ")
    if head and to_ucum(last) is not None:
        return head.strip(), last
    return text, unit


def parse_range(
    text: str,
    unit: str | None,
    *,
    sex: Sex | None = None,
    language: str = "en",
) -> ReportRange | QualitativeRange | RangeNotRead:
    """Parse a printed range string; ``unit`` applies unless the string names one."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    stripped = "\n".join(line for line in lines if line)
    body, unit = _split_unit(stripped, unit)
    parts = [p for p in re.split(r"\s*/\s*(?=[^\W\d_]+\s*:)|\n", body) if p.strip()]
    if len(parts) > 1 or _SEX_PART.match(body):
        return _sex_specific(stripped, parts, unit or "", sex, language)
    return _one_range(body, unit or "")


def _sex_specific(
    text: str, parts: list[str], unit: str, sex: Sex | None, language: str
) -> ReportRange | QualitativeRange | RangeNotRead:
    labels = dict(_SEX_LABELS)
    if language == "es":
        labels["m"] = Sex.FEMALE  # mujer
    for part in parts:
        match = _SEX_PART.match(part)
        label = None if match is None else labels.get(match.group(1).casefold())
        if match is None or label is None:
            return RangeNotRead(text=text)
        if label is sex:
            selected = _one_range(match.group(2), unit)
            if isinstance(selected, ReportRange):
                return ReportRange(
                    selected.lower,
                    selected.upper,
                    selected.unit,
                    sex,
                    selected.lower_included,
                    selected.upper_included,
                )
            return RangeNotRead(text=text)
    return RangeNotRead(text=text)


def parse_bound(text: str) -> Bound | None:
    """A value reported as a bound ("<0.5", ">90", "less than 5"), or ``None``."""
    stripped = " ".join(text.split())
    match = _BOUND.match(stripped)
    if match is None:
        return None
    word = match.group(1).casefold()
    operator = _OPERATORS.get(word) or _BOUND_WORDS[word]
    return Bound(operator=operator, value=_number(match.group(2)), verbatim=text)
