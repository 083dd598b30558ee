"""``.. qms-matrix:: <name>``: a trace matrix of the profile, rendered from the graph.

Options: ``:columns:`` a comma-separated selection of the matrix's column titles. The
table has a sticky header and a filter box (HTML) and no pagination, so every gap is
on the page and in print; an empty required cell reads "missing".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from qmsdoc.sphinxext.aggregate import PART_METADATA, AggregateDirective, add_aggregates
from qmsdoc.sphinxext.tables import paragraph, table
from qmsdoc.trace.matrix import build_matrix, row_verification

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sphinx.application import Sphinx

    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest
    from qmsdoc.sphinxext.tables import Cell

__all__ = ["MATRIX_DIRECTIVES", "MATRIX_RENDERERS", "setup"]


class MatrixDirective(AggregateDirective):
    kind = "matrix"
    required_arguments = 1
    optional_arguments = 0
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "columns": directives.unchanged,
    }


MATRIX_DIRECTIVES: dict[str, type[AggregateDirective]] = {"qms-matrix": MatrixDirective}


def render_matrix(request: RenderRequest) -> Sequence[nodes.Node]:
    """The matrix named by the argument, or a ``qms.directive`` warning."""
    profile = request.context.profile
    spec = profile.matrix(request.argument)
    if spec is None:
        known = ", ".join(matrix.name for matrix in profile.matrices) or "none"
        request.warn(
            f"qms-matrix: unknown matrix {request.argument!r}; the profile has {known}"
        )
        return []
    columns = spec.columns
    selection = request.option("columns")
    if selection:
        wanted = [title.strip() for title in str(selection).split(",") if title.strip()]
        by_title = {column.title: column for column in spec.columns}
        unknown = [title for title in wanted if title not in by_title]
        if unknown:
            request.warn(
                f"qms-matrix {spec.name}: unknown column {', '.join(map(repr, unknown))}; "
                f"columns are {', '.join(by_title)}"
            )
            return []
        columns = tuple(by_title[title] for title in wanted)
    view = build_matrix(request.context.graph, spec, columns)
    evidence = request.context.evidence
    rows: list[list[Cell]] = []
    classes: list[list[list[str]]] = []
    for row in view.rows:
        cells: list[Cell] = []
        row_classes: list[list[str]] = []
        for cell in row.cells:
            if cell.gap:
                cells.append(nodes.strong("", "missing"))
                row_classes.append(["qms-gap"])
                continue
            content: list[nodes.Node] = []
            for index, item in enumerate(cell.items):
                if index:
                    content.append(nodes.Text("; "))
                content.append(request.link(item.id))
                content.append(nodes.Text(f" {item.title}"))
            cells.append(content or "")
            row_classes.append([])
        cells.append("no" if row.has_gap else "yes")
        row_classes.append(["qms-gap"] if row.has_gap else [])
        state_text, done = (
            row_verification(evidence, row)
            if evidence is not None
            else ("no evidence records configured", False)
        )
        cells.append(state_text)
        row_classes.append([] if done else ["qms-gap"])
        rows.append(cells)
        classes.append(row_classes)
    output: list[nodes.Node] = []
    if spec.description:
        output.append(paragraph(spec.description))
    output.append(
        paragraph(f"{len(view.rows)} rows; {view.gap_count} missing required cells.")
    )
    if request.builder.format == "html":
        output.append(
            nodes.raw(
                "",
                '<input class="qms-filter" type="search" placeholder="Filter rows" '
                'aria-label="Filter rows">',
                format="html",
            )
        )
    output.append(
        table(
            [
                *(column.title for column in view.columns),
                "Traced",
                "Verification (executed records)",
            ],
            rows,
            classes=["qms-matrix", f"qms-matrix-{spec.name}"],
            cell_classes=classes,
        )
    )
    return output


MATRIX_RENDERERS: dict[str, Renderer] = {"matrix": render_matrix}


def setup(app: Sphinx) -> dict[str, Any]:
    """The traceability matrix pages (design controls, :mod:`qmsdoc.processes`)."""
    add_aggregates(app, MATRIX_DIRECTIVES, MATRIX_RENDERERS)
    return PART_METADATA
