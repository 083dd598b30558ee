"""Needs nested in another need's content are items too, at their exact lines.

sphinx-needs runs every need directive, the inner ones included (the outer need's
content is parsed like any other rST), so the plain reader records them as well; the
Sphinx side of the same text is compared in ``tests/sphinxext/test_myst_items.py``.
"""

from __future__ import annotations

from qmsdoc.model import Location, RawItem
from qmsdoc.model.rst_source import scan_text

from .._rst import default_profile, rst

DIRECTIVES = default_profile().directives


def _scan(text: str) -> list[RawItem]:
    return scan_text(
        text, path="doc/nested.rst", docname="doc/nested", directives=DIRECTIVES
    )


def _summary(text: str) -> list[tuple[int, str, str | None]]:
    return [(raw.location.line, raw.directive, raw.option("id")) for raw in _scan(text)]


def test_a_need_inside_a_need_is_an_item_with_its_own_options() -> None:
    text = rst("""\
        Nested
        ======

        .. requirement:: Outer
           :id: REQ-100
           :status: draft

           Outer text.

           .. requirement:: Inner
              :id: REQ-101
              :satisfies: UN-001

              Inner text.

           After inner.
        """)
    outer, inner = _scan(text)
    assert outer.option("id") == "REQ-100"
    # the outer content is the text as written, the inner directive included
    assert outer.content == (
        "Outer text.\n\n.. requirement:: Inner\n   :id: REQ-101\n"
        "   :satisfies: UN-001\n\n   Inner text.\n\nAfter inner."
    )
    assert inner == RawItem(
        directive="requirement",
        title="Inner",
        options=(("id", "REQ-101"), ("satisfies", "UN-001")),
        content="Inner text.",
        location=Location(path="doc/nested.rst", line=10, docname="doc/nested"),
    )


def test_nesting_goes_any_depth_and_the_next_item_follows() -> None:
    text = rst("""\
        .. user_need:: Level one
           :id: UN-001

           .. requirement:: Level two
              :id: REQ-001

              .. design_output:: Level three
                 :id: DO-001
                 :implements: REQ-001

        .. hazard:: After the nest
           :id: HAZ-001
        """)
    assert _summary(text) == [
        (1, "user_need", "UN-001"),
        (4, "requirement", "REQ-001"),
        (7, "design_output", "DO-001"),
        (11, "hazard", "HAZ-001"),
    ]


def test_an_example_in_a_literal_block_inside_a_need_is_not_an_item() -> None:
    text = rst("""\
        .. requirement:: Outer
           :id: REQ-100

           Write it like this::

              .. requirement:: Example
                 :id: REQ-999

           .. code-block:: rst

              .. requirement:: Example too
                 :id: REQ-998

           .. requirement:: Real inner
              :id: REQ-101
        """)
    assert _summary(text) == [
        (1, "requirement", "REQ-100"),
        (14, "requirement", "REQ-101"),
    ]


def test_option_lines_of_the_outer_need_are_not_read_again() -> None:
    # the inner scan starts after the option block: a title continuation or an
    # option value that looks like a directive is not an item
    text = rst("""\
        .. requirement:: Outer
           :id: REQ-100
           :sequence: see
              .. requirement:: Not a directive here

           Text.
        """)
    [raw] = _scan(text)
    assert raw.option("sequence") == "see\n.. requirement:: Not a directive here"
