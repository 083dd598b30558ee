"""Security risk: threats, exploitability, security controls (FDA 524B; AAMI TIR57)."""

from __future__ import annotations

from qmsdoc.security.estimate import SecurityEstimate, SecurityLevel, estimate_threats
from qmsdoc.security.model import SecurityFields, SecurityModel

__all__ = [
    "SecurityEstimate",
    "SecurityFields",
    "SecurityLevel",
    "SecurityModel",
    "estimate_threats",
]
