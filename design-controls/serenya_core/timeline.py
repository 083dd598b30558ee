"""Timeline rules: collection date with every result, old results labelled (REQ-074).

A result collected more than 90 days before today is labelled
"Old result - collected <date>", is never the latest value of its analyte, and a
critical alert for it states the date and the age in days in its title.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

    from serenya_core.model import Analyte, LabResult

__all__ = [
    "OLD_AFTER_DAYS",
    "TimelineEntry",
    "critical_alert_title",
    "format_date",
    "is_old",
    "latest",
    "timeline",
]

OLD_AFTER_DAYS = 90
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(day: date) -> str:
    """A date as shown in the app, e.g. "2 March 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def is_old(collection_date: date, today: date) -> bool:
    """Collected more than 90 days before ``today``."""
    return (today - collection_date).days > OLD_AFTER_DAYS


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A result as the timeline shows it."""

    result: LabResult
    date_text: str
    old_label: str | None


def timeline(results: Iterable[LabResult], today: date) -> list[TimelineEntry]:
    """Results ordered by collection date, newest first, with date and old label."""
    ordered = sorted(results, key=lambda r: r.collection_date, reverse=True)
    return [
        TimelineEntry(
            r,
            format_date(r.collection_date),
            f"Old result - collected {format_date(r.collection_date)}"
            if is_old(r.collection_date, today)
            else None,
        )
        for r in ordered
    ]


def latest(
    results: Iterable[LabResult], analyte: Analyte, today: date
) -> LabResult | None:
    """The latest result of ``analyte`` that is not old, if any."""
    recent = [
        r
        for r in results
        if r.analyte == analyte and not is_old(r.collection_date, today)
    ]
    return max(recent, key=lambda r: r.collection_date, default=None)


def critical_alert_title(collection_date: date, today: date) -> str:
    """Title of the critical alert; for an old result it states date and age."""
    if not is_old(collection_date, today):
        return "Critical result"
    days = (today - collection_date).days
    return f"Result from {format_date(collection_date)} - {days} days old"
