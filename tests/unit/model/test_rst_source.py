"""The plain rST reader: item directives as written, skipping literal text and comments."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import ProjectError
from qmsdoc.model import Location, RawItem
from qmsdoc.model.rst_source import scan_file, scan_text

from .._rst import default_profile, rst

if TYPE_CHECKING:
    from pathlib import Path

DIRECTIVES = default_profile().directives


def _scan(text: str) -> list[RawItem]:
    return scan_text(
        text, path="doc/items.rst", docname="doc/items", directives=DIRECTIVES
    )


def _summary(text: str) -> list[tuple[int, str, str | None]]:
    """(line, directive, id) of every item found."""
    return [(raw.location.line, raw.directive, raw.option("id")) for raw in _scan(text)]


def test_one_item_as_written() -> None:
    text = rst("""\
        Software requirements
        =====================

        .. requirement:: Display lab results
           :id: REQ-001
           :status: draft
           :satisfies: UN-001

           The results view shows the latest results.
        """)
    assert _scan(text) == [
        RawItem(
            directive="requirement",
            title="Display lab results",
            options=(("id", "REQ-001"), ("status", "draft"), ("satisfies", "UN-001")),
            content="The results view shows the latest results.",
            location=Location(path="doc/items.rst", line=4, docname="doc/items"),
        )
    ]


def test_line_numbers_are_one_based_and_exact() -> None:
    text = rst("""\
        .. user_need:: First
           :id: UN-001

        Some paragraph
        over two lines.

        .. requirement:: Second
           :id: REQ-001


        .. hazard:: Third
           :id: HAZ-001
        """)
    assert _summary(text) == [
        (1, "user_need", "UN-001"),
        (7, "requirement", "REQ-001"),
        (11, "hazard", "HAZ-001"),
    ]


def test_unknown_directives_are_not_items_and_names_ignore_case() -> None:
    text = rst("""\
        .. note:: Not an item

        .. Requirement:: Upper case
           :id: REQ-001

        .. image:: picture.png
           :alt: not an item
        """)
    assert _summary(text) == [(3, "requirement", "REQ-001")]


def test_items_in_a_literal_block_are_examples() -> None:
    text = rst("""\
        Write a requirement like this::

           .. requirement:: Example only
              :id: REQ-999

        .. requirement:: Real one
           :id: REQ-001
        """)
    assert _summary(text) == [(6, "requirement", "REQ-001")]


def test_items_in_an_expanded_literal_block_are_examples() -> None:
    text = rst("""\
        An example:

        ::

            .. requirement:: Example only
               :id: REQ-999

        .. requirement:: Real one
           :id: REQ-001
        """)
    assert _summary(text) == [(8, "requirement", "REQ-001")]


def test_a_literal_block_inside_a_note_ends_with_its_indentation() -> None:
    text = rst("""\
        .. note::

           For example::

              .. requirement:: Example only
                 :id: REQ-999

           .. requirement:: Nested real one
              :id: REQ-001
        """)
    assert _summary(text) == [(8, "requirement", "REQ-001")]


@pytest.mark.parametrize(
    "directive",
    ["code-block:: rst", "code:: rst", "sourcecode:: rst", "parsed-literal::"],
)
def test_items_in_a_code_block_are_examples(directive: str) -> None:
    text = rst(f"""\
        .. {directive}
           :class: example

           .. requirement:: Example only
              :id: REQ-999

        .. requirement:: Real one
           :id: REQ-001
        """)
    assert _summary(text) == [(7, "requirement", "REQ-001")]


def test_items_in_comments_are_not_items() -> None:
    text = rst("""\
        .. This comment hides an item:
           .. requirement:: Commented out
              :id: REQ-999

        .. .. requirement:: Also commented out
              :id: REQ-998

        .. requirement:: Real one
           :id: REQ-001
        """)
    assert _summary(text) == [(8, "requirement", "REQ-001")]


def test_targets_and_substitutions_do_not_hide_the_next_item() -> None:
    text = rst("""\
        .. _req-label:
        .. |product| replace:: Serenya
        .. requirement:: Labelled
           :id: REQ-001
        """)
    assert _summary(text) == [(3, "requirement", "REQ-001")]


def test_multi_line_option_values() -> None:
    text = rst("""\
        .. requirement:: Multi-line options
           :id: REQ-001
           :satisfies: UN-001,
              UN-002,
              UN-003
           :waiver:
              coverage_requirement_verified: Verified by inspection of the
              release record.
           :status: draft

           Content.
        """)
    [raw] = _scan(text)
    assert raw.options == (
        ("id", "REQ-001"),
        ("satisfies", "UN-001,\nUN-002,\nUN-003"),
        (
            "waiver",
            "coverage_requirement_verified: Verified by inspection of the\n"
            "release record.",
        ),
        ("status", "draft"),
    )
    assert raw.content == "Content."


def test_an_option_without_a_value_is_empty() -> None:
    [raw] = _scan(".. requirement:: T\n   :id: REQ-001\n   :tags:\n")
    assert raw.options == (("id", "REQ-001"), ("tags", ""))
    assert raw.option("tags") == ""
    assert raw.option("status") is None


def test_the_directive_argument_may_continue_on_the_next_lines() -> None:
    text = rst("""\
        .. requirement:: Display the latest lab results
           within two seconds of opening
           :id: REQ-001
        """)
    [raw] = _scan(text)
    assert raw.title == "Display the latest lab results within two seconds of opening"
    assert raw.options == (("id", "REQ-001"),)
    assert raw.location.line == 1


def test_an_item_without_title_or_options() -> None:
    [raw] = _scan(".. requirement::\n\n   Only content.\n")
    assert (raw.title, raw.options, raw.content) == ("", (), "Only content.")


def test_items_nested_in_a_note() -> None:
    text = rst("""\
        .. note:: Items may sit in admonitions

           .. requirement:: Nested
              :id: REQ-001
              :status: draft

              Nested content.

        .. requirement:: After the note
           :id: REQ-002
        """)
    raws = _scan(text)
    assert [(r.location.line, r.option("id"), r.content) for r in raws] == [
        (3, "REQ-001", "Nested content."),
        (9, "REQ-002", ""),
    ]


def test_content_is_dedented_and_keeps_inner_structure() -> None:
    text = rst("""\
        .. requirement:: Content
           :id: REQ-001

           First paragraph
           continues here.

           * a bullet
             continued

           Last paragraph.


        Text after the item.
        """)
    [raw] = _scan(text)
    assert raw.content == (
        "First paragraph\ncontinues here.\n\n* a bullet\n  continued\n\nLast paragraph."
    )


def test_tabs_are_expanded_to_eight_columns() -> None:
    text = ".. requirement:: Tabbed\n\t:id: REQ-001\n\t:status: draft\n\n\tContent\n\t\tdeeper\n"
    [raw] = _scan(text)
    assert raw.options == (("id", "REQ-001"), ("status", "draft"))
    assert raw.content == "Content\n        deeper"
    assert raw.location.line == 1


def test_windows_line_endings() -> None:
    text = ".. requirement:: CRLF\r\n   :id: REQ-001\r\n\r\n   Body.\r\n"
    [raw] = _scan(text)
    assert (raw.title, raw.option("id"), raw.content) == ("CRLF", "REQ-001", "Body.")


def test_the_item_block_ends_at_the_first_line_not_indented_deeper() -> None:
    text = rst("""\
        .. note::

           .. requirement:: One
              :id: REQ-001

              Content of one.

           Note text, not content.

        .. requirement:: Two
           :id: REQ-002
        Paragraph after two.
        """)
    raws = _scan(text)
    assert [(r.location.line, r.option("id"), r.content) for r in raws] == [
        (3, "REQ-001", "Content of one."),
        (10, "REQ-002", ""),
    ]


def test_an_empty_comment_does_not_swallow_the_next_block_quote() -> None:
    text = rst("""\
        ..

           .. requirement:: In a block quote
              :id: REQ-001
        """)
    assert _summary(text) == [(3, "requirement", "REQ-001")]


def test_scan_file_reads_relative_path_and_docname(tmp_path: Path) -> None:
    source = tmp_path / "requirements" / "software.rst"
    source.parent.mkdir()
    source.write_bytes(b"\xef\xbb\xbf.. requirement:: With BOM\n   :id: REQ-001\n")
    [raw] = scan_file(source, root=tmp_path, directives=DIRECTIVES)
    assert raw.location == Location(
        path="requirements/software.rst", line=1, docname="requirements/software"
    )
    assert raw.title == "With BOM"


def test_scan_file_rejects_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    source = tmp_path / "latin1.rst"
    source.write_bytes("Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ProjectError) as caught:
        scan_file(source, root=tmp_path, directives=DIRECTIVES)
    assert str(caught.value).startswith(f"{source}: not UTF-8 text (byte 4: ")


def test_scan_file_rejects_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as caught:
        scan_file(tmp_path / "absent.rst", root=tmp_path, directives=DIRECTIVES)
    assert "absent.rst: cannot be read" in str(caught.value)


def test_scan_file_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    source = tmp_path / "items.rst"
    os.mkfifo(source)
    with pytest.raises(ProjectError) as caught:
        scan_file(source, root=tmp_path, directives=DIRECTIVES)
    assert str(caught.value) == f"{source}: not a regular file (a FIFO); refused"


def test_scan_file_refuses_a_symlink_out_of_the_project(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    outside = tmp_path / "outside.rst"
    outside.write_text("Title\n=====\n", encoding="utf-8")
    source = root / "items.rst"
    source.symlink_to(outside)
    with pytest.raises(ProjectError, match="outside the project"):
        scan_file(source, root=root, directives=DIRECTIVES)
