"""Metrics files: the measured performance of an evaluation, as JSON or CSV.

CSV (``.csv``): a header row, then one row per estimate, columns ``metric``,
``subgroup``, ``value``, ``ci_low``, ``ci_high``, ``n`` (any order), optionally
``dataset_digest`` and ``model_version`` (the same on every row)::

    metric,subgroup,value,ci_low,ci_high,n
    sensitivity,overall,0.962,0.948,0.973,1200
    sensitivity,sex:female,0.958,0.937,0.973,610

JSON (``.json``): a list of such objects, or an object with ``metrics`` (that list)
and optionally ``dataset_digest`` and ``model_version``. The subgroup ``overall`` (or
an empty one) is the whole dataset. Every problem is one line ``file:line:
problem``; nothing here knows the evaluation (:mod:`qmsdoc.ai.importer` does).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from qmsdoc.ai.criteria import OVERALL
from qmsdoc.errors import InputError
from qmsdoc.input_files import file_sha256, read_input_text, regular_file
from qmsdoc.json_input import load_json

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["COLUMNS", "MetricRow", "MetricsFile", "read_metrics_file"]

#: the columns (keys) of an estimate
COLUMNS = ("metric", "subgroup", "value", "ci_low", "ci_high", "n")
_OPTIONAL = ("dataset_digest", "model_version")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricRow:
    """One estimate as the file states it, with its line."""

    line: int
    metric: str
    subgroup: str
    value: float
    ci_low: float
    ci_high: float
    n: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricsFile:
    """The estimates of one metrics file and what it says it was measured on."""

    path: Path
    sha256: str
    rows: tuple[MetricRow, ...]
    dataset_digest: str = ""
    dataset_digest_line: int = 1
    model_version: str = ""
    model_version_line: int = 1

    def fail(self, line: int, problem: str) -> NoReturn:
        """Raise the one-line error at ``line`` of the file."""
        raise InputError(f"{self.path}:{line}: {problem}")


def read_metrics_file(path: Path) -> MetricsFile:
    """Read and check the estimates of ``path`` (``.json`` or ``.csv``).

    :raises InputError: ``file:line: problem`` for the first problem: a missing
        column, a value that is not a number, an interval that does not contain the
        estimate, a count that is not a positive whole number.
    """
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise InputError(f"{path}: not a metrics file (.json or .csv)")
    regular_file(path, kind="report")
    text = read_input_text(path, kind="report", encoding="utf-8-sig")
    sha256 = file_sha256(path)
    if suffix == ".csv":
        return _csv(path, sha256, text)
    return _json(path, sha256, text)


def _csv(path: Path, sha256: str, text: str) -> MetricsFile:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise InputError(f"{path}:1: not CSV: {error}") from None
    if header is None:
        raise InputError(f"{path}:1: empty metrics file")
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise InputError(f"{path}:1: no column {', '.join(missing)}")
    rows: list[MetricRow] = []
    stated: dict[str, tuple[str, int]] = {}
    line = reader.line_num
    try:
        for cells in reader:
            number = line + 1
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(names):
                raise InputError(
                    f"{path}:{number}: {len(cells)} cells, the header has {len(names)}"
                )
            entry = dict(zip(names, cells, strict=True))
            rows.append(_row(path, number, entry))
            for key in _OPTIONAL:
                value = entry.get(key, "").strip()
                if value:
                    _same(path, number, key, value, stated)
    except csv.Error as error:
        raise InputError(f"{path}:{reader.line_num}: not CSV: {error}") from None
    return _file(path, sha256, rows, stated)


def _json(path: Path, sha256: str, text: str) -> MetricsFile:
    document = load_json(text, path)
    stated: dict[str, tuple[str, int]] = {}
    if isinstance(document, dict):
        unknown = sorted(set(document) - {"metrics", *_OPTIONAL})
        if unknown:
            raise InputError(
                f"{path}:{_key_line(text, unknown[0])}: unknown key {unknown[0]!r}"
            )
        for key in _OPTIONAL:
            if key in document:
                value = document[key]
                if not isinstance(value, str) or not value.strip():
                    raise InputError(
                        f"{path}:{_key_line(text, key)}: {key} must be a non-empty string"
                    )
                stated[key] = (value.strip(), _key_line(text, key))
        entries = document.get("metrics")
        if not isinstance(entries, list):
            raise InputError(f"{path}:1: 'metrics' must be a list of estimates")
    elif isinstance(document, list):
        entries = document
    else:
        raise InputError(f"{path}:1: not a list of estimates")
    lines = _entry_lines(text, len(entries))
    rows = []
    for entry, line in zip(entries, lines, strict=True):
        if not isinstance(entry, dict):
            raise InputError(f"{path}:{line}: an estimate must be a JSON object")
        unknown = sorted(set(entry) - set(COLUMNS))
        if unknown:
            raise InputError(f"{path}:{line}: unknown key {unknown[0]!r}")
        rows.append(_row(path, line, entry))
    return _file(path, sha256, rows, stated)


def _file(
    path: Path, sha256: str, rows: list[MetricRow], stated: dict[str, tuple[str, int]]
) -> MetricsFile:
    if not rows:
        raise InputError(f"{path}:1: no estimates")
    digest, digest_line = stated.get("dataset_digest", ("", 1))
    version, version_line = stated.get("model_version", ("", 1))
    return MetricsFile(
        path=path,
        sha256=sha256,
        rows=tuple(rows),
        dataset_digest=digest,
        dataset_digest_line=digest_line,
        model_version=version,
        model_version_line=version_line,
    )


def _same(
    path: Path, line: int, key: str, value: str, stated: dict[str, tuple[str, int]]
) -> None:
    earlier = stated.setdefault(key, (value, line))
    if earlier[0] != value:
        raise InputError(
            f"{path}:{line}: {key} {value!r} differs from {earlier[0]!r} (line {earlier[1]})"
        )


def _row(path: Path, line: int, entry: dict[str, Any]) -> MetricRow:
    for column in COLUMNS:
        if column not in entry and column != "subgroup":
            raise InputError(f"{path}:{line}: no {column}")
    metric = _text(entry["metric"])
    if not metric:
        raise InputError(f"{path}:{line}: the metric is empty")
    subgroup = _text(entry.get("subgroup")) or OVERALL
    where = f"{metric}, subgroup {subgroup}"
    value = _number(path, line, entry["value"], f"value of {where}")
    low = _number(path, line, entry["ci_low"], f"ci_low of {where}")
    high = _number(path, line, entry["ci_high"], f"ci_high of {where}")
    if not low <= value <= high:
        raise InputError(
            f"{path}:{line}: the interval [{_text(entry['ci_low'])},"
            f" {_text(entry['ci_high'])}] of {where} does not contain the estimate"
            f" {_text(entry['value'])}"
        )
    count = _text(entry["n"])
    if not re.fullmatch(r"[0-9]{1,12}", count) or int(count) < 1:
        raise InputError(
            f"{path}:{line}: n of {where} is {count!r}, not a positive whole number"
        )
    return MetricRow(
        line=line,
        metric=metric,
        subgroup=subgroup,
        value=value,
        ci_low=low,
        ci_high=high,
        n=int(count),
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _number(path: Path, line: int, value: object, what: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"{path}:{line}: {what} is {value!r}, not a number")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond the range of a float
            raise InputError(f"{path}:{line}: {what} is too large") from None
    else:
        text = _text(value)
        if not _NUMBER.fullmatch(text):
            raise InputError(f"{path}:{line}: {what} is {text!r}, not a number")
        number = float(text)
    if not math.isfinite(number):
        raise InputError(f"{path}:{line}: {what} is not a finite number")
    return number


def _key_line(text: str, key: str) -> int:
    position = text.find(json.dumps(key))
    return text.count("\n", 0, position) + 1 if position >= 0 else 1


def _entry_lines(text: str, count: int) -> list[int]:
    """The line each estimate starts on: the objects of the list that holds them
    (the ``metrics`` list, or the top-level list), found by decoding them in place."""
    decoder = json.JSONDecoder()
    match = re.search(r'"metrics"\s*:\s*\[', text) or re.match(r"\s*\[", text)
    if match is None:
        return [1] * count
    position = match.end()
    lines = []
    for _ in range(count):
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        lines.append(text.count("\n", 0, position) + 1)
        try:
            _, position = decoder.raw_decode(text, position)
        except ValueError:
            return [1] * count
    return lines
