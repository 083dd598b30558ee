"""The security risk model: impact and exploitability scales and their matrix.

Security risk is assessed with exploitability, not probability (FDA premarket
cybersecurity guidance; AAMI TIR57), on a scale and acceptability matrix of its own,
declared in the profile's ``[security]`` table and kept apart from the ISO 14971
safety matrix. A threat that can cause harm links to the hazardous situations it can
lead to, so the safety file picks it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qmsdoc.profile.risk_model import Region, Scale

__all__ = ["SecurityFields", "SecurityModel"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityFields:
    """Names of the threat fields that carry the estimates and describe the threat."""

    stride: str
    """STRIDE category of the threat."""
    asset: str
    """The asset the threat is against."""
    impact: str
    exploitability: str
    residual_exploitability: str
    initial_risk: str
    residual_risk: str
    benefit_risk: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityModel:
    """Scales, acceptability matrix and item types of the security risk plan."""

    plan: str
    """The security risk management plan these criteria come from."""
    threat_type: str
    control_type: str
    control_link: str
    """The link by which a security control mitigates a threat or vulnerability."""
    verification_link: str
    """The link by which tests verify a security control."""
    hazard_link: str
    """The link from a threat to the hazardous situations it can cause."""
    impact: Scale
    exploitability: Scale
    regions: tuple[Region, ...]
    matrix: tuple[tuple[str, ...], ...]
    """``matrix[impact - 1][exploitability - 1]`` is the region name."""
    fields: SecurityFields

    def region(self, impact: int, exploitability: int) -> Region:
        """The region of the matrix cell (impact, exploitability)."""
        name = self.matrix[impact - 1][exploitability - 1]
        for region in self.regions:
            if region.name == name:
                return region
        raise KeyError(name)
