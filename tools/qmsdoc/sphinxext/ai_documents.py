"""The generated AI documents (AI process, :mod:`qmsdoc.processes`).

``.. qms-model-card:: AIM-001``
    The model card of an AI model (FDA AI-DSF draft guidance, January 2025,
    Appendix E).
``.. qms-data-management::``
    The data management summary: every dataset and the independence of the test
    sets from the training and tuning sets, by record digest.
``.. qms-pccp-document:: PCCP-001``
    A predetermined change control plan as a document (FDA PCCP guidance, 2024).

Rendered at resolve time from the items and performance records by
:mod:`qmsdoc.ai.documents`; a field an item does not state is shown as
"not stated"; an unknown or wrong-type item is a ``qms.directive`` warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from qmsdoc.ai.documents import data_management, model_card, pccp_document
from qmsdoc.sphinxext.aggregate import PART_METADATA, AggregateDirective, add_aggregates
from qmsdoc.sphinxext.tables import paragraph, table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx

    from qmsdoc.ai.documents import AiDocument
    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest

__all__ = ["AI_DOCUMENT_DIRECTIVES", "AI_DOCUMENT_RENDERERS", "setup"]


class ModelCardDirective(AggregateDirective):
    """Argument: the id of an AI model item."""

    kind = "ai-model-card"
    required_arguments = 1
    optional_arguments = 0


class DataManagementDirective(AggregateDirective):
    """No argument: every dataset of the file."""

    kind = "ai-data-management"


class PccpDocumentDirective(AggregateDirective):
    """Argument: the id of a predetermined change control plan item."""

    kind = "ai-pccp-document"
    required_arguments = 1
    optional_arguments = 0


AI_DOCUMENT_DIRECTIVES: dict[str, type[AggregateDirective]] = {
    "qms-model-card": ModelCardDirective,
    "qms-data-management": DataManagementDirective,
    "qms-pccp-document": PccpDocumentDirective,
}


def _render(request: RenderRequest, document: AiDocument) -> Sequence[nodes.Node]:
    """The document as a section-less container: a title line, then per part a
    rubric, its note and its table."""
    for problem in document.problems:
        request.warn(f"{document.title}: {problem}")
    container = nodes.container(classes=["qms-ai-document"])
    container += nodes.rubric(text=document.title, classes=["qms-ai-document-title"])
    for part in document.parts:
        container += nodes.rubric(text=part.title)
        if part.note:
            container += paragraph(part.note)
        if part.rows:
            container += table(part.headers, part.rows, classes=["qms-ai-table"])
    return [container]


def render_model_card(request: RenderRequest) -> Sequence[nodes.Node]:
    """The model card of the argument's model."""
    context = request.context
    return _render(
        request,
        model_card(request.argument, context.graph, context.profile, context.ai),
    )


def render_data_management(request: RenderRequest) -> Sequence[nodes.Node]:
    """The data management summary of the file."""
    context = request.context
    return _render(request, data_management(context.graph, context.profile, context.ai))


def render_pccp_document(request: RenderRequest) -> Sequence[nodes.Node]:
    """The argument's change control plan as a document."""
    context = request.context
    return _render(
        request,
        pccp_document(request.argument, context.graph, context.profile, context.ai),
    )


AI_DOCUMENT_RENDERERS: dict[str, Renderer] = {
    "ai-model-card": render_model_card,
    "ai-data-management": render_data_management,
    "ai-pccp-document": render_pccp_document,
}


def setup(app: Sphinx) -> dict[str, Any]:
    """The generated AI documents (ai, :mod:`qmsdoc.processes`)."""
    add_aggregates(app, AI_DOCUMENT_DIRECTIVES, AI_DOCUMENT_RENDERERS)
    return PART_METADATA
