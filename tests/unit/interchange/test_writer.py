"""Imported items written as rST or MyST read back, through qmsdoc's own source
readers, with the same ids, fields, links, titles and content."""

from __future__ import annotations

import pytest

from qmsdoc.interchange.records import ImportedItem
from qmsdoc.interchange.writer import is_generated, render
from qmsdoc.model.rst_source import scan_text

_HARD_VALUE = (
    "first line with *stars*, `ticks` and a trailing ::\n"
    ":id: not-an-option\n"
    "  .. not-a-directive:: x\n"
    "quotes \" and ' and # hash: colon"
)
_ITEMS = (
    ImportedItem(
        item_type="user_need",
        directive="user_need",
        id="UN-1",
        title="A need with | bars and _underscores_",
        fields=(("status", "approved"), ("rationale", _HARD_VALUE)),
        links=(),
        content="Plain *text* with `ticks`, a_b_ and [brackets].\n\n.. not a comment\n\n=====\n\nEnds with::",
        section=("Chapter 1", "Section 1.1"),
    ),
    ImportedItem(
        item_type="requirement",
        directive="requirement",
        id="REQ-1",
        title="",
        fields=(("status", "draft"), ("kind", "functional")),
        links=(("satisfies", ("UN-1", "UN-2")), ("refines", ("REQ-0",))),
        content="",
        section=("Chapter 2",),
    ),
)


@pytest.mark.parametrize("fmt", ["rst", "md"])
def test_written_items_read_back_the_same(fmt: str) -> None:
    text = render(
        _ITEMS,
        title="Imported",
        command="reqif",
        source="spec.reqif",
        fmt=fmt,  # type: ignore[arg-type]
    )
    assert is_generated(text)
    raw = scan_text(
        text,
        path=f"items/imported.{fmt}",
        docname="items/imported",
        directives={"user_need", "requirement"},
    )
    assert [(r.directive, r.title) for r in raw] == [
        ("user_need", "A need with | bars and _underscores_"),
        ("requirement", ""),
    ]
    assert raw[0].options == (
        ("id", "UN-1"),
        ("status", "approved"),
        ("rationale", "\n".join(line.strip() for line in _HARD_VALUE.split("\n"))),
    )
    assert raw[1].options == (
        ("id", "REQ-1"),
        ("status", "draft"),
        ("kind", "functional"),
        ("satisfies", "UN-1, UN-2"),
        ("refines", "REQ-0"),
    )
    assert "Plain" in raw[0].content
    assert raw[1].content == ""


def test_plain_text_is_escaped_and_sections_follow_the_hierarchy() -> None:
    text = render(_ITEMS, title="Imported", command="reqif", source="s", fmt="rst")
    lines = text.splitlines()
    assert lines[4:6] == ["Imported", "========"]
    assert "Chapter 1\n---------\n\nSection 1.1\n~~~~~~~~~~~" in text
    assert "   Plain \\*text\\* with \\`ticks\\`, a\\_b\\_ and \\[brackets\\]." in lines
    assert "   \\.. not a comment" in lines
    assert "   \\=====" in lines
    assert "   Ends with:\\:" in lines


def test_rst_content_of_a_qmsdoc_export_is_written_as_it_is() -> None:
    item = ImportedItem(
        item_type="user_need", directive="user_need", id="UN-1", title="T",
        fields=(), links=(), content="See :need:`UN-2` and *this*.", markup="rst",
    )  # fmt: skip
    text = render([item], title="T", command="reqif", source="s", fmt="rst")
    assert "   See :need:`UN-2` and *this*." in text.splitlines()


def test_the_same_items_render_to_the_same_text() -> None:
    first = render(_ITEMS, title="I", command="xlsx", source="a.xlsx", fmt="md")
    assert first == render(_ITEMS, title="I", command="xlsx", source="a.xlsx", fmt="md")
    assert not is_generated("Requirements\n============\n")
