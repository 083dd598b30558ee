"""The MyST Markdown reader: directive fences, option blocks, content, nested items.

What a real Sphinx build with ``myst_parser`` records for the same text is compared in
``tests/sphinxext/test_myst_items.py``; here the reader's own rules, and its option
values against myst-parser's own option tokenizer.
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from myst_parser.parsers.options import TokenizeError, options_to_items

from qmsdoc.model import Location, RawItem
from qmsdoc.model.myst_source import MAX_DEPTH, scan_markdown
from qmsdoc.model.rst_source import scan_file, scan_text
from qmstest import REPOSITORY

from .._rst import default_profile

if TYPE_CHECKING:
    from pathlib import Path

DIRECTIVES = default_profile().directives


def _scan(text: str) -> list[RawItem]:
    return scan_markdown(
        textwrap.dedent(text),
        path="doc/items.md",
        docname="doc/items",
        directives=DIRECTIVES,
    )


def _summary(text: str) -> list[tuple[int, str, str | None]]:
    return [(raw.location.line, raw.directive, raw.option("id")) for raw in _scan(text)]


def test_a_backtick_item_as_written() -> None:
    items = _scan("""\
        # Software requirements

        ```{requirement} Display lab results
        :id: REQ-001
        :status: draft
        :satisfies: UN-001

        The results view shows the latest results.
        ```
        """)
    assert items == [
        RawItem(
            directive="requirement",
            title="Display lab results",
            options=(("id", "REQ-001"), ("status", "draft"), ("satisfies", "UN-001")),
            content="The results view shows the latest results.",
            location=Location(path="doc/items.md", line=3, docname="doc/items"),
        )
    ]


def test_colon_and_tilde_fences_and_the_yaml_option_block() -> None:
    items = _scan("""\
        :::{requirement} Colon fence
        ---
        id: REQ-001
        satisfies: UN-001, UN-002
        ---
        Body.
        :::

        ~~~{hazard} Tilde fence
        :id: HAZ-001
        ~~~
        """)
    assert [
        (raw.location.line, raw.title, raw.options, raw.content) for raw in items
    ] == [
        (
            1,
            "Colon fence",
            (("id", "REQ-001"), ("satisfies", "UN-001, UN-002")),
            "Body.",
        ),
        (9, "Tilde fence", (("id", "HAZ-001"),), ""),
    ]


def test_nested_items_at_their_lines_in_both_fence_kinds() -> None:
    text = """\
        ::::{requirement} Outer colon
        :id: REQ-202

        Outer body.

        :::{requirement} Inner colon
        :id: REQ-203
        :satisfies: UN-001

        Inner body.
        :::
        ::::

        ````{requirement} Outer tick
        :id: REQ-204

        ```{requirement} Inner tick
        :id: REQ-205
        ```
        ````
        """
    assert _summary(text) == [
        (1, "requirement", "REQ-202"),
        (6, "requirement", "REQ-203"),
        (14, "requirement", "REQ-204"),
        (17, "requirement", "REQ-205"),
    ]
    outer = _scan(text)[0]
    assert outer.content.startswith("Outer body.\n\n:::{requirement} Inner colon\n")


def test_a_yaml_block_shifts_the_lines_of_nested_items() -> None:
    text = """\
        ````{user_need} Outer
        ---
        id: UN-001
        status: draft
        ---

        ```{requirement} Inner
        :id: REQ-001
        ```
        ````
        """
    assert _summary(text) == [(1, "user_need", "UN-001"), (7, "requirement", "REQ-001")]


def test_items_in_lists_quotes_and_other_directives_are_items() -> None:
    text = """\
        - a list item

          ```{requirement} In a list
          :id: REQ-001
          ```

        > ```{requirement} In a quote
        > :id: REQ-002
        > ```

        ````{note}
        ```{requirement} In a note
        :id: REQ-003
        ```
        ````
        """
    assert _summary(text) == [
        (3, "requirement", "REQ-001"),
        (7, "requirement", "REQ-002"),
        (12, "requirement", "REQ-003"),
    ]


def test_code_is_never_an_item() -> None:
    text = """\
        ```markdown
        ```{requirement} In a code fence
        :id: REQ-997
        ```

        ````{code-block} markdown
        ```{requirement} In a code block
        :id: REQ-998
        ```
        ````

            ```{requirement} In an indented code block
            :id: REQ-999
            ```

        ```{Requirement} Real one
        :id: REQ-001
        ```
        """
    assert _summary(text) == [(16, "requirement", "REQ-001")]


def test_front_matter_is_not_an_option_block_and_lines_count_it() -> None:
    text = """\
        ---
        title: Requirements
        ---

        ```{requirement} After front matter
        :id: REQ-001
        ```
        """
    assert _summary(text) == [(5, "requirement", "REQ-001")]


def test_option_lines_end_at_the_first_line_that_is_no_option() -> None:
    # myst-parser: continuation lines are not option lines, they start the body
    [raw] = _scan("""\
        ```{requirement} Title with  two spaces
        :id: REQ-001
        :satisfies: UN-001,
           UN-002
        :status: draft
        ```
        """)
    assert raw.title == "Title with  two spaces"
    assert raw.options == (("id", "REQ-001"), ("satisfies", "UN-001,"))
    assert raw.content == "   UN-002\n:status: draft"


def test_a_bad_option_block_gives_no_options_as_in_myst() -> None:
    [raw] = _scan("""\
        ```{requirement} Bad block
        :id: REQ-001
        :'unclosed: x
        ```
        """)
    assert raw.options == ()


def test_scan_text_reads_md_paths_as_myst(tmp_path: Path) -> None:
    text = "```{requirement} Markdown\n:id: REQ-001\n```\n"
    [raw] = scan_text(text, path="a.md", docname="a", directives=DIRECTIVES)
    assert raw.option("id") == "REQ-001"
    # the same text as rST holds no directive
    assert scan_text(text, path="a.rst", docname="a", directives=DIRECTIVES) == []
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(text, encoding="utf-8")
    [read] = scan_file(
        tmp_path / "docs" / "page.md", root=tmp_path, directives=DIRECTIVES
    )
    assert read.location == Location(path="docs/page.md", line=1, docname="docs/page")


@pytest.mark.parametrize(
    "block",
    [
        "id: REQ-1 # comment\nstatus: draft#x",
        "satisfies: UN-1,\n  UN-2,\n\n  UN-3\nstatus: x",
        "title: 'it''s'\nother: \"a\\tb \\\"q\\\" \\u00e9\"",
        "text: |\n  line one\n  line two\n\n  para\nnext: v",
        "text: |-\n  a\n  b\n",
        "text: |+\n  a\n\n\nnext: v",
        "text: >\n  a\n  b\n\n  c\n    indented\n  d\nn: 1",
        "text: |\n  last block",
        "empty:\nid: X",
        "empty:\n  value on next\nid: X",
        "id: X\nid: Y\nz: 1",
        "url: http://x.y/z:8",
        "a:b: c",
        "  bad: indent",
        "id: 'unclosed",
        "id:\tREQ-1",
        'bad: "\\q"',
        "text: |#\n  a",
        "title: 'a long title\n  over two lines'\nid: X",
        'title: "folded\n\n  with a blank line and \\\n  an escaped break"',
        "title: 'unclosed\n  over lines",
    ],
)
def test_option_values_are_myst_parsers(block: str) -> None:
    assert _options(block) == _myst_options(block)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["id", "status", ":", " ", "  ", "\n", "X-1", "#", "|", ">", "-", "+",
             "a b", ",", "\\", "\t", "é", "'", '"']
        ),
        max_size=14,
    ).map("".join)
)  # fmt: skip
def test_option_values_agree_with_myst_parser_on_random_blocks(block: str) -> None:
    # the two forms this reader does not follow (see the module docstring)
    lines = block.split("\n")
    multi_line_key = any(
        line[:1] in {"'", '"'} and line.count(line[0]) % 2 for line in lines
    )
    colon_on_next_line = any(line.lstrip(" ").startswith(":") for line in lines[1:])
    # a "---" line would end the test's YAML block early
    dashes = any(line.startswith("---") for line in block.split("\n"))
    if not (multi_line_key or colon_on_next_line or dashes):
        assert _options(block) == _myst_options(block)


def _options(block: str) -> tuple[tuple[str, str], ...]:
    text = "```{requirement} T\n---\n" + block + "\n---\n```\n"
    [raw] = scan_markdown(text, path="a.md", docname="a", directives={"requirement"})
    return raw.options


def _myst_options(block: str) -> tuple[tuple[str, str], ...]:
    try:
        return tuple(dict(options_to_items(textwrap.dedent(block))[0]).items())
    except TokenizeError:
        return ()


def test_the_readme_markdown_example_is_one_item() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Markdown.**", 1)[1]
    example = section.split("````markdown\n", 1)[1].split("\n````", 1)[0]
    [raw] = scan_markdown(
        example, path="units.md", docname="units", directives=DIRECTIVES
    )
    assert (raw.directive, raw.option("id"), raw.option("satisfies")) == (
        "requirement",
        "REQ-090",
        "UN-008",
    )


def test_nesting_deeper_than_the_limit_is_not_searched() -> None:
    # each level parses its content again: a hostile file cannot make that unbounded
    depth = MAX_DEPTH + 8
    opening = [
        f"{':' * (3 + depth - k)}{{requirement}} L{k}\n:id: R-{k}\n"
        for k in range(depth)
    ]
    closing = [":" * (3 + depth - k) for k in reversed(range(depth))]
    text = "".join(opening) + "\n".join(closing) + "\n"
    items = scan_markdown(text, path="a.md", docname="a", directives={"requirement"})
    assert [raw.option("id") for raw in items] == [
        f"R-{k}" for k in range(MAX_DEPTH + 1)
    ]
    assert [raw.location.line for raw in items] == [
        1 + 2 * k for k in range(MAX_DEPTH + 1)
    ]


def test_rst_in_an_eval_rst_fence_is_read_by_the_rst_reader() -> None:
    text = textwrap.dedent("""\
        # Page

        ```{eval-rst}
        Some rST.

        .. requirement:: In rST
           :id: REQ-001
        ```

        :::{eval-rst}
        .. requirement:: A colon fence of it is an unknown directive
           :id: REQ-002
        :::
        """)
    [raw] = scan_text(text, path="a.md", docname="a", directives=DIRECTIVES)
    assert (raw.option("id"), raw.location.line) == ("REQ-001", 6)
    # without an rST reader, the block is skipped
    assert scan_markdown(text, path="a.md", docname="a", directives=DIRECTIVES) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["```", "````", ":::", "::::", "~~~", "{requirement}", "{note}",
             "{eval-rst}", "{code-block}", " T", "\n", ":id: X", "---", "\n  ",
             "> ", "- ", "'", '"', "|", "\t", ".. requirement:: R\n   :id: Y\n",
             "\\", "#", "é", "\x00", "\r"]
        ),
        max_size=30,
    ).map("".join)
)  # fmt: skip
def test_any_markdown_gives_items_at_lines_of_the_text(text: str) -> None:
    items = scan_text(text, path="a.md", docname="a", directives={"requirement"})
    # markdown-it breaks lines at \r too; the rST reader (eval-rst) as splitlines
    lines = max(len(re.split(r"\r\n?|\n", text)), len(text.splitlines()) + 1)
    assert all(1 <= raw.location.line <= lines for raw in items)
