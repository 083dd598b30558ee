"""Study report records (``qmsdoc-study-report/1``): the result of a validation
activity (a usability, clinical or analytical performance study).

The writer authors one TOML file per report, e.g. ``traceability/studies/VAL-001.toml``::

    validation = "VAL-001"            # the validation item the study executes
    protocol = "VAL-001-P"            # protocol id and version
    protocol_version = "2.0"
    report = "validation/VAL-001-report.pdf"   # in the repository; hashed on import
    start = 2026-05-04
    end = 2026-05-22
    approver = "J. Doe, Head of Clinical Affairs"
    conclusion = "All acceptance criteria met."
    illustrative = true               # optional: a record of the fictional device

    [[criteria]]
    criterion = ">= 90 % task success per user group"
    value = "UG-1 93 %, UG-2 100 %, UG-3 93 %"
    met = true

Import validates it (:func:`read_study_toml`, every problem one line ``file:line:
problem``), hashes the report document and stores the JSON record
(:func:`study_document`). A study with any criterion not met is failed; one with no
criteria is refused.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from qmsdoc.errors import InputError
from qmsdoc.evidence.manual import ILLUSTRATIVE_NOTE, hash_attachment
from qmsdoc.evidence.records import Attachment, EvidenceRun, TestResult
from qmsdoc.input_files import read_input_text
from qmsdoc.storage.record_fields import RecordFields

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = [
    "FORMAT",
    "Criterion",
    "StudyReport",
    "read_study",
    "read_study_toml",
    "run_from_document",
    "study_document",
]

FORMAT = "qmsdoc-study-report/1"
_KEYS = (
    "validation",
    "protocol",
    "protocol_version",
    "report",
    "start",
    "end",
    "approver",
    "conclusion",
    "illustrative",
    "criteria",
)
_CRITERION_KEYS = ("criterion", "value", "met")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_MESSAGE_LIMIT = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """The result against one acceptance criterion."""

    criterion: str
    value: str
    """What the study measured or observed."""
    met: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class StudyReport:
    """The report of one validation activity."""

    validation_id: str
    protocol_id: str
    protocol_version: str
    report: Attachment
    """The report document, by path relative to the project root and SHA-256."""
    start: str
    """ISO date (``YYYY-MM-DD``)."""
    end: str
    approver: str
    conclusion: str
    criteria: tuple[Criterion, ...]
    illustrative: bool = False
    source: str = ""
    """The TOML file it was imported from, relative to the project root."""

    def __post_init__(self) -> None:
        if not self.criteria:
            raise ValueError("a study report states at least one acceptance criterion")
        if not (_is_date(self.start) and _is_date(self.end)):
            raise ValueError("start and end are ISO dates (YYYY-MM-DD)")
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")

    @property
    def outcome(self) -> Literal["passed", "failed"]:
        """Passed only when every criterion is met."""
        return "passed" if all(c.met for c in self.criteria) else "failed"

    @property
    def run_id(self) -> str:
        """``<validation id>-<end date compact>``, e.g. ``VAL-001-20260522``."""
        return f"{self.validation_id}-{self.end.replace('-', '')}"


def read_study_toml(path: Path, root: Path) -> StudyReport:
    """Read and validate a study report TOML file; hash its report document.

    :param root: The project root: the report path is relative to it.
    :raises InputError: One line ``file:line: problem`` (``file: problem`` for a
        missing key).
    """
    text = read_input_text(path, kind="record")
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position is None:
            raise InputError(f"{path}: not valid TOML: {message}") from None
        raise InputError(
            f"{path}:{position.group(1)}: not valid TOML: "
            f"{message[: position.start()]} (column {position.group(2)})"
        ) from None
    except RecursionError:
        raise InputError(f"{path}: not valid TOML: nested too deeply") from None
    except ValueError as error:
        # int() refuses more than sys.get_int_max_str_digits() digits
        raise InputError(
            f"{path}: not valid TOML: {str(error).split(';')[0]}"
        ) from None
    toml = _TomlFields(table, path, text)
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = path.name
    criteria = tuple(
        _criterion(toml, entry, index)
        for index, entry in enumerate(toml.tables("criteria"), start=1)
    )
    if not criteria:
        toml.fail("criteria", "no acceptance criteria: add [[criteria]] tables")
    report_path = toml.text("report")
    try:
        report = hash_attachment(root, report_path)
    except ValueError as error:
        toml.fail("report", str(error))
    start, end = toml.day("start"), toml.day("end")
    if end < start:
        toml.fail("end", f"{end} is before start {start}")
    return StudyReport(
        validation_id=toml.text("validation"),
        protocol_id=toml.text("protocol"),
        protocol_version=toml.text("protocol_version"),
        report=report,
        start=start,
        end=end,
        approver=toml.text("approver"),
        conclusion=toml.text("conclusion"),
        criteria=criteria,
        illustrative=toml.flag("illustrative", default=False),
        source=relative,
    )


def study_document(report: StudyReport) -> dict[str, Any]:
    """The report as a JSON-ready mapping in a stable key order."""
    return {
        "format": FORMAT,
        "record": report.run_id,
        "illustrative": report.illustrative,
        "note": ILLUSTRATIVE_NOTE if report.illustrative else "",
        "validation": report.validation_id,
        "protocol": report.protocol_id,
        "protocol_version": report.protocol_version,
        "report": {"path": report.report.path, "sha256": report.report.sha256},
        "start": report.start,
        "end": report.end,
        "approver": report.approver,
        "conclusion": report.conclusion,
        "outcome": report.outcome,
        "criteria": [
            {"criterion": c.criterion, "value": c.value, "met": c.met}
            for c in report.criteria
        ],
        "source": report.source,
    }


def read_study(document: Mapping[str, Any], path: Path) -> StudyReport:
    """The study report a stored record holds.

    :raises InputError: ``path: key: problem`` if the record is malformed.
    """
    fields = RecordFields(document, str(path))
    fields.expect_format(FORMAT)
    criteria = []
    for index, raw in enumerate(fields.entries("criteria"), start=1):
        entry = RecordFields(raw, str(path), prefix=f"criteria[{index}].")
        criteria.append(
            Criterion(
                criterion=entry.text("criterion"),
                value=entry.text("value"),
                met=entry.flag("met"),
            )
        )
    document_fields = RecordFields(fields.value("report"), str(path), prefix="report.")
    illustrative = fields.flag("illustrative")
    if illustrative and not fields.text("note", blank=True).strip():
        fields.fail("note", "an illustrative record says so in its note")
    try:
        report = StudyReport(
            validation_id=fields.text("validation"),
            protocol_id=fields.text("protocol"),
            protocol_version=fields.text("protocol_version"),
            report=Attachment(
                path=document_fields.text("path"),
                sha256=document_fields.digest("sha256"),
            ),
            start=fields.text("start"),
            end=fields.text("end"),
            approver=fields.text("approver"),
            conclusion=fields.text("conclusion"),
            criteria=tuple(criteria),
            illustrative=illustrative,
            source=fields.text("source", blank=True),
        )
    except ValueError as error:
        raise InputError(f"{path}: {error}") from None
    if fields.text("outcome") != report.outcome:
        fields.fail(
            "outcome",
            f"{fields.text('outcome')!r}, but the criteria say {report.outcome}",
        )
    if fields.record_id("record") != report.run_id:
        fields.fail("record", f"{fields.text('record')!r} is not {report.run_id!r}")
    return report


def run_from_document(document: Mapping[str, Any], path: Path) -> EvidenceRun:
    """The evidence run of a study report record (the store's reader).

    :raises InputError: ``path: key: problem`` if the record is malformed.
    """
    report = read_study(document, path)
    missed = next((c for c in report.criteria if not c.met), None)
    message = (
        f"criterion not met: {missed.criterion}: {missed.value}"
        if missed is not None
        else ""
    )
    result = TestResult(
        suite="study",
        classname="",
        name=report.validation_id,
        outcome=report.outcome,
        duration=0.0,
        message=" ".join(message.split())[:_MESSAGE_LIMIT],
        verifies=(report.validation_id,),
    )
    return EvidenceRun(
        run_id=report.run_id,
        commit=None,
        date=report.end,
        source=report.source or path.name,
        results=(result,),
        kind="study",
        executor=report.approver,
        attachments=(report.report,),
    )


class _TomlFields:
    """Typed reading of the TOML table; every problem is ``file:line: key: problem``."""

    def __init__(self, table: dict[str, Any], path: Path, text: str) -> None:
        self._table = table
        self._path = path
        self._lines = text.splitlines()
        for key in table:
            if key not in _KEYS:
                self.fail(key, f"unknown key (known: {', '.join(_KEYS)})")

    def fail(self, key: str, problem: str, *, entry: int = 0) -> NoReturn:
        line = self._line(key, entry)
        name = f"criteria[{entry}].{key}" if entry else key
        where = f"{self._path}:{line}" if line else str(self._path)
        raise InputError(f"{where}: {name}: {problem}")

    def text(
        self, key: str, table: dict[str, Any] | None = None, entry: int = 0
    ) -> str:
        source = self._table if table is None else table
        if key not in source:
            self.fail(key, "missing", entry=entry)
        value = source[key]
        if not isinstance(value, str):
            self.fail(key, f"must be a string, not {type(value).__name__}", entry=entry)
        if not value.strip():
            self.fail(key, "empty", entry=entry)
        return value.strip()

    def flag(
        self,
        key: str,
        table: dict[str, Any] | None = None,
        entry: int = 0,
        *,
        default: bool | None = None,
    ) -> bool:
        source = self._table if table is None else table
        if key not in source and default is not None:
            return default
        if key not in source:
            self.fail(key, "missing", entry=entry)
        value = source[key]
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {value!r}", entry=entry)
        return value

    def day(self, key: str) -> str:
        if key not in self._table:
            self.fail(key, "missing")
        value = self._table[key]
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str) and _is_date(value):
            return value
        self.fail(key, f"{value!r} is not a date (YYYY-MM-DD)")

    def tables(self, key: str) -> list[dict[str, Any]]:
        value = self._table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be [[criteria]] tables")
        return value

    def _line(self, key: str, entry: int) -> int | None:
        """The line of ``key`` (in the ``entry``-th ``[[criteria]]`` table), if found."""
        start = 0
        if entry:
            headers = [
                number
                for number, line in enumerate(self._lines)
                if re.match(r"\s*\[\[\s*criteria\s*\]\]", line)
            ]
            if len(headers) < entry:
                return self._line("criteria", 0)
            start = headers[entry - 1] + 1
        pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start, len(self._lines)):
            line = self._lines[number]
            if re.match(r"\s*\[", line):
                break  # the keys of a table come before the next table header
            if pattern.match(line):
                return number + 1
        if entry:
            return start  # the entry's [[criteria]] header
        if key == "criteria":
            for number, line in enumerate(self._lines, start=1):
                if re.match(r"\s*\[\[\s*criteria\s*\]\]", line):
                    return number
        return None


def _criterion(toml: _TomlFields, entry: dict[str, Any], index: int) -> Criterion:
    for key in entry:
        if key not in _CRITERION_KEYS:
            toml.fail(
                key, f"unknown key (known: {', '.join(_CRITERION_KEYS)})", entry=index
            )
    return Criterion(
        criterion=toml.text("criterion", entry, index),
        value=toml.text("value", entry, index),
        met=toml.flag("met", entry, index),
    )


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
