"""Differences between two revisions: added, removed and changed items, fields, links, text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.history.diff import FieldChange, ItemDiff, RevisionDiff, diff_revisions
from qmsdoc.model.rst_source import scan_text

from .._rst import PATH, default_profile, rst

if TYPE_CHECKING:
    from qmsdoc.model import RawItem

BASE = rst("""\
    .. user_need:: See abnormal results
       :id: UN-001
       :status: approved

       The patient wants to know which results are abnormal.

    .. user_need:: Share results with a doctor
       :id: UN-002
       :status: approved

    .. requirement:: Flag results outside the range
       :id: REQ-001
       :status: approved
       :kind: functional
       :level: software
       :satisfies: UN-001

       The software shall flag a result
       below the lower or above the upper limit.
    """)

NEW_REQUIREMENT = rst("""\

    .. requirement:: Export results as PDF
       :id: REQ-002
       :status: draft
       :kind: functional
       :level: software
       :satisfies: UN-002

       The software shall export the results as PDF.
    """)


def _raw(text: str, path: str = PATH) -> list[RawItem]:
    return scan_text(
        text,
        path=path,
        docname=path.removesuffix(".rst"),
        directives=default_profile().directives,
    )


def _diff(old: str, new: str, *, new_path: str = PATH) -> RevisionDiff:
    return diff_revisions(
        _raw(old),
        _raw(new, new_path),
        old="v1",
        new="v2",
        link_names={link.name for link in default_profile().links},
    )


def test_identical_revisions_have_no_differences() -> None:
    difference = _diff(BASE, BASE)
    assert difference == RevisionDiff(old="v1", new="v2", items=())
    assert difference.document()["summary"] == {"added": 0, "removed": 0, "changed": 0}


def test_moving_an_item_without_changing_it_is_no_difference() -> None:
    reordered = "Items\n=====\n\n" + BASE
    assert _diff(BASE, reordered, new_path="other.rst").items == ()


def test_an_added_item_with_its_fields_and_links() -> None:
    difference = _diff(BASE, BASE + NEW_REQUIREMENT)
    assert difference.items == (
        ItemDiff(
            item_id="REQ-002",
            kind="added",
            title="Export results as PDF",
            path=PATH,
            fields=(
                FieldChange(name="kind", old=None, new="functional"),
                FieldChange(name="level", old=None, new="software"),
                FieldChange(name="status", old=None, new="draft"),
                FieldChange(name="title", old=None, new="Export results as PDF"),
                FieldChange(name="type", old=None, new="requirement"),
            ),
            text_diff=(),
            links_added=("satisfies UN-002",),
            links_removed=(),
        ),
    )
    assert difference.of_kind("added") == list(difference.items)
    assert difference.of_kind("changed") == []


def test_a_removed_item() -> None:
    difference = _diff(BASE + NEW_REQUIREMENT, BASE)
    (removed,) = difference.items
    assert (removed.item_id, removed.kind, removed.title, removed.path) == (
        "REQ-002",
        "removed",
        "Export results as PDF",
        PATH,
    )
    assert [(c.name, c.old, c.new) for c in removed.fields] == [
        ("kind", "functional", None),
        ("level", "software", None),
        ("status", "draft", None),
        ("title", "Export results as PDF", None),
        ("type", "requirement", None),
    ]
    assert removed.links_removed == ("satisfies UN-002",)
    assert removed.links_added == ()
    assert removed.text_diff == ()


def test_a_status_change_is_one_field_change_without_text() -> None:
    new = BASE.replace(
        ":id: REQ-001\n   :status: approved", ":id: REQ-001\n   :status: in_review"
    )
    (changed,) = _diff(BASE, new).items
    assert changed.item_id == "REQ-001"
    assert changed.kind == "changed"
    assert changed.fields == (
        FieldChange(name="status", old="approved", new="in_review"),
    )
    assert changed.text_diff == ()
    assert (changed.links_added, changed.links_removed) == ((), ())


def test_a_new_title_is_a_field_change() -> None:
    new = BASE.replace("Share results with a doctor", "Share results with a GP")
    (changed,) = _diff(BASE, new).items
    assert changed.item_id == "UN-002"
    assert changed.title == "Share results with a GP"
    assert changed.fields == (
        FieldChange(
            name="title",
            old="Share results with a doctor",
            new="Share results with a GP",
        ),
    )


def test_text_changes_are_a_unified_diff() -> None:
    new = BASE.replace("flag a result\n", "flag and highlight a result\n")
    (changed,) = _diff(BASE, new).items
    assert changed.item_id == "REQ-001"
    assert changed.fields == ()
    assert changed.text_diff == (
        "--- old",
        "+++ new",
        "@@ -1,2 +1,2 @@",
        "-The software shall flag a result",
        "+The software shall flag and highlight a result",
        " below the lower or above the upper limit.",
    )


def test_links_added_and_removed() -> None:
    new = BASE.replace(":satisfies: UN-001\n", ":satisfies: UN-002, UN-003\n")
    (changed,) = _diff(BASE, new).items
    assert changed.item_id == "REQ-001"
    assert changed.fields == ()
    assert changed.text_diff == ()
    assert changed.links_added == ("satisfies UN-002", "satisfies UN-003")
    assert changed.links_removed == ("satisfies UN-001",)


def test_items_are_in_natural_id_order() -> None:
    def requirement(item_id: str) -> str:
        return rst(f"""\

            .. requirement:: Requirement {item_id}
               :id: {item_id}
               :status: draft
            """)

    new = BASE + "".join(
        requirement(item_id) for item_id in ("REQ-1000", "REQ-999", "REQ-010")
    )
    new += rst("""\

        .. design_output:: Engine
           :id: DO-001
           :status: draft
        """)
    difference = _diff(BASE, new)
    assert [item.item_id for item in difference.items] == [
        "DO-001",
        "REQ-010",
        "REQ-999",
        "REQ-1000",
    ]


def test_items_without_an_id_are_left_out() -> None:
    anonymous = "\n.. requirement:: No id yet\n   :status: draft\n"
    assert _diff(BASE, BASE + anonymous).items == ()


def test_the_json_document() -> None:
    new = BASE.replace("flag a result\n", "flag and highlight a result\n")
    new = new.replace(
        ":id: UN-002\n   :status: approved", ":id: UN-002\n   :status: obsolete"
    )
    document = _diff(new + NEW_REQUIREMENT, BASE).document()
    assert document["old"] == "v1"
    assert document["new"] == "v2"
    assert document["summary"] == {"added": 0, "removed": 1, "changed": 2}
    assert [(entry["item"], entry["change"]) for entry in document["items"]] == [
        ("REQ-001", "changed"),
        ("REQ-002", "removed"),
        ("UN-002", "changed"),
    ]
    un_002 = document["items"][2]
    assert un_002 == {
        "item": "UN-002",
        "change": "changed",
        "title": "Share results with a doctor",
        "file": PATH,
        "fields": [{"field": "status", "old": "obsolete", "new": "approved"}],
        "text_diff": [],
        "links_added": [],
        "links_removed": [],
    }
    assert document["items"][0]["text_diff"][2:] == [
        "@@ -1,2 +1,2 @@",
        "-The software shall flag and highlight a result",
        "+The software shall flag a result",
        " below the lower or above the upper limit.",
    ]


def test_a_change_of_item_type_is_a_change() -> None:
    new = BASE.replace(".. user_need:: Share results", ".. requirement:: Share results")
    difference = _diff(BASE, new)
    assert [(item.item_id, item.kind) for item in difference.items] == [
        ("UN-002", "changed")
    ]
