"""The deterministic interpretation pipeline of one confirmed report.

parse (:mod:`serenya_core.parser`) -> units (:mod:`serenya_core.units`) -> ranges
(:mod:`serenya_core.notation`, :mod:`serenya_core.reference_ranges`) -> flags and
critical values (:mod:`serenya_core.flagging`) -> explanation guard
(:mod:`serenya_core.guard`).

A report of a patient under 18, or without date of birth and not confirmed as the
user's own, is not interpreted (REQ-079). A value that does not match the numeric
pattern of the report locale is "value not read" (REQ-069). The report's printed
range is applied when one was read, otherwise the fallback range (REQ-063). Only an
interpreted result is explained: the generated text, if the explainer supplies one,
passes the guard (REQ-070); otherwise the curated standard explanation is shown. The
explainer is a parameter: the tests supply recorded texts, no model is called here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from serenya_core.critical import critical_note
from serenya_core.flagging import ExplanationQueue, Interpretation, interpret
from serenya_core.guard import Explanation, guard, standard_decision
from serenya_core.model import Flag, LabResult
from serenya_core.notation import parse_range
from serenya_core.parser import ValueNotRead, decimal_separator, parse_value
from serenya_core.reference_ranges import ReportRange, report_eligibility

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date
    from typing import TypeAlias

    from serenya_core.guard import GuardDecision
    from serenya_core.model import Analyte, Reason, ReferenceRange
    from serenya_core.reference_ranges import Patient, ReferenceRangeService

    #: (report id, line id, interpretation) -> generated text, or None
    Explainer: TypeAlias = Callable[[str, str, Interpretation], str | None]

__all__ = ["LineOutcome", "ReportInput", "ReportLine", "run_report"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportLine:
    """One confirmed result line as printed: value, unit and range strings."""

    line_id: str
    analyte: Analyte
    value_text: str
    unit: str | None
    range_text: str | None = None
    ocr_token: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportInput:
    """A confirmed report in its language, with its printed patient date of birth."""

    report_id: str
    language: str
    collection_date: date
    patient_date_of_birth: date | None
    lines: tuple[ReportLine, ...]
    own_report_confirmed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class LineOutcome:
    """What the pipeline produced for one line."""

    report_id: str
    line_id: str
    status: str
    value: float | None = None
    interpretation: Interpretation | None = None
    critical_note: str | None = None
    explanation: GuardDecision | None = None


def _lookup(
    service: ReferenceRangeService,
    patient: Patient,
    ranges: tuple[ReportRange, ...],
) -> Callable[[LabResult], ReferenceRange | Reason]:
    return lambda result: service.select(result, patient, ranges)


def _explain(
    report: ReportInput,
    line: ReportLine,
    outcome: Interpretation,
    explainer: Explainer,
) -> GuardDecision:
    text = explainer(report.report_id, line.line_id, outcome)
    if text is None:
        return standard_decision(line.analyte, outcome.flag, report.language)
    return guard(
        Explanation(
            analyte=line.analyte,
            flag=outcome.flag,
            language=report.language,
            text=text,
        )
    )


def run_report(
    report: ReportInput,
    patient: Patient,
    service: ReferenceRangeService,
    explainer: Explainer,
    queue: ExplanationQueue | None = None,
) -> list[LineOutcome]:
    """Interpret and explain every line of a confirmed report."""
    refusal = report_eligibility(
        report.patient_date_of_birth,
        report.collection_date,
        own_report_confirmed=report.own_report_confirmed,
    )
    if refusal is not None:
        return [
            LineOutcome(report_id=report.report_id, line_id=x.line_id, status=refusal)
            for x in report.lines
        ]
    separator = decimal_separator(report.language, [x.value_text for x in report.lines])
    queue = queue if queue is not None else ExplanationQueue()
    outcomes = []
    for line in report.lines:
        parsed = parse_value(line.value_text, separator, ocr_token=line.ocr_token)
        if isinstance(parsed, ValueNotRead):
            outcomes.append(
                LineOutcome(
                    report_id=report.report_id,
                    line_id=line.line_id,
                    status=parsed.status,
                )
            )
            continue
        printed = (
            None
            if line.range_text is None
            else parse_range(
                line.range_text, line.unit, sex=patient.sex, language=report.language
            )
        )
        ranges = (printed,) if isinstance(printed, ReportRange) else ()
        result = LabResult(
            line.analyte, parsed.value, line.unit, report.collection_date
        )
        outcome = interpret(result, _lookup(service, patient, ranges), queue)
        interpreted = outcome.flag is not Flag.NOT_INTERPRETED
        outcomes.append(
            LineOutcome(
                report_id=report.report_id,
                line_id=line.line_id,
                status=outcome.flag.value if interpreted else outcome.range_status,
                value=parsed.value,
                interpretation=outcome,
                critical_note=None
                if outcome.critical is None
                else critical_note(line.analyte, outcome.critical),
                explanation=_explain(report, line, outcome, explainer)
                if interpreted
                else None,
            )
        )
    return outcomes
