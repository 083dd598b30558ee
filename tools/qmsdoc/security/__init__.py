"""Security risk: threats, exploitability, security controls (FDA 524B; AAMI TIR57)."""

from __future__ import annotations

from qmsdoc.profile.security_model import SecurityFields, SecurityModel
from qmsdoc.security.estimate import SecurityEstimate, SecurityLevel, estimate_threats

__all__ = [
    "SecurityEstimate",
    "SecurityFields",
    "SecurityLevel",
    "SecurityModel",
    "estimate_threats",
]
