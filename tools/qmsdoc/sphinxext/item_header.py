"""The box head of every item (type, title, id, fields, outgoing and incoming links).

sphinx-needs builds this head for each need as a docutils table through its layout
engine, re-parsing layout strings per need: about half of a build's time
(peer-baseline.md). qmsdoc sets sphinx-needs' layout to ``focus`` (the body only) and
renders the head itself at ``doctree-resolved``, straight from the trace graph: one
escaped HTML fragment per item for HTML builders, plain docutils nodes for others.
Incoming links come from the graph's index, so every link is shown in both directions.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from docutils import nodes

from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.relative_uris import RelativeUris
from qmsdoc.sphinxext.tables import paragraph

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from qmsdoc.checks import CheckContext
    from qmsdoc.model import Item

__all__ = ["item_header_node", "resolve_item_headers"]


class item_header_node(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder for an item's head."""


def resolve_item_headers(
    app: Sphinx, doctree: nodes.document, fromdocname: str
) -> None:
    """Replace every placeholder with the item's head, rendered from the graph."""
    placeholders = list(doctree.findall(item_header_node))
    if not placeholders:
        return
    context = QmsDomain.of(app.env).check_context()
    uris = RelativeUris(app.builder, fromdocname)
    for node in placeholders:
        item = context.graph.item(node["item_id"]) if context is not None else None
        if context is None or item is None:
            node.replace_self([])
            continue
        if app.builder.format == "html":
            fragment = _html(item, context, uris)
            node.replace_self([nodes.raw("", fragment, format="html")])
        else:
            node.replace_self(_nodes(item, context))


def _html(item: Item, context: CheckContext, uris: RelativeUris) -> str:
    item_type = context.profile.item_type(item.item_type)
    label = item_type.title if item_type else item.item_type
    color = item_type.color if item_type else "#eeeeee"
    fields = "".join(
        f'<span class="qms-field"><b>{html.escape(name)}</b>: {html.escape(" ".join(value.split()))}</span>'
        for name, value in item.fields
    )
    links = "".join(
        f'<div class="qms-links"><b>{html.escape(name)}</b>: '
        + ", ".join(_link(target, context, uris) for target in targets)
        + "</div>"
        for name, targets in _link_groups(item, context)
    )
    return (
        f'<div class="qms-item" style="border-left-color: {html.escape(color)}">'
        f'<div class="qms-item-head"><span class="qms-item-type">{html.escape(label)}:</span> '
        f'<span class="qms-item-title">{html.escape(item.title)}</span> '
        f'<a class="qms-item-id" href="#{html.escape(item.id)}">{html.escape(item.id)}</a></div>'
        f'<div class="qms-fields">{fields}</div>{links}</div>'
    )


def _nodes(item: Item, context: CheckContext) -> list[nodes.Node]:
    item_type = context.profile.item_type(item.item_type)
    label = item_type.title if item_type else item.item_type
    head = paragraph(f"{label}: ", nodes.strong("", item.title), f" {item.id}")
    lines = [f"{name}: {' '.join(value.split())}" for name, value in item.fields]
    lines += [
        f"{name}: {', '.join(targets)}" for name, targets in _link_groups(item, context)
    ]
    return [head, *(paragraph(line) for line in lines)]


def _link_groups(item: Item, context: CheckContext) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for link in item.links:
        groups.setdefault(link.link_type, []).append(link.target)
    for edge in context.graph.incoming(item.id):
        link_type = context.profile.link_type(edge.link_type)
        name = (
            link_type.incoming
            if link_type is not None
            else f"{edge.link_type} (incoming)"
        )
        groups.setdefault(name, []).append(edge.source)
    return [(name, sorted(set(targets))) for name, targets in groups.items()]


def _link(target: str, context: CheckContext, uris: RelativeUris) -> str:
    other = context.graph.item(target)
    if other is None:
        return f'<span class="qms-dead-link">{html.escape(target)}</span>'
    uri = uris.of(other.location.docname)
    title = html.escape(other.title, quote=True)
    return f'<a class="qms-item-link" href="{html.escape(uri)}#{html.escape(target)}" title="{title}">{html.escape(target)}</a>'
