"""The device's own tests (copied to ``tests/test_flagging.py`` of the device file)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from flagging import flag  # noqa: E402


@pytest.mark.verifies("REQ-001", "RC-001")
def test_values_outside_the_range_are_flagged() -> None:
    assert flag(3.4, 3.5, 5.1) == "L"
    assert flag(3.5, 3.5, 5.1) == ""
    assert flag(5.1, 3.5, 5.1) == ""
    assert flag(5.2, 3.5, 5.1) == "H"


@pytest.mark.verifies("REQ-002", "SC-001")
@pytest.mark.parametrize("value", ["4.2", "", None, float("inf"), float("nan"), True])
def test_a_value_that_is_not_a_number_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="not a"):
        flag(value, 3.5, 5.1)  # type: ignore[arg-type]
