"""Risk file directives: the plan's scales and matrix, heat-maps, risk table, summary.

``.. qms-risk-plan::``
    The scales, the P1 x P2 combination and the acceptability matrix, from the profile.
``.. qms-risk-matrix:: initial`` (or ``residual``)
    Heat-map: situations per matrix cell, coloured by region, each linking to its items.
``.. qms-risk-table::``
    One row per hazardous situation, from hazard to residual acceptability.
``.. qms-risk-summary::``
    The figures and clause-by-clause status of the risk management report (clause 9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from qmsdoc.risk.views import heat_map, risk_rows, risk_summary
from qmsdoc.sphinxext.aggregate import PART_METADATA, AggregateDirective, add_aggregates
from qmsdoc.sphinxext.tables import (
    Cell,
    acceptability,
    paragraph,
    region_class,
    scale_table,
    table,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx

    from qmsdoc.profile.risk_model import Region, RiskModel
    from qmsdoc.risk.estimate import RiskLevel
    from qmsdoc.risk.views import ControlStatus
    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest

__all__ = ["RISK_DIRECTIVES", "RISK_RENDERERS", "setup"]

_STAGES = ("initial", "residual")


class RiskPlanDirective(AggregateDirective):
    kind = "risk-plan"


class RiskMatrixDirective(AggregateDirective):
    kind = "risk-matrix"
    required_arguments = 1
    optional_arguments = 0


class RiskTableDirective(AggregateDirective):
    kind = "risk-table"


class RiskSummaryDirective(AggregateDirective):
    kind = "risk-summary"


RISK_DIRECTIVES: dict[str, type[AggregateDirective]] = {
    "qms-risk-plan": RiskPlanDirective,
    "qms-risk-matrix": RiskMatrixDirective,
    "qms-risk-table": RiskTableDirective,
    "qms-risk-summary": RiskSummaryDirective,
}


def render_plan(request: RenderRequest) -> Sequence[nodes.Node]:
    """The plan's risk model as tables."""
    model = _model(request)
    if model is None:
        return []
    output: list[nodes.Node] = [
        paragraph(f"Acceptability criteria of {model.plan}. "),
    ]
    for scale in (model.severity, model.p1, model.p2, model.probability):
        if model.method == "p2_only" and scale is model.p1:
            continue
        output.append(scale_table(scale))
    if model.method == "p1_p2":
        headers = ["P1 \\ P2", *(model.p2.label(v.value) for v in model.p2.levels)]
        rows = [
            [
                model.p1.label(p1.value),
                *(model.probability.label(value) for value in row),
            ]
            for p1, row in zip(model.p1.levels, model.combination, strict=True)
        ]
        output.append(paragraph("Combined probability of harm P from P1 and P2:"))
        output.append(
            table(headers, rows, classes=["qms-risk-combination"], stub_columns=1)
        )
    else:
        output.append(
            paragraph(
                "Software failure probability is not estimated: P1 is taken as 1 "
                "(the situation occurs whenever the failure can arise) and P is read from P2."
            )
        )
    output.append(paragraph("Acceptability matrix (severity by probability of harm):"))
    output.append(_matrix(request, model, counts=None))
    output.append(_legend(model))
    return output


def render_matrix(request: RenderRequest) -> Sequence[nodes.Node]:
    """Heat-map of the initial or residual risk."""
    model = _model(request)
    if model is None:
        return []
    stage = request.argument
    if stage not in _STAGES:
        request.warn(f"qms-risk-matrix: {stage!r} is not one of {', '.join(_STAGES)}")
        return []
    output: list[nodes.Node] = [_matrix(request, model, counts=stage)]
    view = heat_map(
        request.context.risks, model, "initial" if stage == "initial" else "residual"
    )
    if view.not_estimated:
        output.append(
            paragraph(
                "Not placed (estimate missing or off the scale): ",
                *request.links(view.not_estimated),
            )
        )
    output.append(_legend(model))
    return output


def render_table(request: RenderRequest) -> Sequence[nodes.Node]:
    """The risk table: one row per hazardous situation."""
    model = _model(request)
    if model is None:
        return []
    graph = request.context.graph
    rows: list[list[Cell]] = []
    classes: list[list[list[str]]] = []
    for row in risk_rows(request.context.risks, graph, model, request.context.evidence):
        controls: list[nodes.Node] = []
        verification: list[nodes.Node] = []
        for status in row.controls:
            if controls:
                controls.append(nodes.Text(", "))
                verification.append(nodes.Text("; "))
            controls.append(request.link(status.control_id))
            controls.append(nodes.Text(f" ({status.option.replace('_', ' ')})"))
            verification.append(nodes.Text(f"{status.control_id}: {_verified(status)}"))
        rows.append(
            [
                request.links([hazard.id for hazard in row.hazards]),
                row.sequence,
                [request.link(row.situation.id), nodes.Text(f" {row.situation.title}")],
                request.links([harm.id for harm in row.harms]),
                str(row.initial.severity) if row.initial else "?",
                _component(row.initial, "p1"),
                _component(row.initial, "p2"),
                _level(model, row.initial),
                controls or "none",
                verification or "-",
                _level(model, row.residual),
                acceptability(
                    _region(row.residual),
                    row.benefit_risk,
                    accepted="accepted on benefit-risk",
                ),
            ]
        )
        classes.append(
            [[] for _ in range(7)]
            + [
                [region_class(_region(row.initial))],
                [],
                [],
                [region_class(_region(row.residual))],
                [],
            ]
        )
    headers = [
        "Hazard", "Sequence of events", "Hazardous situation", "Harm", "S", "P1", "P2",
        "Initial risk", "Risk controls", "Verification", "Residual risk", "Acceptability",
    ]  # fmt: skip
    return [
        table(
            headers,
            rows,
            classes=["qms-risk-table"],
            cell_classes=classes,
            widths=[6, 22, 16, 6, 3, 3, 3, 8, 12, 10, 8, 12],
        )
    ]


def render_summary(request: RenderRequest) -> Sequence[nodes.Node]:
    """Figures and clause-by-clause status for the risk management report."""
    model = _model(request)
    if model is None:
        return []
    context = request.context
    summary = risk_summary(context.risks, context.graph, model, context.evidence)
    findings: dict[str, int] = {}
    for finding in request.findings:
        if finding.check_id.startswith("risk_") and finding.fails_gate:
            findings[finding.check_id] = findings.get(finding.check_id, 0) + 1
    clauses = [
        ("4.4", "Risk management plan", model.plan, None),
        ("5.4", "Hazards and hazardous situations identified",
         f"{summary.hazards} hazards, {summary.situations} hazardous situations", None),
        ("5.5", "Risk estimated", f"{summary.situations - summary.not_estimated} of {summary.situations}", "risk_estimate"),
        ("6", "Risk evaluated", _distribution(summary.initial_by_region), None),
        ("7.1", "Risk control options analysed", f"{summary.controls} risk controls", "risk_uncontrolled"),
        ("7.2", "Implementation and effectiveness verified",
         f"{summary.controls_verified} of {summary.controls} controls verified by executed records; "
         f"{summary.controls_planned} of {summary.controls} with verification planned", "risk_control_unverified"),
        ("7.3", "Residual risk evaluated", _distribution(summary.residual_by_region), "risk_residual_missing"),
        ("7.4", "Benefit-risk analysis", f"{summary.benefit_risk_documented} justified", "risk_residual_unjustified"),
        ("7.5", "Risks arising from risk controls", "introduced hazards analysed", "risk_new_hazard"),
        ("8", "Overall residual risk",
         ", ".join(f"{item.id}: {(item.field('conclusion') or '?').replace('_', ' ')}" for item in summary.evaluations) or "not evaluated",
         "risk_overall_evaluation"),
    ]  # fmt: skip
    # what the findings cannot say: nothing analysed is not complete, and a control
    # is verified only by executed records
    incomplete = {
        "5.4": "incomplete: no hazardous situation analysed" if not summary.situations else None,
        "7.1": "incomplete: no risk control" if not summary.controls else None,
        "7.2": (
            f"incomplete: {summary.controls - summary.controls_verified} of {summary.controls} "
            "controls not verified by executed records"
            if summary.controls_verified < summary.controls or not summary.controls
            else None
        ),
        "8": "incomplete: no overall residual risk evaluation" if not summary.evaluations else None,
    }  # fmt: skip
    rows = []
    for clause, title, figure, check_id in clauses:
        open_count = findings.get(check_id, 0) if check_id else 0
        state = (
            f"{open_count} open finding(s) [qms.{check_id}]"
            if open_count
            else incomplete.get(clause) or "complete"
        )
        rows.append([clause, title, figure, state])
    return [
        table(
            ["ISO 14971", "Requirement", "Result", "State"],
            rows,
            classes=["qms-risk-summary"],
            widths=[6, 24, 40, 20],
        )
    ]


RISK_RENDERERS: dict[str, Renderer] = {
    "risk-plan": render_plan,
    "risk-matrix": render_matrix,
    "risk-table": render_table,
    "risk-summary": render_summary,
}


def _model(request: RenderRequest) -> RiskModel | None:
    model = request.context.profile.risk
    if model is None:
        request.warn("the profile declares no [risk] model; nothing to show")
    return model


def _matrix(
    request: RenderRequest, model: RiskModel, *, counts: str | None
) -> nodes.table:
    view = heat_map(
        request.context.risks, model, "residual" if counts == "residual" else "initial"
    )
    headers = [
        "Severity \\ P",
        *(model.probability.label(level.value) for level in model.probability.levels),
    ]
    rows: list[list[Cell]] = []
    classes: list[list[list[str]]] = []
    for cells in view.rows:
        severity = cells[0].severity
        row: list[Cell] = [model.severity.label(severity)]
        row_classes: list[list[str]] = [[]]
        for cell in cells:
            if counts is None:
                row.append(cell.region.label)
            else:
                content: list[nodes.Node] = [
                    nodes.strong("", str(len(cell.situations)))
                ]
                if cell.situations:
                    content.append(nodes.Text(": "))
                    content.extend(request.links(cell.situations))
                row.append(content)
            row_classes.append([f"qms-region-{cell.region.name}", "qms-heat-cell"])
        rows.append(row)
        classes.append(row_classes)
    kind = "qms-risk-heatmap" if counts else "qms-risk-criteria"
    return table(
        headers,
        rows,
        classes=[kind, f"qms-{counts or 'criteria'}"],
        cell_classes=classes,
        stub_columns=1,
    )


def _legend(model: RiskModel) -> nodes.Node:
    parts: list[str | nodes.Node] = ["Regions: "]
    for index, region in enumerate(model.regions):
        if index:
            parts.append("; ")
        parts.append(
            nodes.inline(
                "", region.label, classes=[f"qms-region-{region.name}", "qms-legend"]
            )
        )
    return paragraph(*parts)


def _region(level: RiskLevel | None) -> Region | None:
    return level.region if level is not None else None


def _component(level: RiskLevel | None, name: str) -> str:
    if level is None:
        return "?"
    value = getattr(level, name)
    return "-" if value is None else str(value)


def _level(model: RiskModel, level: RiskLevel | None) -> str:
    if level is None:
        return "not estimated"
    return f"{model.severity.key}{level.severity}/{model.probability.key}{level.probability}: {level.region.label}"


def _verified(status: ControlStatus) -> str:
    return status.describe()


def _distribution(counts: Sequence[tuple[Region, int]]) -> str:
    return ", ".join(f"{region.label}: {count}" for region, count in counts)


def setup(app: Sphinx) -> dict[str, Any]:
    """The risk management pages (:mod:`qmsdoc.processes`)."""
    add_aggregates(app, RISK_DIRECTIVES, RISK_RENDERERS)
    return PART_METADATA
