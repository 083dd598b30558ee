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
    "evaluate_critical",
]

CRITICAL_TABLE_VERSION = "2026.1"


@dataclass(frozen=True, slots=True)
class CriticalThreshold:
    """Critical when strictly below ``below`` or strictly above ``above``."""

    below: float | None
    above: float | None
    unit: str


#: adult thresholds in the canonical unit of each analyte (REQ-042, REQ-065)
CRITICAL_VALUES: Mapping[Analyte, CriticalThreshold] = {
    Analyte.POTASSIUM: CriticalThreshold(2.8, 6.2, "mmol/L"),
    Analyte.SODIUM: CriticalThreshold(120.0, 160.0, "mmol/L"),
    Analyte.GLUCOSE: CriticalThreshold(2.8, 25.0, "mmol/L"),
    Analyte.CALCIUM: CriticalThreshold(1.65, 3.25, "mmol/L"),
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
