"""ISO 14971 risk management: the plan's risk model and the computed risk of each situation."""

from __future__ import annotations

from qmsdoc.profile.risk_model import Level, Region, RiskFields, RiskModel, Scale

__all__ = ["Level", "Region", "RiskFields", "RiskModel", "Scale"]
