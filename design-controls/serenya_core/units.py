"""Unit normalisation engine: UCUM mapping, conversion and plausibility (REQ-061/062).

There is no default unit: a value whose unit is missing or not a known UCUM
expression is "not interpreted: unit unknown", and one whose unit has no conversion to
the analyte's canonical unit is "not interpreted: unit not convertible" (REQ-061).
Converted values are compared, unrounded, with the plausibility limits of the analyte;
a value outside them is returned with "Please check the unit" and, where the value is
plausible in another unit of the analyte, that unit is proposed (REQ-062). Conversion
factors are those of REQ-034.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from serenya_core.model import Analyte, Reason

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "CANONICAL_UNIT",
    "PLAUSIBILITY_LIMITS",
    "Conversion",
    "Normalised",
    "UnitProblem",
    "normalise",
    "quantity_from_fhir",
    "to_canonical",
    "to_ucum",
]

UCUM_SYSTEM = "http://unitsofmeasure.org"
_MICRO = "\u00b5"  # micro sign
_MU = "\u03bc"  # Greek small letter mu

#: report spellings -> UCUM code; matching is exact, so mg/dL and mg/L, mmol/L and
#: µmol/L are never confused (REQ-033)
UCUM_SPELLINGS: Mapping[str, str] = {
    **dict.fromkeys(("mmol/L", "mmol/l"), "mmol/L"),
    **{
        f"{prefix}mol/{litre}": "umol/L"
        for prefix in (_MICRO, _MU, "u")
        for litre in ("L", "l")
    },
    **{f"{prefix}g/L": "ug/L" for prefix in (_MICRO, _MU, "u")},
    **dict.fromkeys(("mg/dL", "mg/dl"), "mg/dL"),
    **dict.fromkeys(("mg/L", "mg/l"), "mg/L"),
    **dict.fromkeys(("ng/mL", "ng/ml"), "ng/mL"),
    **dict.fromkeys(("mEq/L", "mEq/l", "meq/L"), "meq/L"),
    **dict.fromkeys(("mEq", "meq"), "meq"),
    **dict.fromkeys(("U/L", "U/l"), "U/L"),
    "mmol/mol": "mmol/mol",
    "%": "%",
}


@dataclass(frozen=True, slots=True)
class Conversion:
    """canonical value = (reported value + shift) x factor."""

    factor: float
    shift: float = 0.0

    def apply(self, value: float) -> float:
        """Convert ``value`` to the canonical unit, without rounding."""
        return (value + self.shift) * self.factor


_SAME = Conversion(1.0)
_CHOLESTEROL = {"mmol/L": _SAME, "mg/dL": Conversion(0.02586)}
_MONOVALENT_ION = {"mmol/L": _SAME, "meq/L": _SAME}

#: per analyte: UCUM code -> conversion to the canonical unit (the first entry)
CONVERSIONS: Mapping[Analyte, Mapping[str, Conversion]] = {
    Analyte.GLUCOSE: {"mmol/L": _SAME, "mg/dL": Conversion(0.05551)},
    Analyte.CREATININE: {"umol/L": _SAME, "mg/dL": Conversion(88.42)},
    Analyte.TOTAL_CHOLESTEROL: _CHOLESTEROL,
    Analyte.LDL_CHOLESTEROL: _CHOLESTEROL,
    Analyte.POTASSIUM: _MONOVALENT_ION,
    Analyte.SODIUM: _MONOVALENT_ION,
    Analyte.CALCIUM: {"mmol/L": _SAME, "mg/dL": Conversion(0.2495)},
    Analyte.FERRITIN: {"ug/L": _SAME, "ng/mL": _SAME},
    Analyte.ALT: {"U/L": _SAME},
    Analyte.ALP: {"U/L": _SAME},
    Analyte.HBA1C: {"mmol/mol": _SAME, "%": Conversion(10.929, shift=-2.15)},
}

CANONICAL_UNIT: Mapping[Analyte, str] = {
    analyte: next(iter(table)) for analyte, table in CONVERSIONS.items()
}

#: inclusive plausibility limits in the canonical unit (REQ-062)
PLAUSIBILITY_LIMITS: Mapping[Analyte, tuple[float, float]] = {
    Analyte.GLUCOSE: (0.5, 60.0),
    Analyte.CREATININE: (10.0, 2000.0),
    Analyte.TOTAL_CHOLESTEROL: (1.0, 20.0),
    Analyte.POTASSIUM: (1.0, 10.0),
    Analyte.SODIUM: (90.0, 200.0),
}


@dataclass(frozen=True, slots=True)
class Normalised:
    """A value converted to the canonical unit of its analyte (unrounded)."""

    analyte: Analyte
    value: float
    unit: str


@dataclass(frozen=True, slots=True)
class UnitProblem:
    """A value that is not interpreted because of its unit, with an optional proposal."""

    reason: Reason
    proposed_unit: str | None = None
    proposed_value: float | None = None


def to_ucum(spelling: str | None) -> str | None:
    """The UCUM code of a reported unit spelling, or ``None`` if it is unknown."""
    if spelling is None:
        return None
    return UCUM_SPELLINGS.get(spelling.strip())


def to_canonical(analyte: Analyte, value: float, unit: str | None) -> float | Reason:
    """``value`` in ``unit`` (a spelling or UCUM code) converted to canonical units."""
    code = to_ucum(unit)
    if code is None:
        return Reason.UNIT_UNKNOWN
    conversion = CONVERSIONS.get(analyte, {}).get(code)
    if conversion is None:
        return Reason.UNIT_NOT_CONVERTIBLE
    return conversion.apply(value)


def _plausible(analyte: Analyte, canonical: float) -> bool:
    limits = PLAUSIBILITY_LIMITS.get(analyte)
    return limits is None or limits[0] <= canonical <= limits[1]


def normalise(
    analyte: Analyte, value: float, unit: str | None
) -> Normalised | UnitProblem:
    """Convert a reported value, checking the unit and the plausibility limits."""
    canonical = to_canonical(analyte, value, unit)
    if isinstance(canonical, Reason):
        return UnitProblem(canonical)
    if _plausible(analyte, canonical):
        return Normalised(analyte, canonical, CANONICAL_UNIT[analyte])
    reported = CONVERSIONS[analyte][to_ucum(unit) or ""]
    for other, conversion in CONVERSIONS[analyte].items():
        alternative = conversion.apply(value)
        if conversion != reported and _plausible(analyte, alternative):
            return UnitProblem(Reason.CHECK_UNIT, other, alternative)
    return UnitProblem(Reason.CHECK_UNIT)


def quantity_from_fhir(
    value_quantity: Mapping[str, object],
) -> tuple[float, str | None]:
    """Value and UCUM code of a FHIR ``valueQuantity``.

    Only a ``code`` in the UCUM system is taken as the unit; the free-text ``unit``
    display is not, so a quantity without code has no unit.
    """
    value = value_quantity.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"valueQuantity without numeric value: {value_quantity!r}")
    code = value_quantity.get("code")
    if value_quantity.get("system") != UCUM_SYSTEM or not isinstance(code, str):
        return float(value), None
    return float(value), code
