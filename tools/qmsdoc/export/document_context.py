"""What a document template sees: the item graph and the project, with small queries.

Document templates (``export/templates/<name>.rst.j2``, overridable per project) are
written against this object, not against the internals of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.model.ordering import natural_key

if TYPE_CHECKING:
    from qmsdoc.model import Item
    from qmsdoc.profile import Profile
    from qmsdoc.project import Classification
    from qmsdoc.soup.records import SbomRecord
    from qmsdoc.trace import TraceGraph

__all__ = ["DocumentContext"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentContext:
    """The device file as a document template reads it."""

    project: str
    classification: Classification
    profile: Profile
    graph: TraceGraph
    sboms: tuple[SbomRecord, ...] = ()

    def items(self, item_type: str, **where: str) -> list[Item]:
        """Items of ``item_type`` whose fields equal ``where``, in id order."""
        return sorted(
            (
                item
                for item in self.graph.of_type(item_type)
                if all(
                    (item.field(name) or "").strip() == value
                    for name, value in where.items()
                )
            ),
            key=lambda item: natural_key(item.id),
        )

    def item(self, item_id: str) -> Item | None:
        """The item with ``item_id``, or None."""
        return self.graph.item(item_id)

    def targets(self, item: Item, link: str) -> list[Item]:
        """The items ``item`` links to with ``link``, in id order."""
        found = (
            self.graph.item(edge.target) for edge in self.graph.outgoing(item.id, link)
        )
        return sorted(
            (i for i in found if i is not None), key=lambda i: natural_key(i.id)
        )

    def sources(self, item: Item, link: str) -> list[Item]:
        """The items that link to ``item`` with ``link``, in id order."""
        found = (
            self.graph.item(edge.source) for edge in self.graph.incoming(item.id, link)
        )
        return sorted(
            (i for i in found if i is not None), key=lambda i: natural_key(i.id)
        )

    def values(self, field: str) -> list[str]:
        """The allowed values of a choice field, in the profile's order."""
        spec = self.profile.field_spec(field)
        return list(spec.values) if spec is not None else []

    @staticmethod
    def need(item: Item) -> str:
        """An rST reference to the item (``:need:`ID```)."""
        return f":need:`{item.id}`"

    @staticmethod
    def text(value: str | None) -> str:
        """Field or content text on one line (for table cells and sentences)."""
        return " ".join((value or "").split())
