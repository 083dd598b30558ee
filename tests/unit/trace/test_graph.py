"""The trace graph: edges by direction, closures, coverage figures and cycles."""

from __future__ import annotations

import sys

from qmsdoc.profile import CoverageRule
from qmsdoc.trace import CoverageFigure, Edge, TraceGraph

from .._rst import VALID_CHAIN, item, items_from

VERIFIED = CoverageRule(
    name="requirement_verified",
    description="Every requirement is verified",
    clause="",
    item_type="requirement",
    direction="incoming",
    link="verifies",
    counterpart_types=("verification_test",),
)
HAS_HARM = CoverageRule(
    name="situation_has_harm",
    description="Every hazardous situation leads to a harm",
    clause="",
    item_type="hazardous_situation",
    direction="outgoing",
    link="leads_to",
    counterpart_types=("harm",),
)


def _chain_graph() -> TraceGraph:
    return TraceGraph(items_from(VALID_CHAIN))


def test_items_by_id() -> None:
    graph = _chain_graph()
    assert len(graph) == 13
    assert "REQ-001" in graph
    assert "REQ-404" not in graph
    requirement = graph.item("REQ-001")
    assert requirement is not None
    assert requirement.item_type == "requirement"
    assert graph.item("REQ-404") is None
    assert [i.id for i in graph.of_type("user_need")] == ["UN-001"]
    assert graph.of_type("nothing") == []
    assert [i.id for i in graph][:2] == ["UN-001", "REQ-001"]


def test_items_without_id_are_left_out_and_the_first_duplicate_wins() -> None:
    first = item("REQ-001", links=[("refines", "REQ-002")], line=1)
    second = item("REQ-001", links=[("refines", "REQ-003")], line=9)
    graph = TraceGraph([item(""), first, second])
    assert len(graph) == 1
    assert graph.item("REQ-001") is first
    assert graph.outgoing("REQ-001") == [
        Edge(source="REQ-001", link_type="refines", target="REQ-002")
    ]
    assert graph.incoming("REQ-003") == []


def test_outgoing_and_incoming_by_link_type() -> None:
    graph = _chain_graph()
    assert graph.outgoing("DO-001") == [
        Edge(source="DO-001", link_type="implements", target="REQ-001"),
        Edge(source="DO-001", link_type="implements", target="RC-001"),
        Edge(source="DO-001", link_type="uses", target="SOUP-001"),
    ]
    assert graph.outgoing("DO-001", "uses") == [
        Edge(source="DO-001", link_type="uses", target="SOUP-001")
    ]
    assert graph.outgoing("DO-001", "verifies") == []
    assert [e.source for e in graph.incoming("REQ-001")] == [
        "DO-001",
        "VT-001",
        "CR-001",
    ]
    assert graph.incoming("REQ-001", "verifies") == [
        Edge(source="VT-001", link_type="verifies", target="REQ-001")
    ]
    assert graph.outgoing("UN-001") == []
    assert graph.incoming("VT-001") == []


def test_a_dangling_link_is_an_edge_to_a_missing_item() -> None:
    graph = TraceGraph([item("REQ-001", links=[("satisfies", "UN-404")])])
    assert graph.incoming("UN-404") == [
        Edge(source="REQ-001", link_type="satisfies", target="UN-404")
    ]
    assert "UN-404" not in graph


def test_upstream_and_downstream_closures() -> None:
    graph = _chain_graph()
    assert graph.upstream("VT-001") == [
        "HARM-001",
        "HAZ-001",
        "HS-001",
        "RC-001",
        "REQ-001",
        "STD-IEC62304-5.2",
        "UN-001",
    ]
    assert graph.upstream("VT-001", ["verifies"]) == ["RC-001", "REQ-001"]
    assert graph.upstream("VT-001", ["verifies", "satisfies"]) == [
        "RC-001",
        "REQ-001",
        "UN-001",
    ]
    assert graph.upstream("UN-001") == []
    assert graph.downstream("UN-001") == [
        "ANOM-001",
        "CR-001",
        "DO-001",
        "REQ-001",
        "VAL-001",
        "VT-001",
    ]
    assert graph.downstream("UN-001", ["satisfies"]) == ["REQ-001"]
    assert graph.downstream("HAZ-001") == [
        "ANOM-001",
        "DO-001",
        "HS-001",
        "RC-001",
        "SOUP-001",
        "VAL-001",
        "VT-001",
    ]
    assert graph.downstream("REQ-404") == []


def test_closures_terminate_on_cycles_and_exclude_the_start() -> None:
    graph = TraceGraph(
        [
            item("REQ-001", links=[("refines", "REQ-002")]),
            item("REQ-002", links=[("refines", "REQ-003")]),
            item("REQ-003", links=[("refines", "REQ-001"), ("refines", "REQ-404")]),
        ]
    )
    assert graph.upstream("REQ-001") == ["REQ-002", "REQ-003", "REQ-404"]
    assert graph.downstream("REQ-001") == ["REQ-002", "REQ-003"]


def test_coverage_figures() -> None:
    graph = TraceGraph(
        [
            item("REQ-001"),
            item("REQ-002"),
            item("REQ-003"),
            item(
                "VT-001",
                "verification_test",
                [("verifies", "REQ-001"), ("verifies", "REQ-003")],
            ),
            # a link of the right name from the wrong type does not cover
            item("VAL-001", "validation", [("verifies", "REQ-002")]),
        ]
    )
    figure = graph.coverage(VERIFIED)
    assert figure == CoverageFigure(
        rule=VERIFIED, total=3, covered=2, uncovered=("REQ-002",)
    )
    assert figure.percent == 66.7
    assert graph.meets("REQ-001", VERIFIED)
    assert not graph.meets("REQ-002", VERIFIED)


def test_coverage_figures_of_an_outgoing_rule() -> None:
    graph = TraceGraph(
        [
            item("HS-001", "hazardous_situation", [("leads_to", "HARM-001")]),
            item("HS-002", "hazardous_situation", [("leads_to", "HARM-404")]),
            item("HS-003", "hazardous_situation", [("leads_to", "HAZ-001")]),
            item("HARM-001", "harm"),
            item("HAZ-001", "hazard"),
        ]
    )
    figure = graph.coverage(HAS_HARM)
    assert (figure.total, figure.covered, figure.uncovered) == (
        3,
        1,
        ("HS-002", "HS-003"),
    )
    assert figure.percent == 33.3


def test_coverage_figures_when_all_or_none_apply() -> None:
    # an empty rule is never 100 %: nothing was verified
    assert TraceGraph([]).coverage(VERIFIED).percent == 0.0
    assert TraceGraph([]).coverage(VERIFIED).total == 0
    assert TraceGraph([]).coverage(VERIFIED).empty
    full = _chain_graph().coverage(VERIFIED)
    assert (full.total, full.covered, full.uncovered, full.percent) == (1, 1, (), 100.0)
    assert not full.empty
    none = TraceGraph([item("REQ-001")]).coverage(VERIFIED)
    assert (none.covered, none.percent) == (0, 0.0)


def test_a_two_cycle() -> None:
    graph = TraceGraph(
        [
            item("REQ-002", links=[("refines", "REQ-001")]),
            item("REQ-001", links=[("refines", "REQ-002")]),
            item("REQ-003", links=[("refines", "REQ-001")]),
        ]
    )
    assert graph.cycles() == [["REQ-001", "REQ-002"]]


def test_a_three_cycle_and_a_separate_two_cycle() -> None:
    graph = TraceGraph(
        [
            item("DO-003", "design_output", [("part_of", "DO-001")]),
            item("DO-001", "design_output", [("part_of", "DO-002")]),
            item("DO-002", "design_output", [("part_of", "DO-003")]),
            item("REQ-009", links=[("refines", "REQ-008")]),
            item("REQ-008", links=[("refines", "REQ-009")]),
        ]
    )
    assert graph.cycles() == [["DO-001", "DO-002", "DO-003"], ["REQ-008", "REQ-009"]]


def test_a_cycle_through_different_link_types() -> None:
    graph = TraceGraph(
        [
            item("REQ-001", links=[("implements", "RC-001")]),
            item("RC-001", "risk_control", [("mitigates", "HS-001")]),
            item("HS-001", "hazardous_situation", [("leads_to", "REQ-001")]),
        ]
    )
    assert graph.cycles() == [["HS-001", "RC-001", "REQ-001"]]


def test_a_self_link_is_not_a_cycle() -> None:
    graph = TraceGraph([item("REQ-001", links=[("refines", "REQ-001")])])
    assert graph.cycles() == []
    assert graph.upstream("REQ-001") == []


def test_no_cycles_in_a_chain_or_a_diamond() -> None:
    assert _chain_graph().cycles() == []
    diamond = TraceGraph(
        [
            item("REQ-004", links=[("refines", "REQ-002"), ("refines", "REQ-003")]),
            item("REQ-002", links=[("refines", "REQ-001")]),
            item("REQ-003", links=[("refines", "REQ-001")]),
            item("REQ-001"),
        ]
    )
    assert diamond.cycles() == []


def _long_chain(length: int, *, closed: bool) -> TraceGraph:
    ids = [f"REQ-{n:05d}" for n in range(length)]
    links = [[("refines", ids[n + 1])] for n in range(length - 1)]
    links.append([("refines", ids[0])] if closed else [])
    return TraceGraph([item(i, links=link) for i, link in zip(ids, links, strict=True)])


def test_a_long_chain_does_not_hit_the_recursion_limit() -> None:
    length = 5_000
    assert length > sys.getrecursionlimit()
    graph = _long_chain(length, closed=False)
    assert graph.cycles() == []
    assert len(graph.upstream("REQ-00000")) == length - 1
    assert len(graph.downstream(f"REQ-{length - 1:05d}")) == length - 1


def test_a_long_cycle_is_one_group() -> None:
    graph = _long_chain(5_000, closed=True)
    [group] = graph.cycles()
    assert len(group) == 5_000
    assert group == sorted(group)


def test_nearest_downstream_names_the_closest_dependants_first() -> None:
    graph = _long_chain(5_000, closed=False)
    # REQ-n refines REQ-n+1: the dependants of REQ-00100 are REQ-00099, REQ-00098, ...
    nearest, more = graph.nearest_downstream("REQ-00100", 3)
    assert (nearest, more) == (["REQ-00097", "REQ-00098", "REQ-00099"], True)
    assert graph.nearest_downstream("REQ-00002", 3) == (
        ["REQ-00000", "REQ-00001"],
        False,
    )
    assert graph.nearest_downstream("REQ-00000", 3) == ([], False)


def test_nearest_downstream_on_a_cycle_excludes_the_start() -> None:
    graph = _long_chain(3, closed=True)
    assert graph.nearest_downstream("REQ-00000", 5) == (
        ["REQ-00001", "REQ-00002"],
        False,
    )
    assert graph.nearest_downstream("REQ-00000", 2) == (
        ["REQ-00001", "REQ-00002"],
        False,
    )
    assert graph.nearest_downstream("REQ-00000", 1) == (["REQ-00002"], True)
