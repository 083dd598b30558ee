"""Trace matrices: following link paths, natural order, rows, cells and gaps."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from qmsdoc.device_file import read_items
from qmsdoc.model.ordering import natural_key
from qmsdoc.profile.model import MatrixColumn, MatrixSpec, PathStep
from qmsdoc.project import load_project
from qmsdoc.trace import TraceGraph
from qmsdoc.trace.matrix import MatrixCell, MatrixRow, build_matrix, follow
from qmstest import REPOSITORY

from .._rst import item

if TYPE_CHECKING:
    from qmsdoc.model import Item

SATISFIES = PathStep(link="satisfies", incoming=False)
SATISFIED_BY = PathStep(link="satisfies", incoming=True)
VERIFIED_BY = PathStep(link="verifies", incoming=True)
VALIDATED_BY = PathStep(link="validates", incoming=True)


def _column(
    title: str,
    path: tuple[PathStep, ...] = (),
    *,
    start: str = "root",
    types: tuple[str, ...] = (),
    required: bool = False,
) -> MatrixColumn:
    return MatrixColumn(
        title=title,
        start="row" if start == "row" else "root",
        path=path,
        types=types,
        required=required,
    )


NEED = _column("User need")
REQUIREMENT = _column("Requirement", start="row", required=True)
TESTS = _column(
    "Tests",
    (VERIFIED_BY,),
    start="row",
    types=("verification_test",),
    required=True,
)
VALIDATION = _column(
    "Validation", (VALIDATED_BY,), types=("validation",), required=True
)

#: user needs expanded to the requirements that satisfy them
CHAIN = MatrixSpec(
    name="chain",
    title="Chain",
    description="",
    root="user_need",
    expand=(SATISFIED_BY,),
    expand_types=("requirement",),
    columns=(NEED, REQUIREMENT, TESTS, VALIDATION),
)

#: one row per requirement, no expansion
VERIFICATION = MatrixSpec(
    name="verification",
    title="Verification",
    description="",
    root="requirement",
    expand=(),
    expand_types=(),
    columns=(
        _column("Requirement"),
        _column("Satisfies", (SATISFIES,), types=("user_need",)),
        _column("Tests", (VERIFIED_BY,), types=("verification_test",), required=True),
    ),
)


def _graph() -> TraceGraph:
    """UN-1 <- REQ-10, REQ-2 (both verified by VT-1, REQ-2 also by VT-3); UN-2 alone."""
    return TraceGraph(
        [
            item("UN-1", "user_need", line=1),
            item("UN-2", "user_need", line=2),
            item("REQ-10", links=[("satisfies", "UN-1")], line=3),
            item("REQ-2", links=[("satisfies", "UN-1")], line=4),
            item(
                "VT-3",
                "verification_test",
                links=[("verifies", "REQ-2"), ("verifies", "REQ-404")],
                line=5,
            ),
            item(
                "VT-1",
                "verification_test",
                links=[("verifies", "REQ-10"), ("verifies", "REQ-2")],
                line=6,
            ),
            item("VAL-1", "validation", links=[("validates", "UN-1")], line=7),
            # a design output that claims to satisfy the need: not a requirement
            item("DO-1", "design_output", links=[("satisfies", "UN-1")], line=8),
        ]
    )


def _ids(items: tuple[Item, ...] | list[Item]) -> list[str]:
    return [entry.id for entry in items]


def _start(graph: TraceGraph, item_id: str) -> Item:
    found = graph.item(item_id)
    assert found is not None
    return found


# -- natural order -----------------------------------------------------------------


def test_natural_key_orders_digit_runs_as_numbers() -> None:
    ids = ["REQ-10", "REQ-2", "REQ-1", "HAZ-3", "REQ-1.10", "REQ-1.9"]
    assert sorted(ids, key=natural_key) == [
        "HAZ-3",
        "REQ-1",
        "REQ-1.9",
        "REQ-1.10",
        "REQ-2",
        "REQ-10",
    ]
    assert natural_key("REQ-2") < natural_key("REQ-10")
    assert natural_key("REQ-002") == natural_key("REQ-2")
    assert natural_key("REQ-10") == ((0, 0, "REQ-"), (1, 2, "10"))
    assert natural_key("") == ()
    assert natural_key("REQ-0") == natural_key("REQ-000") < natural_key("REQ-1")


def test_natural_key_orders_digit_runs_longer_than_int_accepts() -> None:
    # int() refuses more than 4,300 digits (ValueError): the key never calls it
    huge = "9" * 5000
    ids = [f"REQ-1{huge}", f"REQ-{huge}", "REQ-10", f"REQ-000{huge}", "REQ-2"]
    assert sorted(ids, key=natural_key) == [
        "REQ-2",
        "REQ-10",
        f"REQ-{huge}",
        f"REQ-000{huge}",
        f"REQ-1{huge}",
    ]
    assert natural_key(f"REQ-{huge}") == ((0, 0, "REQ-"), (1, 5000, huge))


def test_natural_key_takes_ascii_digit_runs_only() -> None:
    # '²' is a digit to str.isdigit() but not to int(): it stays text
    assert natural_key("REQ-1²") == ((0, 0, "REQ-"), (1, 1, "1"), (0, 0, "²"))
    assert sorted(["REQ-2", "REQ-1²", "REQ-1"], key=natural_key) == [
        "REQ-1",
        "REQ-1²",
        "REQ-2",
    ]
    assert natural_key("10A") == ((1, 2, "10"), (0, 0, "A"))


# -- follow ------------------------------------------------------------------------


def test_follow_an_outgoing_step() -> None:
    graph = _graph()
    assert _ids(follow(graph, _start(graph, "REQ-2"), [SATISFIES])) == ["UN-1"]
    assert follow(graph, _start(graph, "UN-1"), [SATISFIES]) == []


def test_follow_an_incoming_step_in_natural_order() -> None:
    graph = _graph()
    reached = follow(graph, _start(graph, "UN-1"), [SATISFIED_BY])
    # location order is REQ-10, REQ-2, DO-1; the result is in natural id order
    assert _ids(reached) == ["DO-1", "REQ-2", "REQ-10"]


def test_follow_only_the_named_link() -> None:
    graph = _graph()
    assert follow(graph, _start(graph, "UN-1"), [VERIFIED_BY]) == []
    assert _ids(follow(graph, _start(graph, "UN-1"), [VALIDATED_BY])) == ["VAL-1"]


def test_follow_a_multi_step_path_without_repeats() -> None:
    graph = _graph()
    # UN-1 <- REQ-2, REQ-10 (and DO-1) <- VT-1 (twice), VT-3
    reached = follow(graph, _start(graph, "UN-1"), [SATISFIED_BY, VERIFIED_BY])
    assert _ids(reached) == ["VT-1", "VT-3"]
    # and back up again: VT-3 -> REQ-2 -> UN-1 (REQ-404 does not exist)
    up = follow(
        graph, _start(graph, "VT-3"), [PathStep(link="verifies", incoming=False)]
    )
    assert _ids(up) == ["REQ-2"]
    assert _ids(
        follow(
            graph,
            _start(graph, "VT-3"),
            [PathStep(link="verifies", incoming=False), SATISFIES],
        )
    ) == ["UN-1"]


def test_follow_an_empty_path_is_the_start_itself() -> None:
    graph = _graph()
    start = _start(graph, "REQ-2")
    assert follow(graph, start, []) == [start]


def test_follow_skips_links_to_missing_items() -> None:
    graph = TraceGraph([item("REQ-1", links=[("satisfies", "UN-404")])])
    assert follow(graph, _start(graph, "REQ-1"), [SATISFIES]) == []


# -- build_matrix --------------------------------------------------------------------


def test_matrix_without_expand_has_one_row_per_root_in_natural_order() -> None:
    view = build_matrix(_graph(), VERIFICATION)
    assert view.spec is VERIFICATION
    assert view.columns == VERIFICATION.columns
    assert [row.root.id for row in view.rows] == ["REQ-2", "REQ-10"]
    assert all(row.expanded is None for row in view.rows)
    first, second = view.rows
    assert [_ids(cell.items) for cell in first.cells] == [
        ["REQ-2"],
        ["UN-1"],
        ["VT-1", "VT-3"],
    ]
    assert [_ids(cell.items) for cell in second.cells] == [
        ["REQ-10"],
        ["UN-1"],
        ["VT-1"],
    ]
    assert view.gap_count == 0
    assert not first.has_gap
    assert not second.has_gap


def test_a_required_empty_cell_is_a_gap_and_an_optional_one_is_not() -> None:
    graph = TraceGraph(
        [
            item("REQ-1"),
            item("REQ-2", links=[("satisfies", "UN-1")]),
            item("UN-1", "user_need"),
            item("VT-1", "verification_test", links=[("verifies", "REQ-2")]),
        ]
    )
    view = build_matrix(graph, VERIFICATION)
    lonely, verified = view.rows
    assert lonely.root.id == "REQ-1"
    # "Satisfies" is optional: empty, no gap; "Tests" is required: empty, a gap
    assert lonely.cells[1] == MatrixCell(items=(), gap=False)
    assert lonely.cells[2] == MatrixCell(items=(), gap=True)
    assert lonely.has_gap
    assert not verified.has_gap
    assert view.gap_count == 1


def test_matrix_with_expand_has_a_row_per_root_and_expanded_item() -> None:
    view = build_matrix(_graph(), CHAIN)
    rows = [
        (row.root.id, row.expanded.id if row.expanded else None) for row in view.rows
    ]
    # DO-1 also satisfies UN-1 but is not a requirement: expand_types leaves it out
    assert rows == [("UN-1", "REQ-2"), ("UN-1", "REQ-10"), ("UN-2", None)]
    req2, req10, _ = view.rows
    assert [_ids(cell.items) for cell in req2.cells] == [
        ["UN-1"],
        ["REQ-2"],
        ["VT-1", "VT-3"],
        ["VAL-1"],
    ]
    assert [_ids(cell.items) for cell in req10.cells] == [
        ["UN-1"],
        ["REQ-10"],
        ["VT-1"],
        ["VAL-1"],
    ]
    assert not req2.has_gap
    assert not req10.has_gap


def test_a_root_without_expansion_gives_one_row_with_empty_expanded_cells() -> None:
    view = build_matrix(_graph(), CHAIN)
    alone = view.rows[-1]
    assert alone.root.id == "UN-2"
    assert alone.expanded is None
    # the root column is filled; the row columns are empty, and gaps as required;
    # the validation column (from the root) is empty and required too
    assert alone.cells == (
        MatrixCell(items=(alone.root,), gap=False),
        MatrixCell(items=(), gap=True),
        MatrixCell(items=(), gap=True),
        MatrixCell(items=(), gap=True),
    )
    assert alone.has_gap
    assert view.gap_count == 3


def test_an_optional_row_column_of_an_unexpanded_root_is_not_a_gap() -> None:
    spec = MatrixSpec(
        name="m",
        title="M",
        description="",
        root="user_need",
        expand=(SATISFIED_BY,),
        expand_types=(),
        columns=(NEED, _column("Requirement", start="row")),
    )
    graph = TraceGraph([item("UN-1", "user_need")])
    (row,) = build_matrix(graph, spec).rows
    assert row.expanded is None
    assert row.cells[1] == MatrixCell(items=(), gap=False)
    assert not row.has_gap


def test_expand_without_expand_types_keeps_every_reached_item() -> None:
    spec = MatrixSpec(
        name="m",
        title="M",
        description="",
        root="user_need",
        expand=(SATISFIED_BY,),
        expand_types=(),
        columns=(NEED,),
    )
    view = build_matrix(_graph(), spec)
    assert [
        (row.root.id, row.expanded.id if row.expanded else None) for row in view.rows
    ] == [("UN-1", "DO-1"), ("UN-1", "REQ-2"), ("UN-1", "REQ-10"), ("UN-2", None)]


def test_column_types_filter_the_cell() -> None:
    graph = TraceGraph(
        [
            item("REQ-1"),
            item("VT-1", "verification_test", links=[("verifies", "REQ-1")]),
            item("VAL-1", "validation", links=[("verifies", "REQ-1")]),
        ]
    )
    spec = MatrixSpec(
        name="m",
        title="M",
        description="",
        root="requirement",
        expand=(),
        expand_types=(),
        columns=(
            _column("All", (VERIFIED_BY,)),
            _column("Tests", (VERIFIED_BY,), types=("verification_test",)),
            _column("Studies", (VERIFIED_BY,), types=("validation",)),
            _column("Needs", (VERIFIED_BY,), types=("user_need",), required=True),
        ),
    )
    (row,) = build_matrix(graph, spec).rows
    assert [_ids(cell.items) for cell in row.cells] == [
        ["VAL-1", "VT-1"],
        ["VT-1"],
        ["VAL-1"],
        [],
    ]
    assert [cell.gap for cell in row.cells] == [False, False, False, True]


def test_a_selection_of_columns() -> None:
    selected = [CHAIN.columns[3], CHAIN.columns[1]]
    view = build_matrix(_graph(), CHAIN, selected)
    assert view.columns == (VALIDATION, REQUIREMENT)
    assert view.spec is CHAIN
    assert len(view.rows) == 3
    assert all(len(row.cells) == 2 for row in view.rows)
    assert [_ids(cell.items) for cell in view.rows[0].cells] == [["VAL-1"], ["REQ-2"]]
    # UN-2 has neither validation nor requirement
    assert view.gap_count == 2
    only_optional = build_matrix(_graph(), CHAIN, [NEED])
    assert only_optional.gap_count == 0
    assert not any(row.has_gap for row in only_optional.rows)


def test_a_matrix_with_no_root_items_has_no_rows() -> None:
    view = build_matrix(TraceGraph([item("REQ-1")]), CHAIN)
    assert view.rows == ()
    assert view.gap_count == 0


def test_has_gap_and_gap_count_read_the_cells() -> None:
    root = item("UN-1", "user_need")
    full = MatrixCell(items=(root,), gap=False)
    hole = MatrixCell(items=(), gap=True)
    assert not MatrixRow(root=root, expanded=None, cells=(full, full)).has_gap
    assert MatrixRow(root=root, expanded=None, cells=(full, hole)).has_gap
    assert not MatrixRow(root=root, expanded=None, cells=()).has_gap


# -- the Serenya device file ---------------------------------------------------------


@functools.cache
def _serenya() -> tuple[TraceGraph, MatrixSpec]:
    project = load_project(REPOSITORY)
    spec = project.profile.matrix("design_chain")
    assert spec is not None
    return TraceGraph(read_items(project)), spec


def test_serenya_design_chain_has_a_row_per_need_and_satisfying_requirement() -> None:
    graph, spec = _serenya()
    view = build_matrix(graph, spec)
    expected = set()
    for need in graph.of_type("user_need"):
        for edge in graph.incoming(need.id, "satisfies"):
            source = graph.item(edge.source)
            if source is not None and source.item_type == "requirement":
                expected.add((need.id, source.id))
    pairs = [
        (row.root.id, row.expanded.id if row.expanded else "") for row in view.rows
    ]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == expected
    assert len(graph.of_type("user_need")) > 0
    assert {need for need, _ in pairs} == {n.id for n in graph.of_type("user_need")}
    assert pairs == sorted(
        pairs, key=lambda pair: (natural_key(pair[0]), natural_key(pair[1]))
    )
    assert view.gap_count == 0
    assert not any(row.has_gap for row in view.rows)
    assert [column.title for column in view.columns] == [
        "User need",
        "Requirement",
        "Design outputs",
        "Verification tests",
        "Validation",
    ]
