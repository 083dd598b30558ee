"""VT-032: reference range notations in four languages (fixture TF-RNG-01)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from serenya_core.notation import (
    RANGE_NOT_READ,
    Bound,
    QualitativeRange,
    RangeNotRead,
    parse_bound,
    parse_range,
)
from serenya_core.reference_ranges import ReportRange, Sex

FIXTURE = Path(__file__).parent / "data" / "TF-RNG-01.json"


def _limits(parsed: ReportRange) -> dict[str, Any]:
    """The parsed range in the fixture's annotation format."""
    lower = None if math.isinf(parsed.lower) else parsed.lower
    upper = None if math.isinf(parsed.upper) else parsed.upper
    return {
        "lower": lower,
        "lower_op": None if lower is None else (">=" if parsed.lower_included else ">"),
        "upper": upper,
        "upper_op": None if upper is None else ("<=" if parsed.upper_included else "<"),
    }


@pytest.mark.verifies("REQ-027")
def test_reference_range_notations() -> None:
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    notations: list[dict[str, Any]] = fixture["notations"]
    assert len(notations) == 24
    listed = [
        "3.5-5.1",
        "3,5 - 5,1",
        "3.5 to 5.1",
        "3.5 bis 5.1",
        "< 5.2",
        "<= 5.2",
        "> 60",
        "up to 200",
        "negativ",
        "n\u00e9gatif",
        "negativo",
    ]
    assert [n["text"] for n in notations[: len(listed)]] == listed
    for notation in notations:
        parsed = parse_range(notation["text"], "mmol/L")
        if "expected" in notation:
            assert parsed == QualitativeRange(
                text=notation["text"], expected=notation["expected"]
            )
            continue
        assert isinstance(parsed, ReportRange), notation["text"]
        annotated = {key: notation[key] for key in _limits(parsed)}
        assert _limits(parsed) == annotated, notation["text"]
        assert parsed.unit == "mmol/L"

    two_line = "M: 13.5-17.5 / F: 12.0-15.5 g/dL"
    female = parse_range(two_line, None, sex=Sex.FEMALE)
    assert female == ReportRange(12.0, 15.5, "g/dL", Sex.FEMALE)
    assert parse_range(two_line, None, sex=Sex.MALE) == ReportRange(
        13.5, 17.5, "g/dL", Sex.MALE
    )
    assert parse_range(
        "H: 13,5-17,5\nM: 12,0-15,5", "g/dL", sex=Sex.FEMALE, language="es"
    ) == (ReportRange(12.0, 15.5, "g/dL", Sex.FEMALE))
    # without a recorded sex no line of a sex-specific range is chosen
    assert parse_range(two_line, None, sex=None) == RangeNotRead(text=two_line)

    unmatched = parse_range("see comment", "mmol/L")
    assert unmatched == RangeNotRead(text="see comment")
    assert RANGE_NOT_READ == "range not read" == unmatched.status
    assert isinstance(parse_range("5.1 - 3.5", "mmol/L"), RangeNotRead)


@pytest.mark.verifies("REQ-026")
def test_bounds_keep_operator_and_verbatim_string() -> None:
    assert parse_bound("<0.5") == Bound(operator="<", value=0.5, verbatim="<0.5")
    assert parse_bound(">90") == Bound(operator=">", value=90.0, verbatim=">90")
    assert parse_bound("less than 5") == Bound(
        operator="<", value=5.0, verbatim="less than 5"
    )
    assert parse_bound("< 0,5") == Bound(operator="<", value=0.5, verbatim="< 0,5")
    assert parse_bound("0.5") is None
    assert parse_bound("<x") is None
