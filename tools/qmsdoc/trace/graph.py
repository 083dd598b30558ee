"""One trace graph over the items, built once in O(items + links).

Outgoing and incoming edges are indexed when the graph is built; upstream and
downstream queries, transitive closure and coverage figures all read these indices,
so no matrix or check ever filters the whole item list per cell.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Sequence

    from qmsdoc.model import Item
    from qmsdoc.profile import CoverageRule

__all__ = ["CoverageFigure", "Edge", "TraceGraph"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """A link between two items; ``target`` may name an item that does not exist."""

    source: str
    link_type: str
    target: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverageFigure:
    """How many items of a rule's type meet it, and which do not."""

    rule: CoverageRule
    total: int
    covered: int
    uncovered: tuple[str, ...]

    @property
    def percent(self) -> float:
        """Share of covered items; 0.0 when the rule applies to no item (an empty
        rule is never met: a device file with no hazards has no risk file)."""
        return 0.0 if self.total == 0 else round(100.0 * self.covered / self.total, 1)

    @property
    def empty(self) -> bool:
        """The rule applies to no item."""
        return self.total == 0


class TraceGraph:
    """Items by id with their outgoing and incoming edges.

    When two items share an id the first (by location) is the one in the graph;
    the duplicate is reported by the ``id_duplicate`` check.
    """

    def __init__(self, items: Iterable[Item]) -> None:
        self._items: dict[str, Item] = {}
        self._outgoing: dict[str, list[Edge]] = defaultdict(list)
        self._incoming: dict[str, list[Edge]] = defaultdict(list)
        for item in items:
            if not item.id or item.id in self._items:
                continue
            self._items[item.id] = item
            for link in item.links:
                edge = Edge(
                    source=item.id, link_type=link.link_type, target=link.target
                )
                self._outgoing[item.id].append(edge)
                self._incoming[link.target].append(edge)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Item]:
        return iter(self._items.values())

    def item(self, item_id: str) -> Item | None:
        """The item with ``item_id``, or None."""
        return self._items.get(item_id)

    def of_type(self, item_type: str) -> list[Item]:
        """Items of one type, in location order."""
        return [item for item in self._items.values() if item.item_type == item_type]

    def outgoing(self, item_id: str, link_type: str | None = None) -> list[Edge]:
        """Edges that start at ``item_id`` (optionally of one link type)."""
        edges = self._outgoing.get(item_id, [])
        return (
            edges
            if link_type is None
            else [e for e in edges if e.link_type == link_type]
        )

    def incoming(self, item_id: str, link_type: str | None = None) -> list[Edge]:
        """Edges that end at ``item_id`` (optionally of one link type)."""
        edges = self._incoming.get(item_id, [])
        return (
            edges
            if link_type is None
            else [e for e in edges if e.link_type == link_type]
        )

    def upstream(
        self, item_id: str, link_types: Sequence[str] | None = None
    ) -> list[str]:
        """Ids reachable by following outgoing links (what this item traces up to)."""
        return self._closure(item_id, self._outgoing, link_types, lambda e: e.target)

    def downstream(
        self, item_id: str, link_types: Sequence[str] | None = None
    ) -> list[str]:
        """Ids reachable by following incoming links backwards (what depends on this item)."""
        return self._closure(item_id, self._incoming, link_types, lambda e: e.source)

    def nearest_downstream(self, item_id: str, limit: int) -> tuple[list[str], bool]:
        """At most ``limit`` ids of :meth:`downstream`, nearest first (breadth first,
        then sorted), and whether more exist.

        Costs O(limit x fan-in) whatever the depth of the graph, so naming the
        dependants of every link stays linear in the links.
        """
        incoming = self._incoming
        seen: set[str] = {item_id}
        found: list[str] = []
        queue = deque([item_id])
        while queue:
            for edge in incoming.get(queue.popleft(), ()):
                source = edge.source
                if source in seen:
                    continue
                seen.add(source)
                found.append(source)
                if len(found) > limit:
                    return sorted(found[:limit]), True
                queue.append(source)
        return sorted(found), False

    def coverage(self, rule: CoverageRule) -> CoverageFigure:
        """How the items of ``rule.item_type`` meet the rule."""
        items = self.of_type(rule.item_type)
        uncovered = tuple(item.id for item in items if not self.meets(item.id, rule))
        return CoverageFigure(
            rule=rule,
            total=len(items),
            covered=len(items) - len(uncovered),
            uncovered=uncovered,
        )

    def meets(self, item_id: str, rule: CoverageRule) -> bool:
        """Whether one item has the link the rule asks for, to or from an allowed type."""
        if rule.direction == "incoming":
            ends = (edge.source for edge in self.incoming(item_id, rule.link))
        else:
            ends = (edge.target for edge in self.outgoing(item_id, rule.link))
        for end in ends:
            other = self._items.get(end)
            if other is not None and other.item_type in rule.counterpart_types:
                return True
        return False

    def cycles(self, ignore: Collection[str] = ()) -> list[list[str]]:
        """Groups of items that reach themselves through links (strongly connected).

        Iterative Tarjan, so a long chain cannot exhaust the recursion limit.

        :param ignore: Link types left out (links that may close a loop by design).
        """
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        groups: list[list[str]] = []
        counter = 0
        for root in self._items:
            if root in index:
                continue
            work: list[tuple[str, Iterator[str]]] = [
                (root, self._successors(root, ignore))
            ]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                node, successors = work[-1]
                advanced = False
                for successor in successors:
                    if successor not in index:
                        index[successor] = low[successor] = counter
                        counter += 1
                        stack.append(successor)
                        on_stack.add(successor)
                        work.append((successor, self._successors(successor, ignore)))
                        advanced = True
                        break
                    if successor in on_stack:
                        low[node] = min(low[node], index[successor])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
        return sorted(groups)

    def _successors(self, item_id: str, ignore: Collection[str]) -> Iterator[str]:
        return (
            edge.target
            for edge in self._outgoing.get(item_id, [])
            if edge.target in self._items
            and edge.target != item_id
            and edge.link_type not in ignore
        )

    def _closure(
        self,
        start: str,
        index: dict[str, list[Edge]],
        link_types: Sequence[str] | None,
        far_end: Callable[[Edge], str],
    ) -> list[str]:
        seen: set[str] = {start}
        order: list[str] = []
        frontier = [start]
        while frontier:
            current = frontier.pop()
            for edge in index.get(current, []):
                if link_types is not None and edge.link_type not in link_types:
                    continue
                other = far_end(edge)
                if other not in seen:
                    seen.add(other)
                    order.append(other)
                    frontier.append(other)
        return sorted(order)
