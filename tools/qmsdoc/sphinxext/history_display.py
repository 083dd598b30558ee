"""The change history and signatures under each item (IEC 62304 8.2.4, Part 11 11.50).

The item directive leaves a :class:`history_node` after each item; it is filled at
``doctree-resolved`` from git history. Pages holding one are re-read when HEAD moves
(see :func:`qmsdoc.sphinxext.outdated.outdated_pages`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging

from qmsdoc.history.approvals import manifestation
from qmsdoc.sphinxext.aggregate import PART_METADATA
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.tables import paragraph

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from qmsdoc.history.approvals import Approval
    from qmsdoc.history.items import ItemChange

__all__ = ["history_node", "resolve_history", "setup"]

LOGGER = logging.getLogger(__name__)

#: how many changes to list under an item (the most recent ones)
_SHOWN = 3


class history_node(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder for an item's history."""


def resolve_history(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace every placeholder with the item's recent changes and signatures."""
    placeholders = list(doctree.findall(history_node))
    if not placeholders:
        return
    domain = QmsDomain.of(app.env)
    incomplete = _incomplete(domain)
    if incomplete is not None:
        # the boundary commit of a shallow clone would pass for every item's origin
        LOGGER.warning(
            "%s", incomplete, type="qms", subtype="history_incomplete",
            location=placeholders[0],
        )  # fmt: skip
        for node in placeholders:
            shown = paragraph(nodes.strong("", "History: "), incomplete)
            shown["classes"] += ["qms-history", "qms-history-incomplete"]
            node.replace_self([shown])
        return
    view = domain.history()
    for node in placeholders:
        if view is None:
            unavailable = paragraph(
                nodes.strong("", "History: "),
                "unavailable (the sources are not in a git repository)",
            )
            unavailable["classes"] += ["qms-history"]
            node.replace_self([unavailable])
            continue
        changes = view.changes.get(node["item_id"], [])
        node.replace_self([_render(changes, view.approvals.get(node["item_id"], []))])


def _incomplete(domain: QmsDomain) -> str | None:
    """Why the history is incomplete (shallow or partial clone), or None."""
    git = domain.git()
    return None if git is None else git.completeness()


def _render(changes: list[ItemChange], approvals: list[Approval]) -> nodes.Node:
    if not changes:
        text = paragraph(nodes.strong("", "History: "), "not committed yet")
    else:
        parts: list[str | nodes.Node] = [nodes.strong("", "History: ")]
        recent = changes[-_SHOWN:]
        if len(changes) > len(recent):
            parts.append(f"{len(changes) - len(recent)} earlier changes; ")
        for index, change in enumerate(recent):
            if index:
                parts.append("; ")
            pr = f", {change.pull_request.reference}" if change.pull_request else ""
            parts.append(
                f"{change.kind} {change.commit.date[:10]} by {change.commit.author} "
                f"({change.commit.sha[:10]}{pr})"
            )
        signed = [a for a in approvals if a.meaning != "authorship"]
        if signed:
            parts.append(". Signatures: ")
            for index, approval in enumerate(signed):
                if index:
                    parts.append("; ")
                words = manifestation(approval)
                if approval.covers_content:
                    parts.append(words)
                else:
                    parts.append(nodes.strong("", words))
        else:
            parts.append(". Signatures: none")
        text = paragraph(*parts)
    text["classes"] += ["qms-history"]
    return text


def setup(app: Sphinx) -> dict[str, Any]:
    """The change history under each item (change control, :mod:`qmsdoc.processes`)."""
    app.add_node(history_node)
    app.connect("doctree-resolved", resolve_history)
    return PART_METADATA
