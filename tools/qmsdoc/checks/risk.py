"""ISO 14971 checks over the computed risk of each hazardous situation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec
from qmsdoc.profile.risk_model import is_justified
from qmsdoc.project import PROJECT_FILE
from qmsdoc.risk.views import control_verification

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.profile.risk_model import RiskModel

__all__ = [
    "CHECKS",
    "RISK_CONTROL_UNVERIFIED",
    "RISK_ESTIMATE",
    "RISK_FILE_EMPTY",
    "RISK_INFORMATION_ONLY",
    "RISK_NEW_HAZARD",
    "RISK_OVERALL_EVALUATION",
    "RISK_RESIDUAL_MISSING",
    "RISK_RESIDUAL_UNJUSTIFIED",
    "RISK_UNCONTROLLED",
    "RISK_VALUE_MISMATCH",
    "check_risk_control_unverified",
    "check_risk_estimate",
    "check_risk_file_empty",
    "check_risk_information_only",
    "check_risk_new_hazard",
    "check_risk_overall_evaluation",
    "check_risk_residual_missing",
    "check_risk_residual_unjustified",
    "check_risk_uncontrolled",
    "check_risk_value_mismatch",
]

RISK_FILE_EMPTY = CheckSpec(
    check_id="risk_file_empty",
    severity="error",
    summary="risk model configured but no hazard or hazardous situation (ISO 14971 5.4)",
    clause="ISO 14971 4.5, 5.4",
)
RISK_ESTIMATE = CheckSpec(
    check_id="risk_estimate",
    severity="error",
    summary="severity or probability missing or off the plan's scale (ISO 14971 5.5)",
    clause="ISO 14971 5.5, 4.4 d)",
)
RISK_UNCONTROLLED = CheckSpec(
    check_id="risk_uncontrolled",
    severity="error",
    summary="risk needing control has no risk control (7.1)",
    clause="ISO 14971 7.1, 6",
)
RISK_INFORMATION_ONLY = CheckSpec(
    check_id="risk_information_only",
    severity="warning",
    summary=(
        "only information for safety where a design control may be feasible (7.1)"
    ),
    clause="ISO 14971 7.1",
)
RISK_CONTROL_UNVERIFIED = CheckSpec(
    check_id="risk_control_unverified",
    severity="error",
    summary=(
        "risk control without verification of implementation and effectiveness (7.2)"
    ),
    clause="ISO 14971 7.2",
)
RISK_RESIDUAL_MISSING = CheckSpec(
    check_id="risk_residual_missing",
    severity="error",
    summary="controlled situation without residual estimate (7.3)",
    clause="ISO 14971 7.3",
)
RISK_RESIDUAL_UNJUSTIFIED = CheckSpec(
    check_id="risk_residual_unjustified",
    severity="error",
    summary="residual risk not acceptable without benefit-risk justification (7.4)",
    clause="ISO 14971 7.4, 8",
)
RISK_NEW_HAZARD = CheckSpec(
    check_id="risk_new_hazard",
    severity="error",
    summary="hazard introduced by a control not analysed (7.5)",
    clause="ISO 14971 7.5",
)
RISK_VALUE_MISMATCH = CheckSpec(
    check_id="risk_value_mismatch",
    severity="error",
    summary="typed risk disagrees with the computed risk (5.5, 6)",
    clause="ISO 14971 5.5, 6",
)
RISK_OVERALL_EVALUATION = CheckSpec(
    check_id="risk_overall_evaluation",
    severity="error",
    summary="overall residual risk evaluation missing (8)",
    clause="ISO 14971 8",
)


def check_risk_file_empty(context: CheckContext) -> Iterator[Finding]:
    """A device file with a risk model analyses at least one hazard.

    Serves ISO 14971 5.4 (identification of hazards and hazardous situations) and
    4.5 (the risk management file): a file with a risk model and no hazard and no
    hazardous situation has no risk analysis, so every risk rule would pass on
    nothing. Reported at line 1 of the project file, since there is no item to
    report on.
    """
    model = context.profile.risk
    if model is None:
        return
    if context.graph.of_type(model.hazard_type) or context.graph.of_type(
        model.hazardous_situation_type
    ):
        return
    yield RISK_FILE_EMPTY.finding(
        f"the risk file is empty: no {model.hazard_type} and no "
        f"{model.hazardous_situation_type} item; identify the hazards and hazardous "
        "situations of the device (ISO 14971 5.4)",
        path=PROJECT_FILE,
        line=1,
    )


def check_risk_estimate(context: CheckContext) -> Iterator[Finding]:
    """Severity and probabilities are present and on the plan's scales.

    Serves ISO 14971 5.5 (risk estimation) with the scales of the plan (4.4 d).
    """
    for estimate in context.local_risks:
        for problem in estimate.problems:
            yield RISK_ESTIMATE.at(
                estimate.situation,
                f"{estimate.situation.id}: {problem}",
            )


def check_risk_uncontrolled(context: CheckContext) -> Iterator[Finding]:
    """A risk that is not acceptable before control has at least one risk control.

    Serves ISO 14971 7.1 (risk control option analysis) and 6 (risk evaluation).
    """
    for estimate in context.local_risks:
        initial = estimate.initial
        if (
            initial is not None
            and initial.region.needs_control
            and not estimate.controls
        ):
            yield RISK_UNCONTROLLED.at(
                estimate.situation,
                f"{estimate.situation.id}: initial risk {_cell(context, initial.severity, initial.probability)} "
                f"is {initial.region.label.lower()} and no risk control mitigates it",
            )


def check_risk_residual_missing(context: CheckContext) -> Iterator[Finding]:
    """A controlled situation states its residual probabilities.

    Serves ISO 14971 7.3 (residual risk evaluation after each control).
    """
    model = context.profile.risk
    for estimate in context.local_risks:
        if model is None or not estimate.controls or estimate.initial is None:
            continue
        if estimate.residual is None and not _residual_problem(
            estimate.problems, model
        ):
            yield RISK_RESIDUAL_MISSING.at(
                estimate.situation,
                f"{estimate.situation.id}: controlled by {', '.join(estimate.controls)} "
                f"but the residual risk is not estimated ({_residual_names(model)})",
            )


def check_risk_residual_unjustified(context: CheckContext) -> Iterator[Finding]:
    """A residual risk that is not acceptable carries a benefit-risk justification.

    Serves ISO 14971 7.4 (benefit-risk analysis) and 8.
    """
    model = context.profile.risk
    for estimate in context.local_risks:
        residual = estimate.residual
        if model is None or residual is None or not residual.region.needs_benefit_risk:
            continue
        justification = estimate.situation.field(model.fields.benefit_risk)
        if not is_justified(justification):
            yield RISK_RESIDUAL_UNJUSTIFIED.at(
                estimate.situation,
                f"{estimate.situation.id}: residual risk {_cell(context, residual.severity, residual.probability)} "
                f"is {residual.region.label.lower()} and has no benefit-risk justification "
                f"(field {model.fields.benefit_risk!r})",
            )


def check_risk_control_unverified(context: CheckContext) -> Iterator[Finding]:
    """Each risk control's implementation and its effectiveness have a verification.

    Serves ISO 14971 7.2 (planning side: a linked test or validation; the executed
    result is judged by the verification state). A verification test counts for implementation unless its
    ``verification_scope`` says ``effectiveness``; ``both`` counts twice; a validation
    activity counts for effectiveness.
    """
    model = context.profile.risk
    if model is None:
        return
    for control in context.local_of_type(model.control_type):
        # links only: whether each aspect has a verifier planned; whether it ran is
        # the verification state's (checks evidence_not_executed, evidence_failed)
        status = control_verification(context.graph, model, control.id, None)
        implementation, effectiveness = (
            status.implementation != "not_planned",
            status.effectiveness != "not_planned",
        )
        missing = [
            name
            for name, shown in (
                ("implementation", implementation),
                ("effectiveness", effectiveness),
            )
            if not shown
        ]
        if missing:
            yield RISK_CONTROL_UNVERIFIED.at(
                control,
                f"{control.id}: no verification of {' or '.join(missing)} of this risk control",
            )


def check_risk_new_hazard(context: CheckContext) -> Iterator[Finding]:
    """A hazard introduced by a risk control is analysed (has a hazardous situation).

    Serves ISO 14971 7.5 (risks arising from risk control measures).
    """
    model = context.profile.risk
    if model is None:
        return
    for control in context.local_of_type(model.control_type):
        for edge in context.graph.outgoing(control.id):
            hazard = context.graph.item(edge.target)
            if hazard is None or hazard.item_type != model.hazard_type:
                continue
            analysed = any(
                (situation := context.graph.item(other.source)) is not None
                and situation.item_type == model.hazardous_situation_type
                for other in context.graph.incoming(hazard.id)
            )
            if not analysed:
                yield RISK_NEW_HAZARD.at(
                    control,
                    f"{control.id}: introduces {hazard.id}, which has no hazardous situation "
                    "analysed",
                )


def check_risk_information_only(context: CheckContext) -> Iterator[Finding]:
    """Information for safety is not the only control where a design control was feasible.

    Serves ISO 14971 7.1: options in priority order, inherent safety by design, then
    protective measures, then information for safety. A warning unless the situation
    states why no design or protective control is feasible.
    """
    model = context.profile.risk
    for estimate in context.local_risks:
        if model is None or not estimate.controls:
            continue
        controls = [context.graph.item(control_id) for control_id in estimate.controls]
        options = {
            control.field(model.option_field)
            for control in controls
            if control is not None
        }
        if options != {model.information_option}:
            continue
        if estimate.situation.field(model.fields.information_only):
            continue
        yield RISK_INFORMATION_ONLY.at(
            estimate.situation,
            f"{estimate.situation.id}: only information for safety controls this situation; "
            f"add a design or protective control or state why none is feasible "
            f"(field {model.fields.information_only!r})",
        )


def check_risk_value_mismatch(context: CheckContext) -> Iterator[Finding]:
    """A risk written by hand agrees with the risk computed from the plan.

    Serves ISO 14971 5.5 and 6: risk is computed from the plan's matrix, never typed.
    """
    model = context.profile.risk
    for estimate in context.local_risks:
        if model is None:
            continue
        for field_name, level in (
            (model.fields.initial_risk, estimate.initial),
            (model.fields.residual_risk, estimate.residual),
        ):
            typed = estimate.situation.field(field_name)
            if typed is None or level is None:
                continue
            if not level.region.is_named_by(typed):
                yield RISK_VALUE_MISMATCH.at(
                    estimate.situation,
                    f"{estimate.situation.id}: {field_name} says {typed.strip()!r} but the plan's "
                    f"matrix gives {level.region.label!r} for {_cell(context, level.severity, level.probability)}",
                )


def check_risk_overall_evaluation(context: CheckContext) -> Iterator[Finding]:
    """A risk file with hazardous situations has an overall residual risk evaluation.

    Serves ISO 14971 8 (evaluation of overall residual risk).
    """
    model = context.profile.risk
    risks = context.local_risks
    if model is None or model.evaluation_type is None or not risks:
        return
    if context.graph.of_type(model.evaluation_type):
        return
    first = risks[0].situation
    yield RISK_OVERALL_EVALUATION.at(
        first,
        f"the risk file has {len(risks)} hazardous situations but no "
        f"{model.evaluation_type} item evaluating the overall residual risk",
    )


def _cell(context: CheckContext, severity: int, probability: int) -> str:
    model = context.profile.risk
    assert model is not None
    return f"{model.severity.key}{severity}/{model.probability.key}{probability}"


def _residual_names(model: RiskModel) -> str:
    if model.method == "p2_only":
        return model.fields.residual_p2
    return f"{model.fields.residual_p1}, {model.fields.residual_p2}"


def _residual_problem(problems: tuple[str, ...], model: RiskModel) -> bool:
    names = (model.fields.residual_p1, model.fields.residual_p2)
    return any(problem.startswith(names) for problem in problems)


#: the ISO 14971 checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(spec=RISK_FILE_EMPTY, function=check_risk_file_empty),
    Check(spec=RISK_ESTIMATE, function=check_risk_estimate),
    Check(spec=RISK_UNCONTROLLED, function=check_risk_uncontrolled),
    Check(spec=RISK_INFORMATION_ONLY, function=check_risk_information_only),
    Check(spec=RISK_CONTROL_UNVERIFIED, function=check_risk_control_unverified),
    Check(spec=RISK_RESIDUAL_MISSING, function=check_risk_residual_missing),
    Check(spec=RISK_RESIDUAL_UNJUSTIFIED, function=check_risk_residual_unjustified),
    Check(spec=RISK_NEW_HAZARD, function=check_risk_new_hazard),
    Check(spec=RISK_VALUE_MISMATCH, function=check_risk_value_mismatch),
    Check(spec=RISK_OVERALL_EVALUATION, function=check_risk_overall_evaluation),
)
