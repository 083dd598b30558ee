"""Small builders of docutils tables, shared by the aggregate renderers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from qmsdoc.profile.risk_model import Region, Scale

__all__ = ["Cell", "acceptability", "paragraph", "region_class", "scale_table", "table"]

#: a cell is text, one node, or several nodes
Cell = str | nodes.Node | Sequence[nodes.Node]


def paragraph(*parts: str | nodes.Node) -> nodes.paragraph:
    """A paragraph of text and inline nodes."""
    node = nodes.paragraph()
    for part in parts:
        node += nodes.Text(part) if isinstance(part, str) else part
    return node


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    classes: Sequence[str] = (),
    cell_classes: Sequence[Sequence[Sequence[str]]] | None = None,
    widths: Sequence[int] | None = None,
    stub_columns: int = 0,
) -> nodes.table:
    """A table with a header row; ``cell_classes[r][c]`` adds classes to a body cell."""
    node = nodes.table(classes=["qms-table", *classes])
    group = nodes.tgroup(cols=len(headers))
    node += group
    for width in widths or [1] * len(headers):
        spec = nodes.colspec(colwidth=width)
        if stub_columns:
            spec["stub"] = True
            stub_columns -= 1
        group += spec
    head = nodes.thead()
    group += head
    head += _row([nodes.Text(title) for title in headers], [[] for _ in headers])
    body = nodes.tbody()
    group += body
    for index, row in enumerate(rows):
        extra = cell_classes[index] if cell_classes is not None else [[] for _ in row]
        body += _row(row, extra)
    return node


def _row(cells: Sequence[Cell], classes: Sequence[Sequence[str]]) -> nodes.row:
    row = nodes.row()
    for cell, extra in zip(cells, classes, strict=True):
        entry = nodes.entry(classes=list(extra))
        content = nodes.paragraph()
        if isinstance(cell, str):
            content += nodes.Text(cell)
        elif isinstance(cell, nodes.Node):
            content += cell
        else:
            for part in cell:
                content += part
        entry += content
        row += entry
    return row


def scale_table(scale: Scale) -> nodes.table:
    """A risk scale, highest level first: key, name and meaning of each level."""
    rows = [
        [f"{scale.key}{level.value}", level.name, level.meaning]
        for level in reversed(scale.levels)
    ]
    return table(
        [scale.title, "Name", "Meaning"],
        rows,
        classes=["qms-risk-scale"],
        widths=[10, 15, 60],
    )


def region_class(region: Region | None) -> str:
    """The CSS class that colours a cell by its region of the acceptability matrix."""
    return f"qms-region-{region.name}" if region is not None else "qms-region-unknown"


def acceptability(
    region: Region | None, justification: str | None, *, accepted: str
) -> str:
    """Whether a residual risk in ``region`` is acceptable, or accepted as ``accepted``
    (a benefit-risk or other justification), or not."""
    if region is None:
        return "not evaluated"
    if region.acceptable:
        return "acceptable"
    if region.needs_benefit_risk and justification:
        return accepted
    return "not acceptable"
