"""Generated documents: the SRS and the verification and validation summary.

``.. qms-srs::``
    The software requirements specification: every requirement, grouped by its kind
    (in the order of the profile's values), with its text and trace links.
``.. qms-vv-summary::``
    Verification by test level and validation: how many tests, how many automated,
    and the latest result states from the recorded evidence.

A document whose input is missing says what is missing instead of an empty heading.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from qmsdoc.sphinxext.aggregate import AggregateDirective
from qmsdoc.sphinxext.tables import Cell, paragraph, table
from qmsdoc.trace.matrix import natural_key

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest

__all__ = ["DOCUMENT_DIRECTIVES", "DOCUMENT_RENDERERS"]


class SrsDirective(AggregateDirective):
    """Options name the profile's type and grouping field (defaults: the
    medical-device profile's ``requirement`` and ``kind``)."""

    kind = "srs"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "type": directives.unchanged,
        "group-by": directives.unchanged,
    }


class VvSummaryDirective(AggregateDirective):
    """Options: ``:type:`` (tests), ``:level-field:``, ``:validation-type:``."""

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
    requirement_type = str(request.option("type") or "requirement")
    group_field = str(request.option("group-by") or "kind")
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
            verified = (
                ", ".join(edge.source for edge in graph.incoming(item.id, "verifies"))
                or "none"
            )
            rows.append(
                [
                    request.link(item.id),
                    [
                        nodes.strong("", item.title),
                        nodes.Text(" " + " ".join(item.content.split())),
                    ],
                    f"{links}; verified by {verified}"
                    if links
                    else f"verified by {verified}",
                ]
            )
        output.append(section)
        output.append(
            table(
                ["ID", "Requirement", "Trace"],
                rows,
                classes=["qms-srs"],
                widths=[8, 70, 22],
            )
        )
    return output


def render_vv_summary(request: RenderRequest) -> Sequence[nodes.Node]:
    """Tests per level with their automation and latest result states; validations."""
    graph = request.context.graph
    test_type = str(request.option("type") or "verification_test")
    level_field = str(request.option("level-field") or "test_level")
    validation_type = str(request.option("validation-type") or "validation")
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
        latest = runs[-1]
        output.append(
            paragraph(
                f"Latest recorded run: {latest.run_id}, commit {latest.commit or 'unknown'}, "
                f"{latest.date or 'date unknown'}, {len(latest.results)} cases."
            )
        )
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
            [request.link(v.id), v.title, ", ".join(link.target for link in v.links)]
            for v in validations
        ]
        output.append(
            table(
                ["ID", "Activity", "Validates / verifies"],
                validation_rows,
                classes=["qms-vv"],
                widths=[10, 55, 35],
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
