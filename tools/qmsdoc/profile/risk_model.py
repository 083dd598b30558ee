"""The risk model of the risk management plan: scales, combination and acceptability.

Declared in the profile's ``[risk]`` table (versioned configuration of the plan,
ISO 14971 4.4 c and d), validated once, then used to compute every risk level:
risk is computed from the scales, never typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "MINIMUM_JUSTIFICATION_WORDS",
    "Level",
    "Region",
    "RiskFields",
    "RiskModel",
    "Scale",
    "is_justified",
]

#: a benefit-risk or feasibility justification shorter than this is not one
MINIMUM_JUSTIFICATION_WORDS = 5


def is_justified(text: str | None) -> bool:
    """Whether a justification field says enough to count (ISO 14971 7.4)."""
    return text is not None and len(text.split()) >= MINIMUM_JUSTIFICATION_WORDS


ProbabilityMethod = Literal["p1_p2", "p2_only"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Level:
    """One step of a scale, numbered from 1 (lowest)."""

    value: int
    name: str
    meaning: str

    @property
    def label(self) -> str:
        """Short label such as ``S4 Critical``."""
        return f"{self.value} {self.name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scale:
    """An ordered scale (severity, P1, P2 or combined probability)."""

    key: str
    """``S`` or ``P`` style prefix used in labels."""
    title: str
    levels: tuple[Level, ...]

    def level(self, value: int) -> Level | None:
        """The level numbered ``value``, or None if it is not on the scale."""
        if 1 <= value <= len(self.levels):
            return self.levels[value - 1]
        return None

    def label(self, value: int) -> str:
        """``S3 Serious`` for value 3 of the severity scale."""
        level = self.level(value)
        return f"{self.key}{value} {level.name}" if level else f"{self.key}{value}"

    def __len__(self) -> int:
        return len(self.levels)


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    """A region of the acceptability matrix (acceptable, reduce as far as possible...)."""

    name: str
    label: str
    color: str
    acceptable: bool
    """Whether a risk in this region is acceptable without further action."""
    needs_control: bool
    """An initial risk here must be reduced by at least one risk control (7.1)."""
    needs_benefit_risk: bool
    """A residual risk here needs a documented benefit-risk justification (7.4)."""

    def is_named_by(self, typed: str) -> bool:
        """Whether a hand-typed risk value names this region (by name or label)."""
        return typed.strip().lower() in {self.name.lower(), self.label.lower()}


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskFields:
    """Which item fields carry the estimates (names of fields in the profile)."""

    severity: str
    sequence: str
    p1: str
    p2: str
    residual_p1: str
    residual_p2: str
    initial_risk: str
    residual_risk: str
    benefit_risk: str
    information_only: str
    """Justification that a design control was not feasible (ISO 14971 7.1)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskModel:
    """Scales, combination rule and acceptability matrix of one plan version."""

    plan: str
    """The risk management plan (document and revision) these criteria come from."""
    method: ProbabilityMethod
    severity: Scale
    p1: Scale
    p2: Scale
    probability: Scale
    combination: tuple[tuple[int, ...], ...]
    """``combination[p1 - 1][p2 - 1]`` is the combined probability level."""
    regions: tuple[Region, ...]
    matrix: tuple[tuple[str, ...], ...]
    """``matrix[s - 1][p - 1]`` is the region name for severity s, probability p."""
    fields: RiskFields
    hazardous_situation_type: str
    harm_type: str
    hazard_type: str
    control_type: str
    evaluation_type: str | None
    """Item type of the overall residual risk evaluation (ISO 14971 8), if any."""
    option_field: str
    information_option: str
    """The option value meaning 'information for safety' (lowest priority, 7.1)."""
    verification_link: str
    """The link by which tests and validations verify a risk control (7.2)."""
    scope_field: str
    """Field of a verifying item saying implementation, effectiveness or both."""
    effectiveness_types: tuple[str, ...]
    """Item types whose verification of a control shows its effectiveness."""

    def combine(self, p1: int | None, p2: int) -> int:
        """The combined probability level of a hazardous situation leading to harm.

        In ``p2_only`` mode (software failure probability not estimated, ISO/TR 24971
        and IEC/TR 80002-1) P1 is taken as 1, i.e. certain, and P is read from P2 alone.
        """
        if self.method == "p2_only" or p1 is None:
            return min(p2, len(self.probability))
        return self.combination[p1 - 1][p2 - 1]

    def region(self, severity: int, probability: int) -> Region:
        """The region of the matrix cell (severity, probability)."""
        name = self.matrix[severity - 1][probability - 1]
        return self.region_named(name)

    def region_named(self, name: str) -> Region:
        """The region called ``name`` (validated to exist when the model was built)."""
        for region in self.regions:
            if region.name == name:
                return region
        raise KeyError(name)
