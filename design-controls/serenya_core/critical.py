"""Critical-value evaluation, independent of reference ranges (REQ-065, RC-005).

The evaluation compares the unrounded value in the canonical unit with the adult
critical-value table (REQ-042). It imports only :mod:`serenya_core.model`: it neither
calls the reference range service nor reads the range classification, so a wrong,
missing or unavailable range cannot suppress a critical flag. A value equal to a
threshold is not critical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from serenya_core.model import Analyte, Flag

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "CRITICAL_TABLE_VERSION",
    "CRITICAL_VALUES",
    "CriticalThreshold",
    "critical_note",
    "evaluate_critical",
]

CRITICAL_TABLE_VERSION = "2026.1"


@dataclass(frozen=True, slots=True)
class CriticalThreshold:
    """Critical when strictly below ``below`` or strictly above ``above``."""

    below: float | None
    above: float | None
    unit: str
    source: str = ""


#: the source recorded with every entry of this illustrative table (REQ-042 rationale)
_BOARD = (
    "Serenya clinical advisory board decision CAB-2026-01 on published "
    "critical-limit surveys (illustrative reference device)"
)

#: adult thresholds in the canonical unit of each analyte (REQ-042, REQ-065)
CRITICAL_VALUES: Mapping[Analyte, CriticalThreshold] = {
    Analyte.POTASSIUM: CriticalThreshold(2.8, 6.2, "mmol/L", _BOARD),
    Analyte.SODIUM: CriticalThreshold(120.0, 160.0, "mmol/L", _BOARD),
    Analyte.GLUCOSE: CriticalThreshold(2.8, 25.0, "mmol/L", _BOARD),
    Analyte.CALCIUM: CriticalThreshold(1.65, 3.25, "mmol/L", _BOARD),
    Analyte.MAGNESIUM: CriticalThreshold(0.40, None, "mmol/L", _BOARD),
    Analyte.PHOSPHATE: CriticalThreshold(0.32, None, "mmol/L", _BOARD),
    Analyte.HAEMOGLOBIN: CriticalThreshold(70.0, 200.0, "g/L", _BOARD),
    Analyte.PLATELETS: CriticalThreshold(20.0, 1000.0, "10*9/L", _BOARD),
    Analyte.NEUTROPHILS: CriticalThreshold(0.5, None, "10*9/L", _BOARD),
    Analyte.LEUKOCYTES: CriticalThreshold(None, 30.0, "10*9/L", _BOARD),
    Analyte.INR: CriticalThreshold(None, 5.0, "{INR}", _BOARD),
}


def evaluate_critical(analyte: Analyte, canonical_value: float) -> Flag | None:
    """``Flag.CRITICAL_LOW``/``CRITICAL_HIGH``, or ``None`` when not critical."""
    threshold = CRITICAL_VALUES.get(analyte)
    if threshold is None:
        return None
    if threshold.below is not None and canonical_value < threshold.below:
        return Flag.CRITICAL_LOW
    if threshold.above is not None and canonical_value > threshold.above:
        return Flag.CRITICAL_HIGH
    return None


def critical_note(analyte: Analyte, flag: Flag) -> str:
    """The threshold and table version shown with a critical result (REQ-037)."""
    threshold = CRITICAL_VALUES[analyte]
    if flag is Flag.CRITICAL_HIGH and threshold.above is not None:
        side, limit = "above", threshold.above
    elif flag is Flag.CRITICAL_LOW and threshold.below is not None:
        side, limit = "below", threshold.below
    else:
        raise ValueError(f"{analyte}: {flag} is not a critical flag of the table")
    return (
        f"critical {side} {limit:g} {threshold.unit}, "
        f"critical-value table {CRITICAL_TABLE_VERSION}"
    )
