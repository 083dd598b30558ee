"""VT-107, VT-108 and VT-109: critical values, independent of the reference range."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import serenya_core
from serenya_core.flagging import interpret
from serenya_core.model import Analyte, Flag, LabResult, Reason, ReferenceRange
from serenya_core.reference_ranges import (
    Patient,
    ReferenceRangeService,
    Sex,
    parse_printed_range,
)

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
