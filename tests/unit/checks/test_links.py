"""Link checks: targets exist, the profile allows them, no self-links, no cycles."""

from __future__ import annotations

import pytest

from qmsdoc.checks import Finding
from qmsdoc.processes import run_checks

from .._rst import (
    VALID_CHAIN,
    check,
    default_profile,
    findings_of,
    item,
    items_from,
    rst,
)


def _finding(
    check_id: str, item_id: str, line: int, message: str, path: str = "items.rst"
) -> Finding:
    return Finding(
        check_id=check_id,
        severity="error",
        item_id=item_id,
        path=path,
        line=line,
        docname=path.removesuffix(".rst"),
        message=message,
    )


@pytest.mark.parametrize(
    "check_id", ["link_target_unknown", "link_not_allowed", "link_self", "link_cycle"]
)
def test_a_valid_chain_has_no_link_finding(check_id: str) -> None:
    assert findings_of(VALID_CHAIN, check_id) == []


def test_link_target_unknown() -> None:
    text = rst("""\
        .. user_need:: Exists
           :id: UN-001

        .. requirement:: Links to a missing need
           :id: REQ-001
           :satisfies: UN-001, UN-404
        """)
    assert findings_of(text, "link_target_unknown") == [
        _finding(
            "link_target_unknown",
            "REQ-001",
            4,
            "REQ-001: satisfies 'UN-404': no such item",
        )
    ]
    # a dangling link is not also judged against the profile's link rules
    assert findings_of(text, "link_not_allowed") == []


def test_a_self_link_is_not_an_unknown_target() -> None:
    text = ".. requirement:: Self\n   :id: REQ-001\n   :refines: REQ-001\n"
    assert findings_of(text, "link_target_unknown") == []


def test_link_not_allowed_for_a_link_type_the_item_cannot_carry() -> None:
    text = rst("""\
        .. user_need:: Need
           :id: UN-001

        .. verification_test:: A test that satisfies a need
           :id: VT-001
           :satisfies: UN-001

        .. user_need:: A need that refines another
           :id: UN-002
           :refines: UN-001
        """)
    assert findings_of(text, "link_not_allowed") == [
        _finding(
            "link_not_allowed",
            "VT-001",
            4,
            "VT-001: a verification_test cannot carry 'satisfies' links "
            "(allowed: complies_with, verifies)",
        ),
        _finding(
            "link_not_allowed",
            "UN-002",
            8,
            "UN-002: a user_need cannot carry 'refines' links (allowed: none)",
        ),
    ]


def test_link_not_allowed_for_a_target_of_the_wrong_type() -> None:
    text = rst("""\
        .. hazard:: Hazard
           :id: HAZ-001

        .. requirement:: Satisfies a hazard
           :id: REQ-001
           :satisfies: HAZ-001
        """)
    assert findings_of(text, "link_not_allowed") == [
        _finding(
            "link_not_allowed",
            "REQ-001",
            4,
            "REQ-001: requirement satisfies hazard HAZ-001 is not allowed; "
            "allowed targets: user_need",
        )
    ]


def test_allowed_links_are_not_reported() -> None:
    text = rst("""\
        .. requirement:: Parent
           :id: REQ-001

        .. requirement:: Child
           :id: REQ-002
           :refines: REQ-001

        .. design_output:: Unit
           :id: DO-001
           :part_of: DO-002
           :implements: REQ-002

        .. design_output:: Item
           :id: DO-002
        """)
    assert findings_of(text, "link_not_allowed") == []


def test_link_self() -> None:
    text = rst("""\
        .. requirement:: Refines itself
           :id: REQ-001
           :refines: REQ-001
        """)
    assert findings_of(text, "link_self") == [
        _finding("link_self", "REQ-001", 1, "REQ-001: refines links the item to itself")
    ]
    # a self-link is not a cycle, and not judged against the link rules either
    assert findings_of(text, "link_cycle") == []
    assert findings_of(text, "link_not_allowed") == []


def test_link_cycle_of_two_items_is_reported_once_at_the_first() -> None:
    text = rst("""\
        .. requirement:: B refines A
           :id: REQ-002
           :refines: REQ-001

        .. requirement:: A refines B
           :id: REQ-001
           :refines: REQ-002
        """)
    assert findings_of(text, "link_cycle") == [
        _finding(
            "link_cycle",
            "REQ-002",
            1,
            "REQ-002: links form a cycle through REQ-001, REQ-002",
        )
    ]


def test_link_cycle_of_three_items_across_files() -> None:
    first = rst("""\
        .. design_output:: System
           :id: DO-001
           :part_of: DO-003
        """)
    second = rst("""\
        Other file.

        .. design_output:: Item
           :id: DO-002
           :part_of: DO-001

        .. design_output:: Unit
           :id: DO-003
           :part_of: DO-002
        """)
    items = items_from(second, path="b.rst") + items_from(first, path="a.rst")
    found = [
        f for f in run_checks(items, default_profile()) if f.check_id == "link_cycle"
    ]
    assert found == [
        _finding(
            "link_cycle",
            "DO-001",
            1,
            "DO-001: links form a cycle through DO-001, DO-002, DO-003",
            path="a.rst",
        )
    ]


def test_two_separate_cycles_are_two_findings() -> None:
    text = rst("""\
        .. requirement:: A
           :id: REQ-001
           :refines: REQ-002

        .. requirement:: B
           :id: REQ-002
           :refines: REQ-001

        .. design_output:: C
           :id: DO-001
           :part_of: DO-002

        .. design_output:: D
           :id: DO-002
           :part_of: DO-001
        """)
    assert [(f.line, f.item_id) for f in findings_of(text, "link_cycle")] == [
        (1, "REQ-001"),
        (9, "DO-001"),
    ]


def test_a_chain_and_a_diamond_are_not_cycles() -> None:
    text = rst("""\
        .. requirement:: Top
           :id: REQ-001

        .. requirement:: Left
           :id: REQ-002
           :refines: REQ-001

        .. requirement:: Right
           :id: REQ-003
           :refines: REQ-001

        .. requirement:: Bottom
           :id: REQ-004
           :refines: REQ-002, REQ-003
        """)
    assert findings_of(text, "link_cycle") == []


def test_every_link_problem_of_one_item() -> None:
    text = rst("""\
        .. verification_test:: Everything wrong
           :id: VT-001
           :verifies: VT-001, REQ-404
           :satisfies: UN-001
        """)
    found = [
        (f.check_id, f.message) for f in check(text) if f.check_id.startswith("link_")
    ]
    assert found == [
        (
            "link_not_allowed",
            "VT-001: a verification_test cannot carry 'satisfies' links (allowed: complies_with, verifies)",
        ),
        ("link_self", "VT-001: verifies links the item to itself"),
        ("link_target_unknown", "VT-001: satisfies 'UN-001': no such item"),
        ("link_target_unknown", "VT-001: verifies 'REQ-404': no such item"),
    ]


def test_a_long_cycle_names_its_first_members_and_counts_the_rest() -> None:
    length = 5_000
    ids = [f"REQ-{n:05d}" for n in range(length)]
    items = [
        item(ids[n], links=[("refines", ids[(n + 1) % length])]) for n in range(length)
    ]
    (finding,) = [
        f for f in run_checks(items, default_profile()) if f.check_id == "link_cycle"
    ]
    assert finding.message == (
        f"REQ-00000: links form a cycle through {', '.join(ids[:10])} "
        "and 4990 more (5000 items)"
    )
