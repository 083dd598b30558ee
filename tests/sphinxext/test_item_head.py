"""The item head qmsdoc renders from the graph: fields, links both ways, escaping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmstest import sphinx_build

if TYPE_CHECKING:
    from pathlib import Path


def test_head_shows_fields_links_both_ways_and_escapes_text(valid_root: Path) -> None:
    items = valid_root / "items.rst"
    text = items.read_text(encoding="utf-8").replace(
        "Flag results outside the reference range",
        "Flag <script>alert(1)</script> & results",
    )
    items.write_text(text, encoding="utf-8")
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 0, run.stderr
    page = (valid_root / "_build" / "html" / "items.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "Flag &lt;script&gt;alert(1)&lt;/script&gt; &amp; results" in page
    head = page[page.index('<div class="qms-item"') :]
    head = head[: head.index('<div class="qms-item"', 10)]  # the first item: UN-001
    assert "User need:" in head and "UN-001" in head
    # incoming links come from the graph: the requirement satisfies the need,
    # the validation validates it
    assert '<b>satisfied by</b>: <a class="qms-item-link" href="#REQ-001"' in head
    assert "<b>validated by</b>" in head and "VAL-001" in head
    assert "<b>status</b>: approved" in head


def test_the_sphinx_needs_layout_can_be_kept(valid_root: Path) -> None:
    run = sphinx_build(valid_root, "-E", "-D", "qms_item_head=sphinx-needs")
    assert run.returncode == 0, run.stderr
    page = (valid_root / "_build" / "html" / "items.html").read_text(encoding="utf-8")
    assert 'class="qms-item"' not in page
    assert "REQ-001" in page and "Flag results outside the reference range" in page
