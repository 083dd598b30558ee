"""Generated documents: the SRS and the verification and validation summary.

``.. qms-srs::``
    The software requirements specification: every requirement, grouped by its kind
    (in the order of the profile's values), with its text and trace links.
``.. qms-vv-summary::``
    Verification by test level and validation: how many tests, how many automated,
    and the latest result states from the recorded evidence.

A document whose input is missing says what is missing instead of an empty heading.
The types and fields default to the profile's ``[design]`` table.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from qmsdoc.model.ordering import natural_key
from qmsdoc.sphinxext.aggregate import PART_METADATA, AggregateDirective, add_aggregates
from qmsdoc.sphinxext.tables import Cell, paragraph, table

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sphinx.application import Sphinx

    from qmsdoc.model import Item
    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest

__all__ = ["DOCUMENT_DIRECTIVES", "DOCUMENT_RENDERERS", "setup"]


class SrsDirective(AggregateDirective):
    """Options name the profile's type and grouping field (defaults: the
    ``[design]`` table's ``requirement_type`` and ``kind_field``)."""

    kind = "srs"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "type": directives.unchanged,
        "group-by": directives.unchanged,
    }


class VvSummaryDirective(AggregateDirective):
    """Options: ``:type:`` (tests), ``:level-field:``, ``:validation-type:``
    (defaults: the ``[design]`` table's ``test_type``, ``test_level_field`` and
    ``validation_type``)."""

    kind = "vv-summary"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "type": directives.unchanged,
        "level-field": directives.unchanged,
        "validation-type": directives.unchanged,
    }


DOCUMENT_DIRECTIVES: dict[str, type[AggregateDirective]] = {
    "qms-srs": SrsDirective,
    "qms-vv-summary": VvSummaryDirective,
}


def render_srs(request: RenderRequest) -> Sequence[nodes.Node]:
    """Requirements by kind, each with its text and links."""
    graph = request.context.graph
    design = request.context.profile.design
    if design is None:
        request.warn("qms-srs: the profile has no [design] table; nothing to show")
        return []
    requirement_type = str(request.option("type") or design.requirement_type)
    group_field = str(request.option("group-by") or design.kind_field)
    if request.context.profile.item_type(requirement_type) is None:
        request.warn(f"qms-srs: unknown item type {requirement_type!r}")
        return []
    requirements = sorted(
        graph.of_type(requirement_type), key=lambda item: natural_key(item.id)
    )
    if not requirements:
        return [
            paragraph(
                f"Missing input: the device file has no {requirement_type} items."
            )
        ]
    spec = request.context.profile.field_spec(group_field)
    order = list(spec.values) if spec is not None else []
    kinds = sorted({(item.field(group_field) or "unspecified").strip() for item in requirements},
                   key=lambda kind: (order.index(kind) if kind in order else len(order), kind))  # fmt: skip
    output: list[nodes.Node] = [
        paragraph(
            f"{len(requirements)} requirements in {len(kinds)} kinds, generated from the items."
        )
    ]
    for kind in kinds:
        section = nodes.rubric(
            "", f"{kind.replace('_', ' ').capitalize()} requirements"
        )
        rows: list[list[Cell]] = []
        for item in requirements:
            if (item.field(group_field) or "unspecified").strip() != kind:
                continue
            links = "; ".join(f"{link.link_type} {link.target}" for link in item.links)
            rows.append(
                [
                    request.link(item.id),
                    [
                        nodes.strong("", item.title),
                        nodes.Text(" " + " ".join(item.content.split())),
                    ],
                    links or "-",
                    _verification_cell(request, item),
                ]
            )
        output.append(section)
        output.append(
            table(
                ["ID", "Requirement", "Trace", "Verification (executed records)"],
                rows,
                classes=["qms-srs"],
                widths=[8, 58, 18, 16],
            )
        )
    return output


def _verification_cell(request: RenderRequest, item: Item) -> str:
    """The item's verification state with the tests it rests on, or why none is shown."""
    evidence = request.context.evidence
    config = request.context.profile.evidence
    if evidence is None or config is None:
        return "no evidence records configured"
    state = evidence.state_of(item.id)
    if state is None:
        return f"n/a ({item.item_type} is not verified)"
    tests = sorted(
        {
            edge.source
            for link in config.verification_links
            for edge in request.context.graph.incoming(item.id, link)
        },
        key=natural_key,
    )
    return f"{state.label} ({', '.join(tests)})" if tests else state.label


def render_vv_summary(request: RenderRequest) -> Sequence[nodes.Node]:
    """Tests per level with their automation and latest result states; validations."""
    graph = request.context.graph
    design = request.context.profile.design
    if design is None:
        request.warn(
            "qms-vv-summary: the profile has no [design] table; nothing to show"
        )
        return []
    test_type = str(request.option("type") or design.test_type)
    level_field = str(request.option("level-field") or design.test_level_field)
    validation_type = str(request.option("validation-type") or design.validation_type)
    for name in (test_type, validation_type):
        if request.context.profile.item_type(name) is None:
            request.warn(f"qms-vv-summary: unknown item type {name!r}")
            return []
    tests = graph.of_type(test_type)
    if not tests:
        return [paragraph(f"Missing input: the device file has no {test_type} items.")]
    evidence = request.context.evidence
    config = request.context.profile.evidence
    levels = sorted({(t.field(level_field) or "unspecified").strip() for t in tests})
    rows: list[list[Cell]] = []
    for level in levels:
        at_level = [
            t for t in tests if (t.field(level_field) or "unspecified").strip() == level
        ]
        automated = sum(
            1 for t in at_level if config and t.field(config.automated_field)
        )
        states = Counter(
            evidence.states[t.id].label
            if evidence is not None and t.id in evidence.states
            else "no evidence records configured"
            for t in at_level
        )
        summary = ", ".join(
            f"{count} {state}" for state, count in sorted(states.items())
        )
        rows.append([level, str(len(at_level)), str(automated), summary])
    output: list[nodes.Node] = [
        table(
            ["Level", "Tests", "Automated", "Latest results"],
            rows,
            classes=["qms-vv"],
            widths=[15, 10, 12, 50],
        )
    ]
    runs = evidence.runs if evidence is not None else ()
    if runs:
        kinds = Counter(run.kind for run in runs)
        automated_runs = [run for run in runs if run.kind == "automated"]
        text = (
            f"Evidence records: {kinds['automated']} automated runs, "
            f"{kinds['manual']} manual execution records, {kinds['study']} study reports."
        )
        if automated_runs:
            latest = automated_runs[-1]
            text += (
                f" Latest automated run: {latest.run_id}, commit "
                f"{latest.commit or 'unknown'}, {latest.date or 'date unknown'}, "
                f"{len(latest.results)} cases."
            )
        output.append(paragraph(text))
    else:
        output.append(
            paragraph("Missing input: no test run is recorded (qms evidence import).")
        )
    validations = sorted(
        graph.of_type(validation_type), key=lambda item: natural_key(item.id)
    )
    if validations:
        output.append(nodes.rubric("", "Validation"))
        validation_rows: list[list[Cell]] = [
            [
                request.link(v.id),
                v.title,
                ", ".join(link.target for link in v.links),
                evidence.states[v.id].describe()
                if evidence is not None and v.id in evidence.states
                else "no evidence records configured",
            ]
            for v in validations
        ]
        output.append(
            table(
                ["ID", "Activity", "Validates / verifies", "Study report"],
                validation_rows,
                classes=["qms-vv"],
                widths=[10, 40, 25, 25],
            )
        )
    else:
        output.append(
            paragraph(f"Missing input: the device file has no {validation_type} items.")
        )
    return output


DOCUMENT_RENDERERS: dict[str, Renderer] = {
    "srs": render_srs,
    "vv-summary": render_vv_summary,
}


def setup(app: Sphinx) -> dict[str, Any]:
    """The SRS and V&V summary pages (design controls, :mod:`qmsdoc.processes`)."""
    add_aggregates(app, DOCUMENT_DIRECTIVES, DOCUMENT_RENDERERS)
    return PART_METADATA
