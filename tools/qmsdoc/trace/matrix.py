"""Trace matrices computed from the graph, format-free (HTML, XLSX and JSON lay them out).

Each cell is a set reached by following link paths from the row's items through the
graph's indices, so a matrix costs O(rows x path length x fan-out), never a filter of
the whole item list per cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.model.ordering import natural_key

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.evidence.status import EvidenceView
    from qmsdoc.model import Item
    from qmsdoc.profile.model import MatrixColumn, MatrixSpec, PathStep
    from qmsdoc.trace.graph import TraceGraph

__all__ = [
    "MatrixCell",
    "MatrixRow",
    "MatrixView",
    "build_matrix",
    "follow",
    "row_verification",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixCell:
    """The items of one cell; ``gap`` when the column is required and the cell empty."""

    items: tuple[Item, ...]
    gap: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixRow:
    """One row: the root item, the item it expands to (if any), and the cells."""

    root: Item
    expanded: Item | None
    cells: tuple[MatrixCell, ...]

    @property
    def has_gap(self) -> bool:
        """Whether any required cell of the row is empty."""
        return any(cell.gap for cell in self.cells)


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixView:
    """A computed matrix with its columns (possibly a selection of the spec's)."""

    spec: MatrixSpec
    columns: tuple[MatrixColumn, ...]
    rows: tuple[MatrixRow, ...]

    @property
    def gap_count(self) -> int:
        """Number of empty required cells."""
        return sum(1 for row in self.rows for cell in row.cells if cell.gap)


def follow(graph: TraceGraph, start: Item, path: Sequence[PathStep]) -> list[Item]:
    """The items reached from ``start`` along ``path``, in location order, no repeats."""
    current = [start]
    for step in path:
        reached: dict[str, Item] = {}
        for item in current:
            edges = (
                graph.incoming(item.id, step.link)
                if step.incoming
                else graph.outgoing(item.id, step.link)
            )
            for edge in edges:
                other_id = edge.source if step.incoming else edge.target
                other = graph.item(other_id)
                if other is not None:
                    reached.setdefault(other.id, other)
        current = list(reached.values())
    if len(current) < 2:  # most cells hold one item: no key to compute
        return current
    return sorted(current, key=lambda item: natural_key(item.id))


def build_matrix(
    graph: TraceGraph, spec: MatrixSpec, columns: Sequence[MatrixColumn] | None = None
) -> MatrixView:
    """Compute the matrix ``spec`` (optionally only ``columns`` of it) from the graph."""
    selected = tuple(columns) if columns is not None else spec.columns
    rows: list[MatrixRow] = []
    for root in sorted(graph.of_type(spec.root), key=lambda item: natural_key(item.id)):
        expansions: list[Item | None]
        if spec.expand:
            expansions = [
                item
                for item in follow(graph, root, spec.expand)
                if not spec.expand_types or item.item_type in spec.expand_types
            ]
            if not expansions:
                expansions = [None]
        else:
            expansions = [None]
        for expanded in expansions:
            cells = tuple(_cell(graph, column, root, expanded) for column in selected)
            rows.append(MatrixRow(root=root, expanded=expanded, cells=cells))
    return MatrixView(spec=spec, columns=selected, rows=tuple(rows))


def _cell(
    graph: TraceGraph, column: MatrixColumn, root: Item, expanded: Item | None
) -> MatrixCell:
    start = root if column.start == "root" else expanded
    if start is None:
        return MatrixCell(items=(), gap=column.required)
    items = tuple(
        item
        for item in follow(graph, start, column.path)
        if not column.types or item.item_type in column.types
    )
    return MatrixCell(items=items, gap=column.required and not items)


def row_verification(evidence: EvidenceView, row: MatrixRow) -> tuple[str, bool]:
    """The verification states of a row's root and expanded item (those that are
    verifiable), and whether all of them are passed or waived."""
    parts: list[str] = []
    done = True
    for item in dict.fromkeys(i for i in (row.root, row.expanded) if i is not None):
        state = evidence.state_of(item.id)
        if state is None:
            continue
        parts.append(f"{item.id}: {state.label}")
        done = done and state.verified
    if not parts:
        subject = row.expanded or row.root
        return f"n/a ({subject.item_type} is not verified)", True
    return "; ".join(parts), done
