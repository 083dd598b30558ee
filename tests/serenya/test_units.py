"""VT-101, VT-102, VT-038 and VT-039: unit spellings, conversion and plausibility."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from serenya_core.flagging import ExplanationQueue, interpret
from serenya_core.model import Analyte, Flag, LabResult, Reason, ReferenceRange
from serenya_core.units import (
    CANONICAL_UNIT,
    UCUM_SPELLINGS,
    UCUM_SYSTEM,
    Normalised,
    UnitProblem,
    format_value,
    normalise,
    quantity_from_fhir,
    to_canonical,
    to_ucum,
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


UNIT_TEST_SET = Path(__file__).parent / "data" / "unit-spellings.json"


@pytest.mark.verifies("REQ-033")
def test_unit_spellings_to_ucum() -> None:
    test_set = json.loads(UNIT_TEST_SET.read_text(encoding="utf-8"))["spellings"]
    assert len(test_set) == 60
    mapped = {case["spelling"]: to_ucum(case["spelling"]) for case in test_set}
    assert mapped == {case["spelling"]: case["ucum"] for case in test_set}
    assert len(UCUM_SPELLINGS) >= 60
    for procedure_spelling in (
        "mmol/l",
        "mg/dl",
        "\u00b5mol/L",
        "\u03bcmol/l",
        "umol/L",
        "10^9/L",
        "10*9/L",
        "G/l",
        "Gpt/l",
        "x10E3/uL",
        "/nl",
        "U/l",
        "IU/L",
        "mU/L",
        "mIU/L",
        "g/dl",
        "mmol/mol",
        "%",
    ):
        assert procedure_spelling in mapped
    assert to_ucum("G/l") == to_ucum("Gpt/l") == "10*9/L"
    assert to_ucum("x10E3/uL") == "10*3/uL"
    # the confusable pairs stay distinct; a spelling not in the table is not guessed
    assert (to_ucum("mg/L"), to_ucum("mg/dL")) == ("mg/L", "mg/dL")
    assert (to_ucum(MICRO_MOL), to_ucum("mmol/L")) == ("umol/L", "mmol/L")
    assert to_ucum("Mmol/L") is None
    assert to_ucum("mg/x") is None


@pytest.mark.verifies("REQ-034")
def test_conversions_within_a_tenth_of_a_percent() -> None:
    cases = [
        (Analyte.GLUCOSE, 126, "mg/dL", 6.994, "mmol/L"),
        (Analyte.CREATININE, 1.20, "mg/dL", 106.1, "umol/L"),
        (Analyte.TOTAL_CHOLESTEROL, 200, "mg/dL", 5.172, "mmol/L"),
        (Analyte.TRIGLYCERIDES, 150, "mg/dL", 1.694, "mmol/L"),
        (Analyte.CALCIUM, 10.0, "mg/dL", 2.495, "mmol/L"),
        (Analyte.BILIRUBIN, 1.2, "mg/dL", 20.52, "umol/L"),
        (Analyte.HBA1C, 6.5, "%", 47.5, "mmol/mol"),
    ]
    for analyte, value, unit, reference, canonical_unit in cases:
        converted = to_canonical(analyte, value, unit)
        assert isinstance(converted, float)
        assert abs(converted - reference) / reference <= 1e-3, (analyte, converted)
        assert CANONICAL_UNIT[analyte] == canonical_unit

    range_3_9_to_5_5 = ReferenceRange(3.9, 5.5, "mmol/L", "range from your report")
    glucose = LabResult(Analyte.GLUCOSE, 99.5, "mg/dL", COLLECTED)
    outcome = interpret(glucose, lambda _: range_3_9_to_5_5)
    assert outcome.value is not None
    assert outcome.value == pytest.approx(5.523, rel=1e-3)
    assert format_value(outcome.value) == "5.5"  # rounded for display only
    assert outcome.flag is Flag.HIGH  # compared unrounded: 5.523 > 5.5
