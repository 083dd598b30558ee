"""Searching the built HTML for an item's full id gives the item's own page first."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from qmstest import add_pages, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

#: a page that names the requirement more often than its own page does, in its
#: title too: by word counts alone it would come first
CITING = """\
REQ-001 review notes
====================

REQ-001 was discussed. REQ-001 flags results. The REQ-001 wording was kept, and
REQ-001 stays linked to its need. See :need:`REQ-001`.
"""


def _search_index(html: Path) -> dict[str, object]:
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    loaded: dict[str, object] = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return loaded


def test_each_item_id_is_a_main_index_entry_at_its_anchor(valid_root: Path) -> None:
    add_pages(valid_root, {"notes": CITING})
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 0, run.stderr
    html = valid_root / "_build" / "html"
    index = _search_index(html)
    docnames = index["docnames"]
    assert isinstance(docnames, list)
    entries = index["indexentries"]
    assert isinstance(entries, dict)
    assert entries["req-001"] == [[docnames.index("items"), "REQ-001", True]]
    assert "UN-001" in (html / "genindex.html").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no Chromium")
def test_the_search_page_lists_the_defining_page_first(valid_root: Path) -> None:
    """Sphinx's own search code, run in headless Chromium on the built pages."""
    add_pages(valid_root, {"notes": CITING})
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 0, run.stderr
    page = valid_root / "_build" / "html" / "search.html"
    dom = subprocess.run(
        [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--allow-file-access-from-files", "--virtual-time-budget=10000",
            "--dump-dom", f"{page.as_uri()}?q=REQ-001",
        ],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    results = re.findall(r'<li class="kind-(\w+)"><a href="([^"]+)"', dom)
    assert len(results) >= 2, dom[-2000:]  # the notes page is found too
    assert results[0] == ("index", "items.html#REQ-001")
    assert any(href.startswith("notes.html") for _, href in results[1:])
