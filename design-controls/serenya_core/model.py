"""Shared vocabulary: analytes, flags, not-interpreted reasons and the lab result."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

__all__ = ["Analyte", "Flag", "LabResult", "Reason", "ReferenceRange"]


class Analyte(StrEnum):
    """The analytes the core knows (a subset of the LOINC catalogue of REQ-029)."""

    GLUCOSE = "glucose"
    CREATININE = "creatinine"
    TOTAL_CHOLESTEROL = "total cholesterol"
    LDL_CHOLESTEROL = "LDL cholesterol"
    POTASSIUM = "potassium"
    SODIUM = "sodium"
    CALCIUM = "calcium"
    FERRITIN = "ferritin"
    ALT = "ALT"
    ALP = "alkaline phosphatase"
    HBA1C = "HbA1c"
    TRIGLYCERIDES = "triglycerides"
    BILIRUBIN = "total bilirubin"
    MAGNESIUM = "magnesium"
    PHOSPHATE = "phosphate"
    HAEMOGLOBIN = "haemoglobin"
    PLATELETS = "platelets"
    NEUTROPHILS = "absolute neutrophils"
    LEUKOCYTES = "leukocytes"
    INR = "INR"
    CRP = "CRP"
    EGFR = "eGFR"
    TSH = "TSH"
    URINE_GLUCOSE = "urine glucose"
    NITRITE = "nitrite"


class Flag(StrEnum):
    """The flag categories of REQ-039; Abnormal applies to qualitative results."""

    LOW = "Low"
    NORMAL = "Normal"
    HIGH = "High"
    CRITICAL_LOW = "Critical low"
    CRITICAL_HIGH = "Critical high"
    ABNORMAL = "Abnormal"
    NOT_INTERPRETED = "Not interpreted"


class Reason(StrEnum):
    """Why a result is not interpreted; the value is the text shown to the user."""

    UNIT_UNKNOWN = "not interpreted: unit unknown"
    UNIT_NOT_CONVERTIBLE = "not interpreted: unit not convertible"
    CHECK_UNIT = "Please check the unit"
    NO_REFERENCE_RANGE = "not interpreted: no reference range"
    REFERENCE_DATA_UNDER_REVIEW = "not interpreted: reference data under review"
    ADULT_RESULTS_ONLY = "Serenya interprets adult results only"
    CONFIRM_OWN_REPORT = "not interpreted: please confirm that this is your own report"
    VALUE_BOUND = "not interpreted: value reported as a bound"
    NO_EXPECTED_VALUE = "not interpreted: no expected value"
    VALUE_NOT_READ = "value not read"


@dataclass(frozen=True, slots=True)
class LabResult:
    """One confirmed result line as reported: value and unit spelling unchanged."""

    analyte: Analyte
    value: float
    unit: str | None
    collection_date: date


@dataclass(frozen=True, slots=True)
class ReferenceRange:
    """A reference range in ``unit`` (a UCUM code); limits included unless stated.

    A one-sided range has ``-inf`` or ``inf`` as its missing limit; the printed
    operator decides whether the limit belongs to the range (REQ-039: with "< 5.2" a
    value of 5.2 is High, with "<= 5.2" it is Normal).
    """

    lower: float
    upper: float
    unit: str
    origin: str
    lower_included: bool = True
    upper_included: bool = True
