"""VT-107, VT-108, VT-109, VT-044, VT-045 and VT-047: flags and critical values."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import serenya_core
from serenya_core.critical import CRITICAL_TABLE_VERSION, CRITICAL_VALUES
from serenya_core.flagging import interpret, interpret_bound, interpret_qualitative
from serenya_core.model import Analyte, Flag, LabResult, Reason, ReferenceRange
from serenya_core.notation import QualitativeRange, parse_bound, parse_range
from serenya_core.reference_ranges import (
    Patient,
    ReferenceRangeService,
    ReportRange,
    Sex,
    applied_range,
    parse_printed_range,
)

if TYPE_CHECKING:
    from collections.abc import Callable

COLLECTED = date(2026, 3, 2)
PRINTED_3_5_TO_5_1 = ReferenceRange(3.5, 5.1, "mmol/L", "range from your report")


def _printed_range(_: LabResult) -> ReferenceRange:
    return PRINTED_3_5_TO_5_1


def _no_range(_: LabResult) -> Reason:
    return Reason.NO_REFERENCE_RANGE


@pytest.mark.verifies("REQ-065", "RC-005")
def test_critical_potassium_boundaries() -> None:
    cases = [
        (2.79, "mmol/L", Flag.CRITICAL_LOW),
        (2.80, "mmol/L", Flag.LOW),
        (6.20, "mmol/L", Flag.HIGH),
        (6.21, "mmol/L", Flag.CRITICAL_HIGH),
        (6.80, "mmol/L", Flag.CRITICAL_HIGH),
        (6.3, "mEq/L", Flag.CRITICAL_HIGH),
        (2.5, "mmol/L", Flag.CRITICAL_LOW),
        (7.4, "mmol/L", Flag.CRITICAL_HIGH),
    ]
    for value, unit, expected in cases:
        result = LabResult(Analyte.POTASSIUM, value, unit, COLLECTED)
        outcome = interpret(result, _printed_range)
        assert outcome.flag is expected, (value, unit, outcome.flag)
        assert (outcome.value, outcome.unit) == (value, "mmol/L")


@pytest.mark.verifies("REQ-065", "RC-005")
def test_critical_sodium_and_glucose_boundaries() -> None:
    cases = [
        (Analyte.SODIUM, 119.9, "mmol/L", Flag.CRITICAL_LOW),
        (Analyte.SODIUM, 120.0, "mmol/L", None),
        (Analyte.SODIUM, 160.0, "mmol/L", None),
        (Analyte.SODIUM, 160.1, "mmol/L", Flag.CRITICAL_HIGH),
        (Analyte.GLUCOSE, 2.79, "mmol/L", Flag.CRITICAL_LOW),
        (Analyte.GLUCOSE, 2.80, "mmol/L", None),
        (Analyte.GLUCOSE, 25.0, "mmol/L", None),
        (Analyte.GLUCOSE, 25.01, "mmol/L", Flag.CRITICAL_HIGH),
        (Analyte.GLUCOSE, 50, "mg/dL", Flag.CRITICAL_LOW),
        (Analyte.GLUCOSE, 51, "mg/dL", None),
        (Analyte.GLUCOSE, 450, "mg/dL", None),
        (Analyte.GLUCOSE, 451, "mg/dL", Flag.CRITICAL_HIGH),
        (Analyte.GLUCOSE, 28, "mg/dL", Flag.CRITICAL_LOW),
        (Analyte.GLUCOSE, 600, "mg/dL", Flag.CRITICAL_HIGH),
    ]
    converted: dict[float, float] = {}
    for analyte, value, unit, expected in cases:
        result = LabResult(analyte, value, unit, COLLECTED)
        outcome = interpret(result, _no_range)
        assert outcome.critical is expected, (analyte, value, unit, outcome.critical)
        assert (outcome.result.value, outcome.result.unit) == (value, unit)  # display
        assert outcome.value is not None
        if unit == "mg/dL":
            converted[value] = outcome.value
    # the converted values of the procedure, within 0.1 % (REQ-034); they were
    # compared unrounded: 50 mg/dL would not be critical if rounded to 2.8 mmol/L
    for mg_dl, mmol_l in ((50, 2.776), (51, 2.831), (450, 24.98), (451, 25.04)):
        assert converted[mg_dl] == pytest.approx(mmol_l, rel=1e-3)
    assert converted[50] < 2.8
    assert round(converted[50], 1) == 2.8


@pytest.mark.verifies("REQ-065", "RC-005")
def test_critical_flag_independent_of_reference_range() -> None:
    potassium = LabResult(Analyte.POTASSIUM, 6.8, "mmol/L", COLLECTED)
    service = ReferenceRangeService()  # no fallback table for potassium

    def timing_out(_: LabResult) -> ReferenceRange:
        raise TimeoutError("reference range service did not answer")

    wide = parse_printed_range("3.5 - 8.0", "mmol/L")
    unparsed = parse_printed_range("siehe Befund", "mmol/L")
    assert wide is not None
    assert unparsed is None
    no_sex = Patient(None, date(1980, 5, 5))
    female = Patient(Sex.FEMALE, date(1980, 5, 5))
    lookups = {
        "a": lambda r: service.select(r, female, (wide,)),
        "b": lambda r: service.select(r, no_sex),
        "c": lambda r: service.select(r, female, ()),
        "d": timing_out,
    }
    for case, lookup in lookups.items():
        outcome = interpret(potassium, lookup)
        assert outcome.flag is Flag.CRITICAL_HIGH, case
        assert outcome.critical is Flag.CRITICAL_HIGH, case
        if case == "a":
            # 6.8 lies inside the printed 3.5 to 8.0 mmol/L (limits included)
            assert outcome.range_status == "Normal"
        else:
            assert outcome.range_status == "not interpreted: no reference range"

    # import-dependency check: the critical evaluation loads no range code
    package_root = Path(serenya_core.__file__).resolve().parent.parent
    probe = (
        "import sys; import serenya_core.critical; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('serenya_core'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=package_root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert loaded == ["serenya_core", "serenya_core.critical", "serenya_core.model"]


def _printed(text: str, unit: str) -> Callable[[LabResult], ReferenceRange]:
    parsed = parse_range(text, unit)
    assert isinstance(parsed, ReportRange), text
    applied = applied_range(parsed)
    return lambda _: applied


@pytest.mark.verifies("REQ-039")
def test_flag_categories_at_range_and_critical_boundaries() -> None:
    potassium_range = _printed("3.5-5.1", "mmol/L")
    expected = {
        2.7: Flag.CRITICAL_LOW,
        2.8: Flag.LOW,
        3.4: Flag.LOW,
        3.5: Flag.NORMAL,
        5.1: Flag.NORMAL,
        5.2: Flag.HIGH,
        6.2: Flag.HIGH,
        6.3: Flag.CRITICAL_HIGH,
    }
    for value, flag in expected.items():
        result = LabResult(Analyte.POTASSIUM, value, "mmol/L", COLLECTED)
        assert interpret(result, potassium_range).flag is flag, value

    cholesterol = LabResult(Analyte.TOTAL_CHOLESTEROL, 5.2, "mmol/L", COLLECTED)
    assert interpret(cholesterol, _printed("< 5.2", "mmol/L")).flag is Flag.HIGH
    assert interpret(cholesterol, _printed("<= 5.2", "mmol/L")).flag is Flag.NORMAL

    expected_value = parse_range("negative", None)
    assert isinstance(expected_value, QualitativeRange)
    qualitative = interpret_qualitative("positive", expected_value.expected)
    assert qualitative is Flag.ABNORMAL

    unknown_unit = interpret(
        LabResult(Analyte.CRP, 3.1, "mg/x", COLLECTED), _printed("0-5.0", "mg/x")
    )
    assert unknown_unit.flag is Flag.NOT_INTERPRETED
    assert unknown_unit.reason is Reason.UNIT_UNKNOWN
    # REQ-061 fixes the wording of this reason; VT-044 calls it "unit not recognised"
    assert unknown_unit.range_status == "not interpreted: unit unknown"
    assert len(expected) + 4 == 12


@pytest.mark.verifies("REQ-040")
def test_bounded_values_and_qualitative_results() -> None:
    def bounded(analyte: Analyte, text: str, unit: str, printed: str) -> Flag | Reason:
        bound = parse_bound(text)
        assert bound is not None, text
        parsed = parse_range(printed, unit)
        assert isinstance(parsed, ReportRange), printed
        return interpret_bound(analyte, bound, unit, applied_range(parsed))

    assert bounded(Analyte.CRP, "<0.5", "mg/L", "0-5.0") is Flag.NORMAL
    assert bounded(Analyte.EGFR, ">90", "mL/min/1.73m2", "> 60") is Flag.NORMAL
    assert bounded(Analyte.FERRITIN, "<5", "\u00b5g/L", "30-400") is Flag.LOW
    tsh = bounded(Analyte.TSH, "<3", "mU/L", "0.27-4.2")
    assert tsh is Reason.VALUE_BOUND
    assert tsh.value == "not interpreted: value reported as a bound"
    # every value a bound admits is critical: critical low
    assert bounded(Analyte.GLUCOSE, "<2.0", "mmol/L", "3.9-5.5") is Flag.CRITICAL_LOW
    # the limit itself is admitted by "<=" only
    assert bounded(Analyte.EGFR, ">60", "mL/min/1.73m2", ">= 60") is Flag.NORMAL
    assert bounded(Analyte.EGFR, ">=60", "mL/min/1.73m2", "> 60") is Reason.VALUE_BOUND

    expected = parse_range("negativ", None)
    assert isinstance(expected, QualitativeRange)
    assert interpret_qualitative("negativ", expected.expected) is Flag.NORMAL
    assert interpret_qualitative("positiv", expected.expected) is Flag.ABNORMAL
    no_expected = interpret_qualitative("positive", None)
    assert no_expected is Reason.NO_EXPECTED_VALUE
    assert no_expected.value == "not interpreted: no expected value"


#: the 17 thresholds of REQ-042 as printed: analyte, side, threshold, decimals
REQ_042 = [
    (Analyte.POTASSIUM, "below", 2.8, 1),
    (Analyte.POTASSIUM, "above", 6.2, 1),
    (Analyte.SODIUM, "below", 120, 0),
    (Analyte.SODIUM, "above", 160, 0),
    (Analyte.GLUCOSE, "below", 2.8, 1),
    (Analyte.GLUCOSE, "above", 25.0, 1),
    (Analyte.CALCIUM, "below", 1.65, 2),
    (Analyte.CALCIUM, "above", 3.25, 2),
    (Analyte.MAGNESIUM, "below", 0.40, 2),
    (Analyte.PHOSPHATE, "below", 0.32, 2),
    (Analyte.HAEMOGLOBIN, "below", 70, 0),
    (Analyte.HAEMOGLOBIN, "above", 200, 0),
    (Analyte.PLATELETS, "below", 20, 0),
    (Analyte.PLATELETS, "above", 1000, 0),
    (Analyte.NEUTROPHILS, "below", 0.5, 1),
    (Analyte.LEUKOCYTES, "above", 30, 0),
    (Analyte.INR, "above", 5.0, 1),
]


@pytest.mark.verifies("REQ-042")
def test_critical_value_table_content_and_boundaries() -> None:
    table = {
        (analyte, side): limit
        for analyte, threshold in CRITICAL_VALUES.items()
        for side, limit in (("below", threshold.below), ("above", threshold.above))
        if limit is not None
    }
    assert len(REQ_042) == 17
    assert table == {(a, side): limit for a, side, limit, _ in REQ_042}
    assert all(threshold.source for threshold in CRITICAL_VALUES.values())
    assert CRITICAL_TABLE_VERSION == "2026.1"

    for analyte, side, limit, decimals in REQ_042:
        step = 10.0**-decimals
        beyond = round(limit - step if side == "below" else limit + step, decimals)
        expected = Flag.CRITICAL_LOW if side == "below" else Flag.CRITICAL_HIGH
        unit = CRITICAL_VALUES[analyte].unit
        at_threshold = interpret(LabResult(analyte, limit, unit, COLLECTED), _no_range)
        past_threshold = interpret(
            LabResult(analyte, beyond, unit, COLLECTED), _no_range
        )
        assert at_threshold.critical is None, (analyte, limit)
        assert past_threshold.critical is expected, (analyte, beyond)
