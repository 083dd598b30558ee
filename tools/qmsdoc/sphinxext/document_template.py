"""``.. qms-document:: NAME``: a document generated from a Jinja2 template.

The template ``NAME.rst.j2`` (the project's ``templates/`` folder first, then
qmsdoc's) is rendered over the whole item graph, read with the plain source reader,
and its reStructuredText is parsed in place, so references and headings work as on
any page. The page is re-read whenever an item or record changes (it is an aggregate
page), so it is never stale. A broken or missing template is a ``qms.template``
warning at the directive and the page says what is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from qmsdoc.device_file import load_sboms, read_items
from qmsdoc.errors import QmsError
from qmsdoc.export.document_context import DocumentContext
from qmsdoc.export.rendering import DOCUMENT_SUFFIX, render_document
from qmsdoc.sphinxext.aggregate import PART_METADATA
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.trace import TraceGraph

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["DocumentTemplateDirective", "setup"]

LOGGER = logging.getLogger(__name__)


class DocumentTemplateDirective(SphinxDirective):
    """Argument: the template name (``software-description``)."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        domain = QmsDomain.of(self.env)
        domain.note_aggregate_page(self.env.docname)
        try:
            project = domain.project()
            context = DocumentContext(
                project=project.name,
                classification=project.classification,
                profile=project.profile,
                graph=TraceGraph(read_items(project)),
                sboms=load_sboms(project),
            )
            text = render_document(
                name, {"doc": context}, overrides=project.root / "templates"
            )
        except QmsError as error:
            LOGGER.warning(
                "qmsdoc: %s",
                error,
                type="qms",
                subtype="template",
                location=self.get_location(),
            )
            return [
                nodes.paragraph(
                    "",
                    f"Missing input: document template {name}{DOCUMENT_SUFFIX} could not be rendered ({error}).",
                )
            ]
        holder = nodes.Element()
        lines = StringList(text.splitlines(), source=f"{name}{DOCUMENT_SUFFIX}")
        nested_parse_with_titles(self.state, lines, holder)
        return list(holder.children)


def setup(app: Sphinx) -> dict[str, Any]:
    """The document template directive (document control, :mod:`qmsdoc.processes`)."""
    app.add_directive("qms-document", DocumentTemplateDirective)
    return PART_METADATA
