"""VT-101 and VT-102: unit normalisation without default unit, plausibility limits."""

from __future__ import annotations

from datetime import date

import pytest

from serenya_core.flagging import ExplanationQueue, interpret
from serenya_core.model import Analyte, Flag, LabResult, Reason, ReferenceRange
from serenya_core.units import (
    UCUM_SYSTEM,
    Normalised,
    UnitProblem,
    normalise,
    quantity_from_fhir,
    to_canonical,
)

COLLECTED = date(2026, 3, 2)
MICRO_MOL = "\u00b5mol/L"  # as printed, with the micro sign
RANGES = {
    Analyte.CREATININE: ReferenceRange(62.0, 106.0, "umol/L", "Serenya table test"),
    Analyte.LDL_CHOLESTEROL: ReferenceRange(0.0, 3.0, "mmol/L", "Serenya table test"),
    Analyte.POTASSIUM: ReferenceRange(3.5, 5.1, "mmol/L", "range from your report"),
}


def _range(result: LabResult) -> ReferenceRange:
    return RANGES[result.analyte]


@pytest.mark.verifies("REQ-061", "RC-001")
def test_missing_or_unconvertible_unit_not_interpreted() -> None:
    queue = ExplanationQueue()
    ldl_value, ldl_unit = quantity_from_fhir({"value": 4.9, "system": UCUM_SYSTEM})
    defective = [
        (LabResult(Analyte.CREATININE, 2.1, "", COLLECTED), Reason.UNIT_UNKNOWN),
        (
            LabResult(Analyte.LDL_CHOLESTEROL, ldl_value, ldl_unit, COLLECTED),
            Reason.UNIT_UNKNOWN,
        ),
        (
            LabResult(Analyte.POTASSIUM, 4.2, "mEq", COLLECTED),
            Reason.UNIT_NOT_CONVERTIBLE,
        ),
    ]
    for result, reason in defective:
        outcome = interpret(result, _range, queue)
        assert outcome.reason is reason
        assert outcome.range_status == reason.value
        assert outcome.flag is Flag.NOT_INTERPRETED
        assert outcome.critical is None
        assert outcome.range_flag is None
        assert outcome.value is None
    assert Reason.UNIT_UNKNOWN.value == "not interpreted: unit unknown"
    assert Reason.UNIT_NOT_CONVERTIBLE.value == "not interpreted: unit not convertible"
    assert queue.requests == []

    control = interpret(LabResult(Analyte.CREATININE, 2.1, "mg/dL", COLLECTED), _range)
    assert control.value is not None
    assert round(control.value, 1) == 185.7
    assert control.unit == "umol/L"
    assert control.flag is Flag.HIGH


def _rejected(analyte: Analyte, value: float, unit: str) -> UnitProblem:
    outcome = normalise(analyte, value, unit)
    assert isinstance(outcome, UnitProblem), (analyte, value, unit)
    assert outcome.reason is Reason.CHECK_UNIT
    assert outcome.reason.value == "Please check the unit"
    return outcome


def _proposal(outcome: UnitProblem, digits: int) -> tuple[str | None, float | None]:
    value = outcome.proposed_value
    return outcome.proposed_unit, None if value is None else round(value, digits)


@pytest.mark.verifies("REQ-062", "RC-002")
def test_plausibility_limits_and_unit_proposal() -> None:
    glucose_95 = _rejected(Analyte.GLUCOSE, 95, "mmol/L")
    assert _proposal(glucose_95, 2) == ("mg/dL", 5.27)

    for accepted in (0.5, 60.0):
        outcome = normalise(Analyte.GLUCOSE, accepted, "mmol/L")
        assert outcome == Normalised(Analyte.GLUCOSE, accepted, "mmol/L")
    assert _proposal(_rejected(Analyte.GLUCOSE, 0.49, "mmol/L"), 2) == (None, None)
    # 60.1 mg/dL would be 3.34 mmol/L, which is plausible, so mg/dL is proposed
    assert _proposal(_rejected(Analyte.GLUCOSE, 60.1, "mmol/L"), 2) == ("mg/dL", 3.34)

    creatinine = _rejected(Analyte.CREATININE, 2.1, MICRO_MOL)
    assert _proposal(creatinine, 1) == ("mg/dL", 185.7)
    cholesterol = _rejected(Analyte.TOTAL_CHOLESTEROL, 240, "mmol/L")
    assert _proposal(cholesterol, 2) == ("mg/dL", 6.21)
    assert _proposal(_rejected(Analyte.POTASSIUM, 10.1, "mmol/L"), 2) == (None, None)

    # value corrected by the user to glucose 5.4 with the unit mg/dL
    corrected = LabResult(Analyte.GLUCOSE, 5.4, "mg/dL", COLLECTED)
    converted = to_canonical(corrected.analyte, corrected.value, corrected.unit)
    assert isinstance(converted, float)
    assert round(converted, 2) == 0.30
    assert _proposal(_rejected(Analyte.GLUCOSE, 5.4, "mg/dL"), 1) == ("mmol/L", 5.4)
    interpretation = interpret(corrected, _range)
    assert interpretation.flag is Flag.NOT_INTERPRETED
    assert interpretation.critical is None
    assert interpretation.proposed_unit == "mmol/L"
