"""VT-104, VT-105, VT-106 and VT-126: the reference range service."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from serenya_core.flagging import ExplanationQueue, Report, interpret, interpret_report
from serenya_core.model import Analyte, Flag, LabResult, Reason, ReferenceRange
from serenya_core.reference_ranges import (
    REPORT_ORIGIN,
    AgeBand,
    FallbackEntry,
    FallbackTable,
    Patient,
    ReferenceRangeService,
    ReportRange,
    Sex,
    TableActivationError,
    parse_printed_range,
    review_notice_due,
    signup_allowed,
)

if TYPE_CHECKING:
    from collections.abc import Callable

COLLECTED = date(2026, 3, 10)
FEMALE_45 = Patient(Sex.FEMALE, date(1980, 5, 5))
MALE_45 = Patient(Sex.MALE, date(1980, 5, 5))


def _table(
    entries: list[FallbackEntry],
    approval: date = date(2025, 7, 1),
    review: date = date(2027, 6, 30),
) -> FallbackTable:
    return FallbackTable("test", "test source", approval, review, tuple(entries))


def _all_bands(
    analyte: Analyte, sex: Sex, lower: float, upper: float, unit: str
) -> list[FallbackEntry]:
    return [FallbackEntry(analyte, sex, band, lower, upper, unit) for band in AgeBand]


def _lookup(
    service: ReferenceRangeService,
    patient: Patient,
    report_ranges: tuple[ReportRange, ...] = (),
) -> Callable[[LabResult], ReferenceRange | Reason]:
    return lambda result: service.select(result, patient, report_ranges)


@pytest.mark.verifies("REQ-063", "RC-003")
def test_report_range_takes_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    queries: list[Analyte] = []
    original = FallbackTable.lookup

    def counting(
        table: FallbackTable, analyte: Analyte, sex: Sex, band: AgeBand
    ) -> FallbackEntry | None:
        queries.append(analyte)
        return original(table, analyte, sex, band)

    monkeypatch.setattr(FallbackTable, "lookup", counting)
    service = ReferenceRangeService()
    service.activate(
        _table(
            _all_bands(Analyte.POTASSIUM, Sex.FEMALE, 3.5, 5.1, "mmol/L")
            + _all_bands(Analyte.FERRITIN, Sex.FEMALE, 10.0, 120.0, "ug/L")
        )
    )

    printed = parse_printed_range("3.5 - 5.5", "mmol/L")
    assert printed is not None
    potassium = interpret(
        LabResult(Analyte.POTASSIUM, 5.3, "mmol/L", COLLECTED),
        _lookup(service, FEMALE_45, (printed,)),
    )
    assert potassium.flag is Flag.NORMAL
    assert potassium.range_origin == REPORT_ORIGIN == "range from your report"

    ferritin = LabResult(Analyte.FERRITIN, 14, "ug/L", COLLECTED)
    fhir_ranges = (
        ReportRange(20.0, 200.0, "ug/L", Sex.FEMALE),
        ReportRange(30.0, 400.0, "ug/L", Sex.MALE),
    )
    confirmed_printed = parse_printed_range("20 - 200", "ug/L")
    assert confirmed_printed is not None
    for ranges in (fhir_ranges, (confirmed_printed,)):
        lookup = _lookup(service, FEMALE_45, ranges)
        assert lookup(ferritin) == ReferenceRange(20.0, 200.0, "ug/L", REPORT_ORIGIN)
        outcome = interpret(ferritin, lookup)
        assert outcome.flag is Flag.LOW
        assert outcome.range_origin == REPORT_ORIGIN
    assert queries == []


@pytest.mark.verifies("REQ-063", "RC-003")
def test_fallback_by_sex_and_age_band() -> None:
    entries = [
        FallbackEntry(Analyte.CREATININE, sex, band, lower, upper, "umol/L")
        for sex, band, lower, upper in [
            (Sex.FEMALE, AgeBand.AGE_18_39, 45.0, 84.0),
            (Sex.FEMALE, AgeBand.AGE_40_59, 45.0, 84.0),
            (Sex.FEMALE, AgeBand.AGE_60_79, 47.0, 90.0),
            (Sex.FEMALE, AgeBand.AGE_80_PLUS, 50.0, 98.0),
            (Sex.MALE, AgeBand.AGE_18_39, 59.0, 104.0),
            (Sex.MALE, AgeBand.AGE_40_59, 59.0, 104.0),
            (Sex.MALE, AgeBand.AGE_60_79, 62.0, 115.0),
            (Sex.MALE, AgeBand.AGE_80_PLUS, 66.0, 125.0),
        ]
    ]
    service = ReferenceRangeService()
    service.activate(_table(entries))
    creatinine = LabResult(Analyte.CREATININE, 95, "umol/L", COLLECTED)

    assert interpret(creatinine, _lookup(service, FEMALE_45)).flag is Flag.HIGH
    assert interpret(creatinine, _lookup(service, MALE_45)).flag is Flag.NORMAL

    aged_59_364 = Patient(Sex.MALE, date(1966, 3, 11))  # turns 60 on 2026-03-11
    aged_60_0 = Patient(Sex.MALE, date(1966, 3, 10))
    assert (COLLECTED - date(2025, 3, 11)).days == 364
    origin = "Serenya reference table test: test source"
    assert service.select(creatinine, aged_59_364) == ReferenceRange(
        59.0, 104.0, "umol/L", origin
    )
    assert service.select(creatinine, aged_60_0) == ReferenceRange(
        62.0, 115.0, "umol/L", origin
    )

    no_sex = interpret(creatinine, _lookup(service, Patient(None, date(1980, 5, 5))))
    assert no_sex.range_status == "not interpreted: no reference range"
    assert no_sex.flag is Flag.NOT_INTERPRETED
    assert no_sex.critical is None


@pytest.mark.verifies("REQ-064", "RC-004")
def test_expired_fallback_table_not_used() -> None:
    clock = [datetime(2026, 6, 29, 12, tzinfo=UTC)]
    service = ReferenceRangeService(clock=lambda: clock[0])
    alt_table = _table(
        _all_bands(Analyte.ALT, Sex.FEMALE, 7.0, 35.0, "U/L"),
        approval=date(2025, 7, 1),
        review=date(2026, 6, 30),
    )
    service.activate(alt_table)
    alt = LabResult(Analyte.ALT, 45, "U/L", date(2026, 6, 20))
    lookup = _lookup(service, FEMALE_45)

    cest = timezone(timedelta(hours=2))
    for now in (
        datetime(2026, 6, 29, 12, tzinfo=UTC),
        datetime(2026, 6, 30, 23, 59, tzinfo=UTC),
        datetime(2026, 7, 1, 1, 0, tzinfo=cest),  # still 30 June in UTC
    ):
        clock[0] = now
        outcome = interpret(alt, lookup)
        assert outcome.flag is Flag.HIGH
        assert outcome.range_origin == alt_table.origin
    clock[0] = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)
    expired = interpret(alt, lookup)
    assert expired.flag is Flag.NOT_INTERPRETED
    assert expired.range_status == "not interpreted: reference data under review"

    days = [date(2026, 4, 25) + timedelta(n) for n in range(67)]
    assert days[-1] == date(2026, 6, 30)
    notified = [day for day in days if review_notice_due(alt_table, day)]
    assert notified == [date(2026, 5, 1), date(2026, 6, 23)]

    over_long = _table([], approval=date(2026, 1, 10), review=date(2028, 1, 11))
    with pytest.raises(
        TableActivationError, match="review date more than 24 months after"
    ):
        service.activate(over_long)
    service.activate(dataclasses.replace(over_long, review_date=date(2028, 1, 10)))


@pytest.mark.verifies("REQ-079", "RC-019")
def test_paediatric_report_not_interpreted() -> None:
    today = date(2026, 6, 1)
    assert not signup_allowed(date(2008, 6, 2), today)
    assert signup_allowed(date(2008, 6, 1), today)

    lookups: list[LabResult] = []

    def report_range(result: LabResult) -> ReferenceRange:
        lookups.append(result)
        return ReferenceRange(35.0, 105.0, "U/L", REPORT_ORIGIN)

    queue = ExplanationQueue()
    alp = LabResult(Analyte.ALP, 380, "U/L", date(2026, 5, 20))
    paediatric = Report((alp,), patient_date_of_birth=date(2014, 2, 10))
    (outcome,) = interpret_report(paediatric, report_range, queue)
    assert outcome.range_status == "Serenya interprets adult results only"
    assert outcome.flag is Flag.NOT_INTERPRETED
    assert outcome.critical is None
    assert queue.requests == []
    assert lookups == []

    undated = Report((alp,), patient_date_of_birth=None)
    (unconfirmed,) = interpret_report(undated, report_range, queue)
    assert unconfirmed.reason is Reason.CONFIRM_OWN_REPORT
    assert unconfirmed.flag is Flag.NOT_INTERPRETED
    assert queue.requests == []
    confirmed = dataclasses.replace(undated, own_report_confirmed=True)
    (interpreted,) = interpret_report(confirmed, report_range, queue)
    assert interpreted.flag is Flag.HIGH
    assert queue.requests == [interpreted]
