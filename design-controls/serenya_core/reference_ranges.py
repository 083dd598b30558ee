"""Reference range service: report range first, then a dated fallback (REQ-063/064/079).

A range extracted from the report and confirmed by the user, or the FHIR
``referenceRange`` applicable to the user's sex, is always applied when one exists.
Only otherwise is the fallback table entry of the user's sex and age band at the
collection date used, and only up to the table's review date (UTC). Without recorded
sex or date of birth no fallback is applied. Patients under 18 at the collection date
are not interpreted, and a report without patient date of birth only once the user has
confirmed it is their own.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from serenya_core.model import Reason, ReferenceRange

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from serenya_core.model import Analyte, LabResult

__all__ = [
    "REPORT_ORIGIN",
    "AgeBand",
    "FallbackEntry",
    "FallbackTable",
    "Patient",
    "ReferenceRangeService",
    "ReportRange",
    "Sex",
    "TableActivationError",
    "age_band",
    "age_in_years",
    "applied_range",
    "parse_printed_range",
    "report_eligibility",
    "review_notice_due",
    "signup_allowed",
]

REPORT_ORIGIN = "range from your report"
ADULT_AGE = 18
MAX_REVIEW_MONTHS = 24
NOTICE_DAYS_BEFORE_REVIEW = (60, 7)


class Sex(StrEnum):
    """Recorded sex of the user, as used by the fallback tables."""

    FEMALE = "female"
    MALE = "male"


class AgeBand(StrEnum):
    """Adult age bands of the fallback tables (REQ-036)."""

    AGE_18_39 = "18-39"
    AGE_40_59 = "40-59"
    AGE_60_79 = "60-79"
    AGE_80_PLUS = "80+"


def age_in_years(date_of_birth: date, on: date) -> int:
    """Completed years of age on the day ``on``."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def age_band(date_of_birth: date, on: date) -> AgeBand | None:
    """The age band on ``on``, or ``None`` for a person under 18."""
    age = age_in_years(date_of_birth, on)
    if age < ADULT_AGE:
        return None
    if age < 40:
        return AgeBand.AGE_18_39
    if age < 60:
        return AgeBand.AGE_40_59
    if age < 80:
        return AgeBand.AGE_60_79
    return AgeBand.AGE_80_PLUS


def signup_allowed(date_of_birth: date, today: date) -> bool:
    """Sign-up is refused to users younger than 18 on the day of sign-up (REQ-079)."""
    return age_in_years(date_of_birth, today) >= ADULT_AGE


def report_eligibility(
    patient_date_of_birth: date | None,
    collection_date: date,
    *,
    own_report_confirmed: bool,
) -> Reason | None:
    """Why a report may not be interpreted (REQ-079), or ``None`` if it may."""
    if patient_date_of_birth is None:
        return None if own_report_confirmed else Reason.CONFIRM_OWN_REPORT
    if age_in_years(patient_date_of_birth, collection_date) < ADULT_AGE:
        return Reason.ADULT_RESULTS_ONLY
    return None


@dataclass(frozen=True, slots=True)
class Patient:
    """What the service may use of the user: recorded sex and date of birth."""

    sex: Sex | None
    date_of_birth: date | None


@dataclass(frozen=True, slots=True)
class ReportRange:
    """A confirmed printed range or a FHIR ``referenceRange`` (``sex`` if specific).

    A one-sided range has ``-inf`` or ``inf`` as its missing limit, and a limit
    printed with "<" or ">" does not belong to the range (REQ-039).
    """

    lower: float
    upper: float
    unit: str
    sex: Sex | None = None
    lower_included: bool = True
    upper_included: bool = True


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_RANGE = re.compile(rf"^\s*{_NUMBER}\s*[-\u2013]\s*{_NUMBER}\s*$")


def parse_printed_range(text: str, unit: str) -> ReportRange | None:
    """A printed "lower - upper" range, or ``None`` if the text is not one."""
    match = _RANGE.match(text)
    if match is None:
        return None
    lower, upper = (float(g.replace(",", ".")) for g in match.groups())
    return ReportRange(lower, upper, unit) if lower <= upper else None


def applied_range(report_range: ReportRange) -> ReferenceRange:
    """A range from the report as applied, with the origin "range from your report"."""
    return ReferenceRange(
        report_range.lower,
        report_range.upper,
        report_range.unit,
        REPORT_ORIGIN,
        report_range.lower_included,
        report_range.upper_included,
    )


@dataclass(frozen=True, slots=True)
class FallbackEntry:
    """Limits of one analyte for one sex and age band, in ``unit``."""

    analyte: Analyte
    sex: Sex
    band: AgeBand
    lower: float
    upper: float
    unit: str


@dataclass(frozen=True, slots=True)
class FallbackTable:
    """A released fallback table with its source, approval and review dates."""

    version: str
    source: str
    approval_date: date
    review_date: date
    entries: tuple[FallbackEntry, ...]

    @property
    def origin(self) -> str:
        """The origin shown with a range taken from this table (REQ-037)."""
        return f"Serenya reference table {self.version}: {self.source}"

    def lookup(self, analyte: Analyte, sex: Sex, band: AgeBand) -> FallbackEntry | None:
        """The entry for ``analyte``, ``sex`` and ``band``, if the table has one."""
        return next(
            (
                e
                for e in self.entries
                if (e.analyte, e.sex, e.band) == (analyte, sex, band)
            ),
            None,
        )


class TableActivationError(ValueError):
    """A fallback table that may not be activated."""


def _add_months(day: date, months: int) -> date:
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_notice_due(table: FallbackTable, day: date) -> bool:
    """Whether the data owner is notified on ``day`` (60 and 7 days before review)."""
    return (table.review_date - day).days in NOTICE_DAYS_BEFORE_REVIEW


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ReferenceRangeService:
    """Selects the reference range of a result (REQ-063, REQ-064)."""

    def __init__(self, clock: Callable[[], datetime] = _utc_now) -> None:
        self._clock = clock
        self._tables: dict[Analyte, FallbackTable] = {}

    def activate(self, table: FallbackTable) -> None:
        """Activate ``table``; refused if reviewed over 24 months after approval."""
        if table.review_date > _add_months(table.approval_date, MAX_REVIEW_MONTHS):
            raise TableActivationError("review date more than 24 months after approval")
        for entry in table.entries:
            self._tables[entry.analyte] = table

    def select(
        self,
        result: LabResult,
        patient: Patient,
        report_ranges: Sequence[ReportRange] = (),
    ) -> ReferenceRange | Reason:
        """The range to apply to ``result``, or why there is none."""
        applicable = [r for r in report_ranges if r.sex in (None, patient.sex)]
        applicable.sort(key=lambda r: r.sex is None)  # sex-specific entries first
        if applicable:
            return applied_range(applicable[0])
        return self._fallback(result, patient)

    def _fallback(self, result: LabResult, patient: Patient) -> ReferenceRange | Reason:
        if patient.sex is None or patient.date_of_birth is None:
            return Reason.NO_REFERENCE_RANGE
        band = age_band(patient.date_of_birth, result.collection_date)
        if band is None:
            return Reason.ADULT_RESULTS_ONLY
        table = self._tables.get(result.analyte)
        if (
            table is not None
            and self._clock().astimezone(UTC).date() > table.review_date
        ):
            return Reason.REFERENCE_DATA_UNDER_REVIEW
        entry = (
            None if table is None else table.lookup(result.analyte, patient.sex, band)
        )
        if table is None or entry is None:
            return Reason.NO_REFERENCE_RANGE
        return ReferenceRange(entry.lower, entry.upper, entry.unit, table.origin)
