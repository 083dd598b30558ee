"""Security risk checks: threats estimated, controlled and justified like safety risk.

The FDA premarket cybersecurity guidance (section V.A) asks for a security risk
assessment with exploitability before and after controls and residual risk acceptance;
AAMI TIR57 and IEC 81001-5-1 7 give the process. The criteria come from the profile's
``[security]`` plan; nothing is typed by hand that can be computed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec
from qmsdoc.profile.risk_model import is_justified

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.security.estimate import SecurityLevel

__all__ = [
    "CHECKS",
    "SECURITY_ESTIMATE",
    "SECURITY_RESIDUAL_MISSING",
    "SECURITY_RESIDUAL_UNJUSTIFIED",
    "SECURITY_UNCONTROLLED",
    "SECURITY_VALUE_MISMATCH",
    "check_security_estimate",
    "check_security_residual_missing",
    "check_security_residual_unjustified",
    "check_security_uncontrolled",
    "check_security_value_mismatch",
]

SECURITY_ESTIMATE = CheckSpec(
    check_id="security_estimate",
    severity="error",
    summary="threat impact or exploitability missing or off the scale",
    clause="FDA premarket cybersecurity guidance V.A.2; IEC 81001-5-1 7.2",
)
SECURITY_UNCONTROLLED = CheckSpec(
    check_id="security_uncontrolled",
    severity="error",
    summary="security risk needing control has no security control",
    clause="FDA premarket cybersecurity guidance V.A.2; IEC 81001-5-1 7.3",
)
SECURITY_RESIDUAL_MISSING = CheckSpec(
    check_id="security_residual_missing",
    severity="error",
    summary="controlled threat without residual exploitability",
    clause="FDA premarket cybersecurity guidance V.A.2",
)
SECURITY_RESIDUAL_UNJUSTIFIED = CheckSpec(
    check_id="security_residual_unjustified",
    severity="error",
    summary="residual security risk not acceptable without justification",
    clause="FDA premarket cybersecurity guidance V.A.2; ISO 14971 7.4",
)
SECURITY_VALUE_MISMATCH = CheckSpec(
    check_id="security_value_mismatch",
    severity="error",
    summary="typed security risk disagrees with the computed one",
    clause="FDA premarket cybersecurity guidance V.A.2",
)


def _cell(level: SecurityLevel) -> str:
    return f"I{level.impact} x E{level.exploitability}"


def check_security_estimate(context: CheckContext) -> Iterator[Finding]:
    """Each threat has impact and exploitability on the plan's scales.

    Serves the FDA premarket cybersecurity guidance V.A.2 (exploitability-based
    security risk assessment) and IEC 81001-5-1 7.2.
    """
    for estimate in context.local_threats:
        for problem in estimate.problems:
            yield SECURITY_ESTIMATE.at(estimate.threat, problem)


def check_security_uncontrolled(context: CheckContext) -> Iterator[Finding]:
    """A threat whose initial security risk needs control has a security control.

    Serves the FDA premarket cybersecurity guidance V.A.2 and IEC 81001-5-1 7.3.
    """
    for estimate in context.local_threats:
        level = estimate.initial
        if level is not None and level.region.needs_control and not estimate.controls:
            yield SECURITY_UNCONTROLLED.at(
                estimate.threat,
                f"initial security risk {level.region.label!r} ({_cell(level)}) needs"
                " a security control, and none mitigates this threat",
            )


def check_security_residual_missing(context: CheckContext) -> Iterator[Finding]:
    """A controlled threat states its exploitability after the controls.

    Serves the FDA premarket cybersecurity guidance V.A.2 (pre- and post-control
    assessment).
    """
    model = context.profile.security
    if model is None:
        return
    for estimate in context.local_threats:
        if estimate.controls and estimate.residual is None and not estimate.problems:
            yield SECURITY_RESIDUAL_MISSING.at(
                estimate.threat,
                f"mitigated by {', '.join(estimate.controls)} but"
                f" {model.fields.residual_exploitability} is missing",
            )


def check_security_residual_unjustified(context: CheckContext) -> Iterator[Finding]:
    """A residual security risk that is not acceptable carries a justification.

    Serves the FDA premarket cybersecurity guidance V.A.2 (residual risk acceptance)
    and ISO 14971 7.4 applied to security risk.
    """
    model = context.profile.security
    if model is None:
        return
    for estimate in context.local_threats:
        level = estimate.residual
        if level is None or not level.region.needs_benefit_risk:
            continue
        if not is_justified(estimate.threat.field(model.fields.benefit_risk)):
            yield SECURITY_RESIDUAL_UNJUSTIFIED.at(
                estimate.threat,
                f"residual security risk {level.region.label!r} ({_cell(level)})"
                f" without a justification in {model.fields.benefit_risk}",
            )


def check_security_value_mismatch(context: CheckContext) -> Iterator[Finding]:
    """A security risk written by hand agrees with the one computed from the plan.

    Serves the FDA premarket cybersecurity guidance V.A.2: risk comes from the
    plan's matrix, never typed.
    """
    model = context.profile.security
    if model is None:
        return
    for estimate in context.local_threats:
        for field_name, level in (
            (model.fields.initial_risk, estimate.initial),
            (model.fields.residual_risk, estimate.residual),
        ):
            typed = estimate.threat.field(field_name)
            if typed is None or level is None:
                continue
            if not level.region.is_named_by(typed):
                yield SECURITY_VALUE_MISMATCH.at(
                    estimate.threat,
                    f"{field_name} says {typed.strip()!r} but the security matrix"
                    f" gives {level.region.label!r} for {_cell(level)}",
                )


#: the security risk checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(spec=SECURITY_ESTIMATE, function=check_security_estimate),
    Check(spec=SECURITY_UNCONTROLLED, function=check_security_uncontrolled),
    Check(spec=SECURITY_RESIDUAL_MISSING, function=check_security_residual_missing),
    Check(
        spec=SECURITY_RESIDUAL_UNJUSTIFIED, function=check_security_residual_unjustified
    ),
    Check(spec=SECURITY_VALUE_MISMATCH, function=check_security_value_mismatch),
)
