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
    "UCUM_SPELLINGS",
    "UCUM_SYSTEM",
    "Conversion",
    "Normalised",
    "UnitProblem",
    "format_value",
    "normalise",
    "quantity_from_fhir",
    "to_canonical",
    "to_ucum",
]

UCUM_SYSTEM = "http://unitsofmeasure.org"
_MICRO = "\u00b5"  # micro sign
_MU = "\u03bc"  # Greek small letter mu

_MICROS = (_MICRO, _MU, "u")


def _litres(unit: str) -> tuple[str, str]:
    """``unit`` with the litre written upper- and lower-case ("mmol/L", "mmol/l")."""
    return unit, unit[:-1] + "l"


#: report spellings -> UCUM code; matching is exact, so mg/dL and mg/L, mmol/L and
#: µmol/L are never confused, and an unknown spelling is not guessed (REQ-033)
UCUM_SPELLINGS: Mapping[str, str] = {
    **dict.fromkeys(_litres("mmol/L"), "mmol/L"),
    **{s: "umol/L" for p in _MICROS for s in _litres(f"{p}mol/L")},
    **dict.fromkeys(_litres("nmol/L"), "nmol/L"),
    **dict.fromkeys(_litres("pmol/L"), "pmol/L"),
    **dict.fromkeys(_litres("mg/dL"), "mg/dL"),
    **dict.fromkeys(_litres("mg/L"), "mg/L"),
    **dict.fromkeys(_litres("g/dL"), "g/dL"),
    **dict.fromkeys(_litres("g/L"), "g/L"),
    **{s: "ug/L" for p in _MICROS for s in _litres(f"{p}g/L")},
    **dict.fromkeys(("ng/mL", "ng/ml"), "ng/mL"),
    **dict.fromkeys(("pg/mL", "pg/ml"), "pg/mL"),
    **dict.fromkeys((*_litres("mEq/L"), *_litres("meq/L")), "meq/L"),
    **dict.fromkeys(("mEq", "meq"), "meq"),
    **dict.fromkeys(_litres("U/L"), "U/L"),
    **dict.fromkeys((*_litres("IU/L"), *_litres("UI/L")), "[IU]/L"),
    **dict.fromkeys(_litres("mU/L"), "mU/L"),
    **dict.fromkeys((*_litres("mIU/L"), "mUI/L"), "m[IU]/L"),
    **dict.fromkeys((f"{_MICRO}IU/mL", f"{_MU}IU/mL", "uIU/mL"), "u[IU]/mL"),
    **dict.fromkeys(
        (
            *_litres("10^9/L"),
            "10*9/L",
            "10E9/L",
            "x10^9/L",
            "x10E9/L",
            *_litres("G/L"),
            *_litres("Gpt/L"),
        ),
        "10*9/L",
    ),
    **dict.fromkeys(("/nl", "/nL"), "/nL"),
    **dict.fromkeys(
        (
            "x10E3/uL",
            f"x10^3/{_MICRO}L",
            "10^3/uL",
            f"10^3/{_MICRO}L",
            "10*3/uL",
            "K/uL",
            f"K/{_MICRO}L",
        ),
        "10*3/uL",
    ),
    **dict.fromkeys(("10^12/L", "10*12/L", "T/l", "Tpt/l"), "10*12/L"),
    **dict.fromkeys(
        ("mL/min/1.73m2", "mL/min/1.73 m2", "ml/min/1.73m\u00b2", "ml/min/1,73m\u00b2"),
        "mL/min/{1.73_m2}",
    ),
    **dict.fromkeys(("INR", "{INR}"), "{INR}"),
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
#: cell counts: 10^9/L = 10^3/µL = 1/nL
_CELL_COUNT = {"10*9/L": _SAME, "10*3/uL": _SAME, "/nL": _SAME}
_ENZYME = {"U/L": _SAME, "[IU]/L": _SAME}

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
    Analyte.ALT: _ENZYME,
    Analyte.ALP: _ENZYME,
    Analyte.HBA1C: {"mmol/mol": _SAME, "%": Conversion(10.929, shift=-2.15)},
    Analyte.TRIGLYCERIDES: {"mmol/L": _SAME, "mg/dL": Conversion(0.01129)},
    Analyte.BILIRUBIN: {"umol/L": _SAME, "mg/dL": Conversion(17.10)},
    Analyte.MAGNESIUM: {
        "mmol/L": _SAME,
        "mg/dL": Conversion(0.4114),
        "meq/L": Conversion(0.5),
    },
    Analyte.PHOSPHATE: {"mmol/L": _SAME, "mg/dL": Conversion(0.3229)},
    Analyte.HAEMOGLOBIN: {"g/L": _SAME, "g/dL": Conversion(10.0)},
    Analyte.PLATELETS: _CELL_COUNT,
    Analyte.NEUTROPHILS: _CELL_COUNT,
    Analyte.LEUKOCYTES: _CELL_COUNT,
    Analyte.INR: {"{INR}": _SAME},
    Analyte.CRP: {"mg/L": _SAME, "mg/dL": Conversion(10.0)},
    Analyte.EGFR: {"mL/min/{1.73_m2}": _SAME},
    Analyte.TSH: {"mU/L": _SAME, "m[IU]/L": _SAME, "u[IU]/mL": _SAME},
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


#: the UCUM codes themselves, as a FHIR ``valueQuantity.code`` carries them
_UCUM_CODES = frozenset(
    code for table in CONVERSIONS.values() for code in table
) | frozenset(UCUM_SPELLINGS.values())


def to_ucum(spelling: str | None) -> str | None:
    """The UCUM code of a reported unit spelling, or ``None`` if it is unknown."""
    if spelling is None:
        return None
    text = spelling.strip()
    return text if text in _UCUM_CODES else UCUM_SPELLINGS.get(text)


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


def format_value(value: float, decimals: int = 1) -> str:
    """A converted value as displayed: rounded for display only (REQ-034)."""
    return f"{value:.{decimals}f}"
