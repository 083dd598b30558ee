"""Flagline's flagging engine (DO-001): marks a result outside its reference range."""

import math


def flag(value: float, low: float, high: float) -> str:
    """``"L"`` below the range, ``"H"`` above it, ``""`` within it (REQ-001, RC-001).

    A value that is not a finite number is refused (REQ-002, SC-001).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"not a number: {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    if value < low:
        return "L"
    if value > high:
        return "H"
    return ""
