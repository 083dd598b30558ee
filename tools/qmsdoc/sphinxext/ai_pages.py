"""The measured performance of an evaluation on a page (AI process,
:mod:`qmsdoc.processes`).

``.. qms-performance:: PE-001``
    The table of the evaluation's committed performance record judged now (metric,
    subgroup, n, estimate, confidence interval, criteria, met or not met; "no
    record" when none is imported) and one chart per metric (:mod:`qmsdoc.ai.charts`),
    inlined as SVG in the HTML builders (the singlehtml the PDF is printed from
    included); other builders get the table only.

Rendered at resolve time from the items and records; an unknown or wrong-type item
is a ``qms.directive`` warning.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes

from qmsdoc.ai.charts import performance_view
from qmsdoc.sphinxext.aggregate import PART_METADATA, AggregateDirective, add_aggregates
from qmsdoc.sphinxext.tables import paragraph, table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx

    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest

__all__ = ["AI_PAGE_DIRECTIVES", "AI_PAGE_RENDERERS", "setup"]

_HEADERS = (
    "Metric",
    "Subgroup",
    "n",
    "Estimate",
    "Confidence interval",
    "Criteria",
    "Met",
)
_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)


class PerformanceDirective(AggregateDirective):
    """Argument: the id of a performance evaluation item."""

    kind = "ai-performance"
    required_arguments = 1
    optional_arguments = 0


AI_PAGE_DIRECTIVES: dict[str, type[AggregateDirective]] = {
    "qms-performance": PerformanceDirective,
}


def render_performance(request: RenderRequest) -> Sequence[nodes.Node]:
    """The table and charts of the argument's evaluation."""
    context = request.context
    config = context.profile.ai
    evaluation = context.graph.item(request.argument)
    if (
        config is None
        or evaluation is None
        or evaluation.item_type != config.evaluation_type
    ):
        request.warn(
            f"qms-performance: {request.argument!r} is not a performance evaluation"
        )
        return [paragraph(f"{request.argument}: not a performance evaluation.")]
    record = context.ai.record_of(evaluation.id) if context.ai is not None else None
    view = performance_view(evaluation, record, config)
    container = nodes.container(classes=["qms-performance"])
    container += paragraph(view.note)
    if view.rows:
        rows = [
            (
                row.metric,
                row.subgroup,
                row.n,
                row.estimate,
                row.interval,
                row.criteria,
                row.status,
            )
            for row in view.rows
        ]
        container += table(_HEADERS, rows, classes=["qms-performance-table"])
    if request.builder.format == "html":
        for metric, svg in view.charts:
            figure = nodes.container(classes=["qms-performance-chart"])
            figure += nodes.raw("", _PROLOGUE.sub("", svg, count=1), format="html")
            figure += paragraph(f"{evaluation.id}: {metric} by subgroup")
            container += figure
    return [container]


AI_PAGE_RENDERERS: dict[str, Renderer] = {"ai-performance": render_performance}


def setup(app: Sphinx) -> dict[str, Any]:
    """The performance tables and charts (ai, :mod:`qmsdoc.processes`)."""
    add_aggregates(app, AI_PAGE_DIRECTIVES, AI_PAGE_RENDERERS)
    return PART_METADATA
