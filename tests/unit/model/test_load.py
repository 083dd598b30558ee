"""Loading raw records into items: types, fields, links and waivers from the profile."""

from __future__ import annotations

from qmsdoc.model import Link, Location, RawItem, Waiver, load_items

from .._rst import default_profile, items_from, rst


def _raw(directive: str, line: int, path: str = "a.rst", **options: str) -> RawItem:
    return RawItem(
        directive=directive,
        title=f"Item at {path}:{line}",
        options=tuple(options.items()),
        content="",
        location=Location(path=path, line=line, docname=path.removesuffix(".rst")),
    )


def test_an_item_gets_its_type_fields_and_links() -> None:
    [item] = items_from(
        rst("""\
            .. requirement:: Display   lab
               results
               :id:  REQ-001
               :status: draft
               :colour: red
               :satisfies: UN-001, UN-002; UN-003
               :refines: REQ-000

               Body text.
            """)
    )
    assert item.id == "REQ-001"
    assert item.item_type == "requirement"
    assert item.title == "Display lab results"
    assert item.fields == (("status", "draft"), ("colour", "red"))
    assert item.field("status") == "draft"
    assert item.field("colour") == "red"
    assert item.field("level") is None
    assert item.links == (
        Link(link_type="satisfies", target="UN-001"),
        Link(link_type="satisfies", target="UN-002"),
        Link(link_type="satisfies", target="UN-003"),
        Link(link_type="refines", target="REQ-000"),
    )
    assert item.waivers == ()
    assert item.malformed_waivers == ()
    assert item.content == "Body text."
    assert item.location == Location(path="items.rst", line=1, docname="items")


def test_links_may_be_written_one_per_line() -> None:
    [item] = items_from(
        ".. design_output:: D\n   :id: DO-001\n   :implements: REQ-001\n      RC-001\n"
    )
    assert [link.target for link in item.links] == ["REQ-001", "RC-001"]


def test_an_item_without_id_has_an_empty_id() -> None:
    [item] = items_from(".. requirement:: No id\n   :status: draft\n")
    assert item.id == ""


def test_unknown_directives_are_skipped_and_items_sorted_by_location() -> None:
    raws = [
        _raw("requirement", 9, "b.rst", id="REQ-003"),
        _raw("not_an_item", 1, "a.rst", id="X-1"),
        _raw("user_need", 20, "a.rst", id="UN-002"),
        _raw("requirement", 3, "a.rst", id="REQ-001"),
    ]
    items = load_items(raws, default_profile())
    assert [(i.location.path, i.location.line, i.id) for i in items] == [
        ("a.rst", 3, "REQ-001"),
        ("a.rst", 20, "UN-002"),
        ("b.rst", 9, "REQ-003"),
    ]
    assert [i.item_type for i in items] == ["requirement", "user_need", "requirement"]


def test_waivers_are_parsed_one_per_line() -> None:
    [item] = items_from(
        rst("""\
            .. requirement:: Waived
               :id: REQ-001
               :waiver: coverage_requirement_verified: Verified by the release inspection.
                  qms.link_self:   Self link kept on purpose for the demo
            """)
    )
    assert item.waivers == (
        Waiver(
            check_id="coverage_requirement_verified",
            justification="Verified by the release inspection.",
        ),
        Waiver(
            check_id="link_self", justification="Self link kept on purpose for the demo"
        ),
    )
    assert item.malformed_waivers == ()
    # the raw value stays a field, so the field checks see it
    assert item.field("waiver") is not None


def test_a_wrapped_justification_is_joined() -> None:
    [item] = items_from(
        rst("""\
            .. requirement:: Waived
               :id: REQ-001
               :waiver: coverage_requirement_verified: Verified by inspection
                  of the release record
                  signed by QA.
            """)
    )
    assert item.waivers == (
        Waiver(
            check_id="coverage_requirement_verified",
            justification="Verified by inspection of the release record signed by QA.",
        ),
    )


def test_a_justification_may_start_on_the_next_line() -> None:
    [item] = items_from(
        rst("""\
            .. requirement:: Waived
               :id: REQ-001
               :waiver:
                  coverage_requirement_verified:
                  Verified by inspection of the release record.
            """)
    )
    assert item.waivers == (
        Waiver(
            check_id="coverage_requirement_verified",
            justification="Verified by inspection of the release record.",
        ),
    )


def test_a_line_before_any_waiver_is_malformed() -> None:
    [item] = items_from(
        rst("""\
            .. requirement:: Waived
               :id: REQ-001
               :waiver: Not verified because it is obvious
                  link_self: Self link kept on purpose for the demo
            """)
    )
    assert item.malformed_waivers == ("Not verified because it is obvious",)
    assert [w.check_id for w in item.waivers] == ["link_self"]


def test_waivers_are_read_only_from_the_waiver_field() -> None:
    [item] = items_from(
        ".. requirement:: R\n   :id: REQ-001\n   :rationale: link_self: not a waiver\n"
    )
    assert item.waivers == ()
    assert item.malformed_waivers == ()
