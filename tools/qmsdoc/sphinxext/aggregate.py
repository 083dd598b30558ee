"""Pages that show many items (matrices, risk tables) and stay correct when items change.

An aggregate directive leaves a placeholder node at read time and notes its page in
the ``qms`` domain. The placeholder is filled at ``doctree-resolved`` from the items
as they are now; :mod:`qmsdoc.sphinxext.outdated` re-reads every aggregate page
whenever an item was added, changed or removed, so an incremental build never shows
a stale title, count or link there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from qmsdoc.sphinxext.domain import QmsDomain

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from qmsdoc.checks import CheckContext, Finding

__all__ = [
    "PART_METADATA",
    "AggregateDirective",
    "RenderRequest",
    "Renderer",
    "add_aggregates",
    "aggregate_node",
    "resolve_aggregates",
]

LOGGER = logging.getLogger(__name__)

#: what the ``setup`` of a process's Sphinx part returns (:mod:`qmsdoc.processes`)
PART_METADATA: dict[str, Any] = {
    "parallel_read_safe": True,
    "parallel_write_safe": True,
}


class aggregate_node(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder for content computed from all items at resolve time."""


class RenderRequest:
    """What a renderer gets: the checked items, the page and how to link to an item."""

    def __init__(
        self,
        *,
        context: CheckContext,
        node: aggregate_node,
        builder: Builder,
        fromdocname: str,
        findings: Sequence[Finding],
    ) -> None:
        self.findings = findings
        self.context = context
        self.node = node
        self.builder = builder
        self.fromdocname = fromdocname

    @property
    def argument(self) -> str:
        """The directive's argument, if any."""
        return str(self.node.get("argument", ""))

    def option(self, name: str) -> Any:
        """A directive option as given (None if absent)."""
        options: dict[str, Any] = self.node.get("options", {})
        return options.get(name)

    def link(self, item_id: str, text: str | None = None) -> nodes.Node:
        """A reference to an item's box on its page, or plain text if unknown."""
        item = self.context.graph.item(item_id)
        label = text if text is not None else item_id
        if item is None:
            return nodes.Text(label)
        uri = self.builder.get_relative_uri(self.fromdocname, item.location.docname)
        reference = nodes.reference("", label, internal=True, refuri=f"{uri}#{item_id}")
        reference["classes"].append("qms-item-link")
        return reference

    def links(self, item_ids: Sequence[str]) -> list[nodes.Node]:
        """References to the items, separated by commas."""
        output: list[nodes.Node] = []
        for index, item_id in enumerate(item_ids):
            if index:
                output.append(nodes.Text(", "))
            output.append(self.link(item_id))
        return output

    def warn(self, message: str) -> None:
        """A ``qms.directive`` warning at the directive's location."""
        LOGGER.warning(message, type="qms", subtype="directive", location=self.node)


#: a function that renders one placeholder
Renderer = Callable[[RenderRequest], "Sequence[nodes.Node]"]


#: each application's renderers by aggregate kind, as the parts added them
_RENDERERS: WeakKeyDictionary[Sphinx, dict[str, Renderer]] = WeakKeyDictionary()


def add_aggregates(
    app: Sphinx,
    directives: Mapping[str, type[AggregateDirective]],
    renderers: Mapping[str, Renderer],
) -> None:
    """Register a process's aggregate directives and the renderers of their kinds.

    :raises ExtensionError: If another renderer already has one of the kinds.
    """
    for name, directive in directives.items():
        app.add_directive(name, directive)
    registered = _RENDERERS.setdefault(app, {})
    for kind, renderer in renderers.items():
        if registered.setdefault(kind, renderer) is not renderer:
            msg = f"qmsdoc: two renderers for the aggregate kind {kind!r}"
            raise ExtensionError(msg)


class AggregateDirective(SphinxDirective):
    """Base of the directives that render from all items; subclasses set ``kind``."""

    kind: ClassVar[str] = ""
    has_content = False
    optional_arguments = 1
    final_argument_whitespace = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {}

    def run(self) -> list[nodes.Node]:
        node = aggregate_node(
            kind=self.kind,
            argument=self.arguments[0] if self.arguments else "",
            options=dict(self.options),
        )
        self.set_source_info(node)
        QmsDomain.of(self.env).note_aggregate_page(self.env.docname)
        return [node]


def resolve_aggregates(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace every placeholder with content rendered from the current items, by
    the renderer its process's part added (:func:`add_aggregates`)."""
    placeholders = list(doctree.findall(aggregate_node))
    if not placeholders:
        return
    domain = QmsDomain.of(app.env)
    context = domain.check_context()
    if context is None:
        for node in placeholders:
            node.replace_self([])
        return
    renderers = _RENDERERS.get(app, {})
    for node in placeholders:
        renderer = renderers[node["kind"]]
        request = RenderRequest(
            context=context,
            node=node,
            builder=app.builder,
            fromdocname=fromdocname,
            findings=domain.findings,
        )
        node.replace_self(list(renderer(request)))
