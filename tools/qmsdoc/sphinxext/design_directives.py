"""Design documents generated from the design outputs (IEC 62304 5.3, 5.4).

``.. qms-sds::``
    The software design specification (FDA documentation level Enhanced): every
    design output in the order of its ``part_of`` hierarchy, with its element kind,
    safety class, the requirements and risk controls it implements, the SOUP it uses
    and its text.
``.. qms-architecture-listing::``
    The software items of the architecture as a compact table: hierarchy, element
    kind, safety class, parts and interfaces.

Both take ``:type:`` (default: the profile's ``[design] output_type``). Every type,
field and link name comes from the profile's ``[design]`` table.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from qmsdoc.model.ordering import natural_key
from qmsdoc.sphinxext.aggregate import PART_METADATA, AggregateDirective, add_aggregates
from qmsdoc.sphinxext.tables import paragraph, table

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sphinx.application import Sphinx

    from qmsdoc.model import Item
    from qmsdoc.profile.design import DesignConfig
    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest
    from qmsdoc.sphinxext.tables import Cell
    from qmsdoc.trace import TraceGraph

__all__ = ["DESIGN_DIRECTIVES", "DESIGN_RENDERERS", "item_text", "setup"]

_INLINE = re.compile(r":need:`([^`]+)`|:doc:`([^`]+)`|``([^`]+)``")


class SdsDirective(AggregateDirective):
    kind = "sds"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "type": directives.unchanged
    }


class ArchitectureListingDirective(AggregateDirective):
    kind = "architecture-listing"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "type": directives.unchanged
    }


DESIGN_DIRECTIVES: dict[str, type[AggregateDirective]] = {
    "qms-sds": SdsDirective,
    "qms-architecture-listing": ArchitectureListingDirective,
}


def render_sds(request: RenderRequest) -> Sequence[nodes.Node]:
    """Every design output in hierarchy order, with its trace and text."""
    found = _outputs(request, "qms-sds")
    if found is None:
        return []
    design, outputs = found
    if not outputs:
        return [_missing(request, design)]
    graph = request.context.graph
    kinds = Counter(_element(design, item) for item in outputs)
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    output: list[nodes.Node] = [
        paragraph(
            f"{len(outputs)} design outputs ({summary}), generated from the items."
        )
    ]
    for number, item in _hierarchy(design, outputs, graph):
        output.append(
            nodes.rubric(
                "",
                "",
                nodes.Text(f"{number} "),
                request.link(item.id),
                nodes.Text(f" {item.title}"),
                classes=["qms-sds-element"],
            )
        )
        output.append(
            table(
                [
                    "Element",
                    "Safety class",
                    "Part of",
                    "Requirements",
                    "Risk controls",
                    "SOUP used",
                ],
                [_trace_row(request, design, item)],
                classes=["qms-sds"],
                widths=[12, 8, 12, 30, 26, 12],
            )
        )
        output.extend(item_text(request, item.content))
    return output


def render_architecture_listing(request: RenderRequest) -> Sequence[nodes.Node]:
    """Software items in hierarchy order with class, parts and interfaces."""
    found = _outputs(request, "qms-architecture-listing")
    if found is None:
        return []
    design, outputs = found
    software = [
        item for item in outputs if _kind(design, item) in design.software_elements
    ]
    if not software:
        return [_missing(request, design)]
    graph = request.context.graph
    rows: list[list[Cell]] = []
    for number, item in _hierarchy(design, software, graph):
        children = [
            child
            for edge in graph.incoming(item.id, design.part_of_link)
            if (child := graph.item(edge.source)) is not None
        ]
        parts = [
            c.id for c in children if _kind(design, c) not in design.interface_elements
        ]
        interfaces = [
            c.id for c in children if _kind(design, c) in design.interface_elements
        ]
        rows.append(
            [
                number,
                request.link(item.id),
                item.title,
                _element(design, item),
                _class_text(request, design, item),
                _links(request, sorted(parts, key=natural_key)) or "-",
                _links(request, sorted(interfaces, key=natural_key)) or "-",
            ]
        )
    return [
        paragraph(
            f"{len(software)} software elements; the number gives the position in "
            "the part-of hierarchy (1.2 is the second part of 1)."
        ),
        table(
            ["No.", "Item", "Title", "Element", "Safety class", "Parts", "Interfaces"],
            rows,
            classes=["qms-architecture"],
            widths=[7, 9, 28, 11, 11, 24, 10],
        ),
    ]


DESIGN_RENDERERS: dict[str, Renderer] = {
    "sds": render_sds,
    "architecture-listing": render_architecture_listing,
}


def item_text(request: RenderRequest, content: str) -> list[nodes.Node]:
    """An item's text as paragraphs; ``:need:`` references become item links."""
    output: list[nodes.Node] = []
    for block in re.split(r"\n\s*\n", content.strip()):
        text = " ".join(block.split())
        if not text:
            continue
        node = nodes.paragraph()
        position = 0
        for match in _INLINE.finditer(text):
            node += nodes.Text(text[position : match.start()])
            need, document, literal = match.groups()
            if need is not None:
                label, _, target = need.partition("<")
                item_id = target.rstrip(">").strip() or label.strip()
                node += request.link(item_id, label.strip() if target else None)
            elif document is not None:
                node += nodes.Text(document.partition("<")[0].strip())
            else:
                node += nodes.literal("", literal)
            position = match.end()
        node += nodes.Text(text[position:])
        output.append(node)
    return output


def _outputs(
    request: RenderRequest, directive: str
) -> tuple[DesignConfig, list[Item]] | None:
    """The profile's design roles and the items of the directive's type; None (and a
    warning) without a ``[design]`` table or with an unknown type."""
    design = request.context.profile.design
    if design is None:
        request.warn(f"{directive}: the profile has no [design] table; nothing to show")
        return None
    item_type = str(request.option("type") or design.output_type)
    if request.context.profile.item_type(item_type) is None:
        request.warn(f"{directive}: unknown item type {item_type!r}")
        return None
    return design, request.context.graph.of_type(item_type)


def _missing(request: RenderRequest, design: DesignConfig) -> nodes.Node:
    item_type = str(request.option("type") or design.output_type)
    return paragraph(f"Missing input: the device file has no {item_type} items.")


def _hierarchy(
    design: DesignConfig, items: Sequence[Item], graph: TraceGraph
) -> list[tuple[str, Item]]:
    """(outline number, item) depth first; an item whose parent is not listed is a root."""
    listed = {item.id for item in items}
    children: dict[str, list[Item]] = {}
    roots: list[Item] = []
    for item in sorted(items, key=lambda entry: natural_key(entry.id)):
        parents = [
            e.target
            for e in graph.outgoing(item.id, design.part_of_link)
            if e.target in listed and e.target != item.id
        ]
        if parents:
            children.setdefault(parents[0], []).append(item)
        else:
            roots.append(item)
    ordered: list[tuple[str, Item]] = []
    seen: set[str] = set()
    stack = [(str(index), root) for index, root in reversed(list(enumerate(roots, 1)))]
    while stack:
        number, item = stack.pop()
        if item.id in seen:
            continue
        seen.add(item.id)
        ordered.append((number, item))
        below = list(enumerate(children.get(item.id, []), 1))
        stack.extend((f"{number}.{index}", child) for index, child in reversed(below))
    # items on a part-of cycle have no root: listed after the hierarchy
    rest = [item for item in items if item.id not in seen]
    ordered += [(str(len(roots) + index), item) for index, item in enumerate(rest, 1)]
    return ordered


def _trace_row(request: RenderRequest, design: DesignConfig, item: Item) -> list[Cell]:
    graph = request.context.graph
    risk = request.context.profile.risk
    control_type = risk.control_type if risk is not None else None
    implements = design.implements_link
    requirements: list[str] = []
    controls: list[tuple[str, str | None]] = []
    for edge in graph.outgoing(item.id, implements):
        target = graph.item(edge.target)
        if target is not None and target.item_type == control_type:
            controls.append((target.id, None))
            continue
        requirements.append(edge.target)
        controls += [
            (e.target, edge.target) for e in graph.outgoing(edge.target, implements)
        ]
    control_cell: list[nodes.Node] = []
    for control_id, via in controls:
        if control_cell:
            control_cell.append(nodes.Text(", "))
        control_cell.append(request.link(control_id))
        if via:
            control_cell.append(nodes.Text(f" (via {via})"))
    parents = [edge.target for edge in graph.outgoing(item.id, design.part_of_link)]
    soup = [edge.target for edge in graph.outgoing(item.id, design.uses_link)]
    return [
        _element(design, item),
        _class_text(request, design, item),
        _links(request, parents) or "-",
        _links(request, requirements) or "none",
        control_cell or "none",
        _links(request, soup) or "none",
    ]


def _kind(design: DesignConfig, item: Item) -> str:
    """The element kind as a value of the element field (``software_item``)."""
    return _element(design, item).replace(" ", "_")


def _element(design: DesignConfig, item: Item) -> str:
    """The element kind as shown (``software item``)."""
    return (item.field(design.element_field) or "unspecified").strip().replace("_", " ")


def _class_text(request: RenderRequest, design: DesignConfig, item: Item) -> str:
    """The safety class, and a note when it is above the class of its parent (the
    classes in the order of the safety class field's values)."""
    graph = request.context.graph
    spec = request.context.profile.field_spec(design.safety_class_field)
    order = {value: rank for rank, value in enumerate(spec.values if spec else (), 1)}
    own = (item.field(design.safety_class_field) or "").strip() or "not stated"
    for edge in graph.outgoing(item.id, design.part_of_link):
        parent = graph.item(edge.target)
        theirs = (
            (parent.field(design.safety_class_field) or "").strip() if parent else ""
        )
        if order.get(own, 0) > order.get(theirs, len(order) + 9):
            return f"{own} (above {edge.target}, class {theirs})"
    return own


def _links(request: RenderRequest, item_ids: Sequence[str]) -> list[nodes.Node]:
    output: list[nodes.Node] = []
    for index, item_id in enumerate(item_ids):
        if index:
            output.append(nodes.Text(", "))
        output.append(request.link(item_id))
    return output


def setup(app: Sphinx) -> dict[str, Any]:
    """The software design and architecture pages (design controls,
    :mod:`qmsdoc.processes`)."""
    add_aggregates(app, DESIGN_DIRECTIVES, DESIGN_RENDERERS)
    return PART_METADATA
