"""The interpretation pipeline on a small synthetic mixed-unit corpus.

``data/mixed-unit-corpus.json`` is an illustrative corpus of four confirmed reports
(US, German, French and Spanish; PDF, photo and FHIR) in which units were removed or
replaced by the unit of the neighbouring line. Each line states its true unit and
the expected outcome. It is not the 612-value verification corpus of VT-103, which
is processed on the staging system from real report files.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from serenya_core.critical import CRITICAL_TABLE_VERSION
from serenya_core.flagging import ExplanationQueue, Interpretation
from serenya_core.guard import AI_LABEL, STANDARD_LABEL
from serenya_core.model import Analyte, Flag, Reason
from serenya_core.pipeline import LineOutcome, ReportInput, ReportLine, run_report
from serenya_core.reference_ranges import (
    REPORT_ORIGIN,
    AgeBand,
    FallbackEntry,
    FallbackTable,
    Patient,
    ReferenceRangeService,
    Sex,
)
from serenya_core.units import to_canonical

CORPUS = Path(__file__).parent / "data" / "mixed-unit-corpus.json"


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _service(document: dict[str, Any]) -> ReferenceRangeService:
    table = document["fallback_table"]
    service = ReferenceRangeService(
        clock=lambda: datetime.fromisoformat(document["today"] + "T12:00:00+00:00")
    )
    service.activate(
        FallbackTable(
            table["version"],
            table["source"],
            _day(table["approval_date"]),
            _day(table["review_date"]),
            tuple(
                FallbackEntry(
                    Analyte(e["analyte"]),
                    Sex(e["sex"]),
                    AgeBand(e["band"]),
                    float(e["lower"]),
                    float(e["upper"]),
                    e["unit"],
                )
                for e in table["entries"]
            ),
        )
    )
    return service


def _report(report: dict[str, Any]) -> tuple[ReportInput, Patient]:
    patient = Patient(
        Sex(report["patient"]["sex"]), _day(report["patient"]["date_of_birth"])
    )
    lines = tuple(
        ReportLine(
            line_id=line["id"],
            analyte=Analyte(line["analyte"]),
            value_text=line["value"],
            unit=line["unit"],
            range_text=line["range"],
        )
        for line in report["lines"]
    )
    confirmed = ReportInput(
        report_id=report["id"],
        language=report["language"],
        collection_date=_day(report["collected"]),
        patient_date_of_birth=patient.date_of_birth,
        lines=lines,
    )
    return confirmed, patient


def _run_corpus() -> tuple[dict[str, Any], dict[str, LineOutcome], ExplanationQueue]:
    document = json.loads(CORPUS.read_text(encoding="utf-8"))
    assert document["_note"].startswith("ILLUSTRATIVE")
    service = _service(document)
    recorded = {
        (report["id"], line["id"]): line["explanation"]
        for report in document["reports"]
        for line in report["lines"]
        if "explanation" in line
    }

    def explainer(report_id: str, line_id: str, _: Interpretation) -> str | None:
        return recorded.get((report_id, line_id))

    queue = ExplanationQueue()
    outcomes: dict[str, LineOutcome] = {}
    for report in document["reports"]:
        confirmed, patient = _report(report)
        for outcome in run_report(confirmed, patient, service, explainer, queue):
            outcomes[f"{outcome.report_id}/{outcome.line_id}"] = outcome
    return document, outcomes, queue


def _lines(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{report['id']}/{line['id']}": line
        for report in document["reports"]
        for line in report["lines"]
    }


@pytest.mark.verifies("REQ-061", "REQ-062", "RC-001", "RC-002")
def test_mixed_unit_corpus() -> None:
    document, outcomes, queue = _run_corpus()
    lines = _lines(document)
    assert len(lines) == 28
    assert {key: o.status for key, o in outcomes.items()} == {
        key: line["expected"] for key, line in lines.items()
    }

    # no value is compared in a wrong unit: every interpreted value equals the
    # value converted from the unit it was truly measured in
    for key, line in lines.items():
        outcome = outcomes[key]
        interpretation = outcome.interpretation
        assert interpretation is not None, key
        if interpretation.flag is Flag.NOT_INTERPRETED:
            assert interpretation.value is None, key
            continue
        assert "seeded" not in line, key
        assert outcome.value is not None
        truth = to_canonical(Analyte(line["analyte"]), outcome.value, line["true_unit"])
        assert interpretation.value == pytest.approx(truth, rel=1e-9), key

    # every seeded unit defect ends as "not interpreted" or as the right proposal
    seeded = {key: line for key, line in lines.items() if "seeded" in line}
    assert [line["seeded"] for line in seeded.values()].count("unit removed") == 3
    assert [line["seeded"] for line in seeded.values()].count("unit replaced") == 4
    for key, line in seeded.items():
        interpretation = outcomes[key].interpretation
        assert interpretation is not None
        assert interpretation.flag is Flag.NOT_INTERPRETED
        assert interpretation.critical is None
        assert interpretation.proposed_unit == line.get("proposed_unit"), key
        if interpretation.reason is Reason.CHECK_UNIT:
            assert interpretation.proposed_unit == line["true_unit"], key
    # only interpreted results reach the explanation service
    assert {f"{o.result.analyte}/{o.result.value}" for o in queue.requests} == {
        f"{o.interpretation.result.analyte}/{o.interpretation.result.value}"
        for o in outcomes.values()
        if o.interpretation is not None and o.explanation is not None
    }
    assert len(queue.requests) == 21


@pytest.mark.verifies("REQ-063", "REQ-065", "REQ-070", "RC-003", "RC-005", "RC-010")
def test_pipeline_ranges_criticals_and_guard() -> None:
    _, outcomes, _ = _run_corpus()

    def origin(key: str) -> str | None:
        interpretation = outcomes[key].interpretation
        assert interpretation is not None
        return interpretation.range_origin

    assert origin("US-01/1") == REPORT_ORIGIN
    fallback = "Serenya reference table 2026.1: illustrative test source"
    assert origin("DE-01/9") == fallback  # printed range "siehe Befund" not read
    assert origin("ES-01/2") == fallback  # FHIR Observation without referenceRange

    table = f"critical-value table {CRITICAL_TABLE_VERSION}"
    assert outcomes["DE-01/5"].critical_note == f"critical above 6.2 mmol/L, {table}"
    assert outcomes["FR-01/4"].critical_note == f"critical below 120 mmol/L, {table}"
    assert outcomes["ES-01/5"].critical_note == f"critical below 2.8 mmol/L, {table}"
    criticals = [key for key, o in outcomes.items() if o.critical_note is not None]
    assert criticals == ["DE-01/5", "FR-01/4", "ES-01/5"]

    softened = outcomes["DE-01/5"].explanation
    assert softened is not None
    assert softened.withheld
    assert softened.label == STANDARD_LABEL
    assert "leicht" not in softened.displayed_text
    for key in ("FR-01/4", "ES-01/5"):
        shown = outcomes[key].explanation
        assert shown is not None
        assert (shown.withheld, shown.label) == (False, AI_LABEL), key
    others = [
        o.explanation
        for key, o in outcomes.items()
        if o.explanation is not None and key not in criticals
    ]
    assert len(others) == 18
    assert all(e.label == STANDARD_LABEL and not e.withheld for e in others)


@pytest.mark.verifies("REQ-069", "REQ-079", "RC-009", "RC-019")
def test_pipeline_stops_unread_values_and_paediatric_reports() -> None:
    service = ReferenceRangeService()
    patient = Patient(Sex.FEMALE, date(2014, 2, 10))
    lines = (
        ReportLine(
            line_id="1",
            analyte=Analyte.POTASSIUM,
            value_text="6,8",
            unit="mmol/l",
            range_text="3,5 - 5,1",
        ),
        ReportLine(
            line_id="2",
            analyte=Analyte.SODIUM,
            value_text="1.41",
            unit="mmol/l",
            range_text="135 - 145",
        ),
    )
    adult = ReportInput(
        report_id="DE-02",
        language="de",
        collection_date=date(2026, 5, 20),
        patient_date_of_birth=date(1980, 1, 1),
        lines=lines,
    )
    adult_patient = Patient(Sex.FEMALE, date(1980, 1, 1))
    first, second = run_report(adult, adult_patient, service, lambda *_: None)
    assert first.status == "Critical high"
    assert second.status == "value not read"
    assert second.interpretation is None

    paediatric = ReportInput(
        report_id="DE-03",
        language="de",
        collection_date=date(2026, 5, 20),
        patient_date_of_birth=patient.date_of_birth,
        lines=lines,
    )
    queue = ExplanationQueue()
    refused = run_report(paediatric, patient, service, lambda *_: None, queue)
    assert [o.status for o in refused] == ["Serenya interprets adult results only"] * 2
    assert all(o.interpretation is None and o.explanation is None for o in refused)
    assert queue.requests == []
