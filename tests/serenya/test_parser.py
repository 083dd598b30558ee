"""VT-115: decimal separator and digit-pattern validation by report locale."""

from __future__ import annotations

import pytest

from serenya_core.parser import (
    ParsedValue,
    ValueNotRead,
    decimal_separator,
    parse_value,
)


def _rejected(outcome: ParsedValue | ValueNotRead) -> str:
    assert isinstance(outcome, ValueNotRead), outcome
    assert outcome.status == "value not read"
    return outcome.reason


@pytest.mark.verifies("REQ-069", "RC-009")
def test_decimal_separator_and_digit_pattern() -> None:
    german = decimal_separator("de", ["1,8", "4,2", "139", "1.234,5"])
    assert german == ","
    assert parse_value("1,8", german) == ParsedValue(1.8, 1)
    assert parse_value("1.234,5", german) == ParsedValue(1234.5, 1)
    assert _rejected(parse_value("1.8", german)) == (
        "separator inconsistent with the report"
    )
    assert _rejected(parse_value("6,O", german)) == "letter inside the number"

    english = decimal_separator("en", ["1,234", "12.55", "4.1"])
    assert english == "."
    assert _rejected(parse_value("1,234", english)) == (
        "separator inconsistent with the report"
    )
    one_decimal = (1, 1)
    assert parse_value("12.55", english, peer_decimals=one_decimal) == ParsedValue(
        12.55, 2
    )
    assert _rejected(parse_value("1.2345", english, peer_decimals=one_decimal)) == (
        "decimal places inconsistent with the analyte"
    )
    assert _rejected(parse_value("6.4", english, ocr_token="26.4")) == (
        "character count differs from the OCR token"
    )
