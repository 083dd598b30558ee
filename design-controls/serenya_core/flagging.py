"""Flagging engine: range classification combined with the critical evaluation.

A result is first normalised (:mod:`serenya_core.units`); a unit problem stops it
with no flag, no critical evaluation and no explanation request (REQ-061, REQ-062).
The critical evaluation (:mod:`serenya_core.critical`) runs next, before and apart
from the range lookup, so a missing, unparsed or failing range cannot suppress a
critical flag (REQ-065). The range is then applied with inclusive limits (REQ-039).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from serenya_core.critical import evaluate_critical
from serenya_core.model import Flag, Reason
from serenya_core.notation import normalise_qualitative
from serenya_core.reference_ranges import report_eligibility
from serenya_core.units import UnitProblem, normalise, to_canonical

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date
    from typing import TypeAlias

    from serenya_core.model import Analyte, LabResult, ReferenceRange
    from serenya_core.notation import Bound

    #: the reference range service as the flagging engine sees it
    RangeLookup: TypeAlias = Callable[[LabResult], ReferenceRange | Reason]

__all__ = [
    "ExplanationQueue",
    "Interpretation",
    "Report",
    "classify_against_range",
    "interpret",
    "interpret_bound",
    "interpret_qualitative",
    "interpret_report",
]


@dataclass(frozen=True, slots=True)
class Interpretation:
    """The outcome for one result; the reported value and unit stay for display."""

    result: LabResult
    value: float | None = None
    unit: str | None = None
    critical: Flag | None = None
    range_flag: Flag | None = None
    range_origin: str | None = None
    reason: Reason | None = None
    proposed_unit: str | None = None
    proposed_value: float | None = None

    @property
    def flag(self) -> Flag:
        """The single flag of REQ-039: critical first, then the range flag."""
        return self.critical or self.range_flag or Flag.NOT_INTERPRETED

    @property
    def range_status(self) -> str:
        """The range classification, or the reason why there is none."""
        if self.range_flag is not None:
            return self.range_flag.value
        return self.reason.value if self.reason is not None else ""


@dataclass(slots=True)
class ExplanationQueue:
    """Results handed to the explanation service."""

    requests: list[Interpretation] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Report:
    """A confirmed report: its results and the patient date of birth printed on it."""

    results: tuple[LabResult, ...]
    patient_date_of_birth: date | None
    own_report_confirmed: bool = False


def classify_against_range(
    value: float,
    lower: float,
    upper: float,
    *,
    lower_included: bool = True,
    upper_included: bool = True,
) -> Flag:
    """Low, Normal or High; a limit belongs to the range unless stated otherwise."""
    if value < lower or (value == lower and not lower_included):
        return Flag.LOW
    if value > upper or (value == upper and not upper_included):
        return Flag.HIGH
    return Flag.NORMAL


def _range_outcome(
    result: LabResult, canonical: float, lookup: RangeLookup
) -> tuple[Flag | None, str | None, Reason | None]:
    try:
        selection = lookup(result)
    except Exception:  # a failing range service must not stop flagging
        selection = Reason.NO_REFERENCE_RANGE
    if isinstance(selection, Reason):
        return None, None, selection
    lower = to_canonical(result.analyte, selection.lower, selection.unit)
    upper = to_canonical(result.analyte, selection.upper, selection.unit)
    if isinstance(lower, Reason) or isinstance(upper, Reason):
        return None, None, Reason.UNIT_NOT_CONVERTIBLE
    flag = classify_against_range(
        canonical,
        lower,
        upper,
        lower_included=selection.lower_included,
        upper_included=selection.upper_included,
    )
    return flag, selection.origin, None


def interpret(
    result: LabResult,
    lookup: RangeLookup,
    queue: ExplanationQueue | None = None,
) -> Interpretation:
    """Classify one confirmed result and queue it for explanation if interpreted."""
    normalised = normalise(result.analyte, result.value, result.unit)
    if isinstance(normalised, UnitProblem):
        return Interpretation(
            result,
            reason=normalised.reason,
            proposed_unit=normalised.proposed_unit,
            proposed_value=normalised.proposed_value,
        )
    critical = evaluate_critical(result.analyte, normalised.value)
    range_flag, origin, reason = _range_outcome(result, normalised.value, lookup)
    outcome = Interpretation(
        result, normalised.value, normalised.unit, critical, range_flag, origin, reason
    )
    if queue is not None and outcome.flag is not Flag.NOT_INTERPRETED:
        queue.requests.append(outcome)
    return outcome


def _flag_at(analyte: Analyte, value: float, reference: ReferenceRange) -> Flag:
    lower = to_canonical(analyte, reference.lower, reference.unit)
    upper = to_canonical(analyte, reference.upper, reference.unit)
    if isinstance(lower, Reason) or isinstance(upper, Reason):
        raise ValueError(f"{analyte}: range unit {reference.unit!r} not convertible")
    return evaluate_critical(analyte, value) or classify_against_range(
        value,
        lower,
        upper,
        lower_included=reference.lower_included,
        upper_included=reference.upper_included,
    )


def interpret_bound(
    analyte: Analyte, bound: Bound, unit: str | None, reference: ReferenceRange
) -> Flag | Reason:
    """Classify a value reported as a bound, only if every admitted value agrees.

    "<v" admits the values from 0 up to v, ">v" all values above v (REQ-040). The
    flag (critical first, then the range) rises with the value, so the values at
    both ends of the admitted interval decide; an open end is the nearest float
    inside the interval.
    """
    limit = to_canonical(analyte, bound.value, unit)
    origin = to_canonical(analyte, 0.0, unit)
    if isinstance(limit, Reason):
        return limit
    if isinstance(origin, Reason):
        return origin
    if bound.operator.startswith("<"):
        ends = (origin, limit if bound.operator == "<=" else math.nextafter(limit, 0))
    else:
        start = limit if bound.operator == ">=" else math.nextafter(limit, math.inf)
        ends = (start, math.inf)
    try:
        flags = {_flag_at(analyte, end, reference) for end in ends}
    except ValueError:
        return Reason.UNIT_NOT_CONVERTIBLE
    return flags.pop() if len(flags) == 1 else Reason.VALUE_BOUND


def interpret_qualitative(text: str, expected: str | None) -> Flag | Reason:
    """Normal if equal to the expected value, Abnormal if not, else no expected."""
    if expected is None:
        return Reason.NO_EXPECTED_VALUE
    same = normalise_qualitative(text) == normalise_qualitative(expected)
    return Flag.NORMAL if same else Flag.ABNORMAL


def interpret_report(
    report: Report,
    lookup: RangeLookup,
    queue: ExplanationQueue | None = None,
) -> list[Interpretation]:
    """Interpret a report, unless it is a paediatric or unconfirmed one (REQ-079)."""
    outcomes = []
    for result in report.results:
        refusal = report_eligibility(
            report.patient_date_of_birth,
            result.collection_date,
            own_report_confirmed=report.own_report_confirmed,
        )
        if refusal is None:
            outcomes.append(interpret(result, lookup, queue))
        else:
            outcomes.append(Interpretation(result, reason=refusal))
    return outcomes
