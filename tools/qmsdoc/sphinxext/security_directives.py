"""The cybersecurity file: security risk plan and table, and the SOUP list.

``.. qms-security-plan::``
    The impact and exploitability scales and the acceptability matrix of the
    profile's ``[security]`` plan.
``.. qms-security-table::``
    One row per threat: STRIDE category, asset, the hazardous situations it can
    cause, initial security risk, security controls, residual security risk.
``.. qms-soup-list::``
    Every component of every imported SBOM against the SOUP items of the file, with
    support, end of support and each reported vulnerability's VEX status.

All computed from the items and records at resolve time; missing input is named.
Field names come from the profile's ``[security.fields]`` and ``[soup]`` tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from qmsdoc.checks.soup import soup_items_by_key
from qmsdoc.checks.vulnerability import assessments_of, package_name
from qmsdoc.model.ordering import natural_key
from qmsdoc.soup.records import component_key
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

    from qmsdoc.model import Item
    from qmsdoc.profile.model import SoupConfig
    from qmsdoc.profile.risk_model import Region
    from qmsdoc.profile.security_model import SecurityModel
    from qmsdoc.security.estimate import SecurityEstimate, SecurityLevel
    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest

__all__ = ["SECURITY_DIRECTIVES", "SECURITY_RENDERERS", "setup"]


class SecurityPlanDirective(AggregateDirective):
    """No options: the plan comes from the profile."""

    kind = "security-plan"


class SecurityTableDirective(AggregateDirective):
    """No options: every threat of the file."""

    kind = "security-table"


class SoupListDirective(AggregateDirective):
    """No options: every SBOM record imported under the profile's SOUP folder."""

    kind = "soup-list"


SECURITY_DIRECTIVES: dict[str, type[AggregateDirective]] = {
    "qms-security-plan": SecurityPlanDirective,
    "qms-security-table": SecurityTableDirective,
    "qms-soup-list": SoupListDirective,
}


def render_plan(request: RenderRequest) -> Sequence[nodes.Node]:
    """Scales and the acceptability matrix of the security plan."""
    model = _model(request)
    if model is None:
        return []
    headers = [
        "Impact \\ Exploitability",
        *(
            model.exploitability.label(level.value)
            for level in model.exploitability.levels
        ),
    ]
    rows: list[list[Cell]] = []
    classes: list[list[list[str]]] = []
    for impact in reversed(model.impact.levels):
        row: list[Cell] = [model.impact.label(impact.value)]
        row_classes: list[list[str]] = [[]]
        for exploitability in model.exploitability.levels:
            region = model.region(impact.value, exploitability.value)
            row.append(region.label)
            row_classes.append([f"qms-region-{region.name}", "qms-heat-cell"])
        rows.append(row)
        classes.append(row_classes)
    return [
        paragraph(f"Criteria of {model.plan}."),
        scale_table(model.impact),
        scale_table(model.exploitability),
        table(
            headers,
            rows,
            classes=["qms-risk-criteria", "qms-security-criteria"],
            cell_classes=classes,
            stub_columns=1,
        ),
    ]


def render_table(request: RenderRequest) -> Sequence[nodes.Node]:
    """One row per threat with computed initial and residual security risk."""
    model = _model(request)
    if model is None:
        return []
    threats = sorted(request.context.threats, key=lambda e: natural_key(e.threat.id))
    if not threats:
        return [
            paragraph(
                f"Missing input: the device file has no {model.threat_type} items."
            )
        ]
    rows: list[list[Cell]] = []
    classes: list[list[list[str]]] = []
    for estimate in threats:
        threat = estimate.threat
        rows.append(
            [
                [request.link(threat.id), nodes.Text(f" {threat.title}")],
                (threat.field(model.fields.stride) or "-").replace("_", " "),
                threat.field(model.fields.asset) or "-",
                request.links(estimate.situations) or "-",
                _level(model, estimate.initial),
                request.links(estimate.controls) or "none",
                _level(model, estimate.residual),
                acceptability(
                    _region(estimate.residual),
                    threat.field(model.fields.benefit_risk),
                    accepted="accepted with justification",
                ),
            ]
        )
        classes.append(
            [[], [], [], [], [region_class(_region(estimate.initial))], [],
             [region_class(_region(estimate.residual))], []]
        )  # fmt: skip
    counts = _counts(threats, model)
    return [
        paragraph(
            f"{len(threats)} threats; residual security risk: {counts}. "
            "Regions are computed from the security plan's matrix."
        ),
        table(
            ["Threat", "STRIDE", "Asset", "Can cause", "Initial",
             "Security controls", "Residual", "Acceptability"],
            rows,
            classes=["qms-risk-table", "qms-security-table"],
            cell_classes=classes,
            widths=[22, 9, 12, 10, 12, 12, 12, 11],
        ),
    ]  # fmt: skip


def render_soup_list(request: RenderRequest) -> Sequence[nodes.Node]:
    """SBOM components against SOUP items, with support and vulnerability status."""
    context = request.context
    config = context.profile.soup
    if config is None:
        request.warn("qms-soup-list: the profile has no [soup] table; nothing to show")
        return []
    if not context.sboms:
        return [
            paragraph(
                f"Missing input: no SBOM has been imported into {config.directory}"
                " (qms soup import FILE)."
            )
        ]
    items = soup_items_by_key(context.graph, config)
    output: list[nodes.Node] = []
    for record in context.sboms:
        tools = ", ".join(record.tools) or "tool not stated"
        output.append(nodes.rubric("", f"SBOM {record.name}"))
        output.append(
            paragraph(
                f"{len(record.components)} components from {record.source}"
                f" ({record.format} {record.spec_version}, {tools};"
                f" SHA-256 {record.digest[:16]}...)."
            )
        )
        rows: list[list[Cell]] = []
        classes: list[list[list[str]]] = []
        for component in record.components:
            item = items.get(component.key, [None])[0]
            vulnerabilities = _vulnerabilities(
                request, component.key, component.version
            )
            rows.append(
                [
                    f"{component.name} {component.version or ''}".strip(),
                    _supplier(config, component.supplier, item),
                    ", ".join(component.licenses) or "-",
                    request.link(item.id) if item is not None else "missing",
                    (item.field(config.relevance_field) or "-") if item else "-",
                    _support(config, item),
                    vulnerabilities or "none reported",
                ]
            )
            classes.append(
                [[], [], [], [] if item else ["qms-gap"], [], [],
                 ["qms-gap"] if "unassessed" in str(vulnerabilities) else []]
            )  # fmt: skip
        output.append(
            table(
                ["Component", "Supplier", "Licence", "SOUP item", "Safety relevance",
                 "Support", "Vulnerabilities (VEX)"],
                rows,
                classes=["qms-soup-list"],
                cell_classes=classes,
                widths=[18, 14, 12, 9, 9, 16, 22],
            )
        )  # fmt: skip
    return output


SECURITY_RENDERERS: dict[str, Renderer] = {
    "security-plan": render_plan,
    "security-table": render_table,
    "soup-list": render_soup_list,
}


def _model(request: RenderRequest) -> SecurityModel | None:
    model = request.context.profile.security
    if model is None:
        request.warn("the profile declares no [security] model; nothing to show")
    return model


def _vulnerabilities(request: RenderRequest, key: str, version: str | None) -> str:
    """Reported vulnerabilities of one component version, each with its VEX status."""
    context = request.context
    config = context.profile.soup
    if config is None:
        return ""
    wanted = package_name(key)
    parts = set()
    for record in context.scans:
        for reported in record.findings:
            reported_key = component_key(reported.package, reported.purl)
            if reported.version != version or package_name(reported_key) != wanted:
                continue
            assessed = assessments_of(context.graph, config, reported)
            status = ", ".join(
                f"{item.id} {item.field(config.status_field) or '?'}"
                for item in assessed
            )
            parts.add(f"{reported.vulnerability_id}: {status or 'unassessed'}")
    return "; ".join(sorted(parts))


def _supplier(config: SoupConfig, stated: str | None, item: Item | None) -> str:
    """The SBOM's supplier; where the SBOM names none, the SOUP item's, marked so."""
    if stated:
        return stated
    written = item.field(config.supplier_field) if item is not None else None
    return f"{written} (from the SOUP item; not in the SBOM)" if written else "-"


def _support(config: SoupConfig, item: Item | None) -> str:
    if item is None:
        return "-"
    level = (item.field(config.support_level_field) or "-").replace("_", " ")
    end = item.field(config.end_of_support_field)
    return f"{level}, until {end}" if end else level


def _region(level: SecurityLevel | None) -> Region | None:
    return level.region if level is not None else None


def _level(model: SecurityModel, level: SecurityLevel | None) -> str:
    if level is None:
        return "not estimated"
    return (
        f"{model.impact.key}{level.impact}/{model.exploitability.key}"
        f"{level.exploitability}: {level.region.label}"
    )


def _counts(threats: Sequence[SecurityEstimate], model: SecurityModel) -> str:
    counts = dict.fromkeys((region.label for region in model.regions), 0)
    unknown = 0
    for estimate in threats:
        level = estimate.residual
        if level is None:
            unknown += 1
        else:
            counts[level.region.label] += 1
    text = ", ".join(f"{count} {label.lower()}" for label, count in counts.items())
    return f"{text}, {unknown} not estimated" if unknown else text


def setup(app: Sphinx) -> dict[str, Any]:
    """The security risk and SOUP pages (security, :mod:`qmsdoc.processes`)."""
    add_aggregates(app, SECURITY_DIRECTIVES, SECURITY_RENDERERS)
    return PART_METADATA
