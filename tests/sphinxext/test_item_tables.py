"""Item tables written as HTML rows by qmsdoc are the tables sphinx-needs writes.

Each test project is built twice, once with qmsdoc's rows (the default) and once with
``qms_item_tables = "sphinx-needs"``, and every HTML page must be byte for byte the
same. A probe in ``conf.py`` (an event handler between qmsdoc's and sphinx-needs') counts
the tables qmsdoc left to sphinx-needs, so each test also knows which path drew them.
"""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

import pytest

from qmstest import SPEEDUPS_OFF, add_pages, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(
    SPEEDUPS_OFF, reason="the speed-ups are off with the installed versions"
)

#: added to the test project's conf.py: which needtables reach sphinx-needs
PROBE = """

import json as _json
from pathlib import Path as _Path

from sphinx_needs.directives.needtable import Needtable as _Needtable


def _count_tables(app, doctree, docname):
    if app.config.qms_item_tables != "qmsdoc":
        return
    left = [node["target_id"] for node in doctree.findall(_Needtable)]
    record = _Path(app.outdir).parent / "left-to-sphinx-needs.json"
    data = _json.loads(record.read_text()) if record.exists() else {}
    data[docname] = left
    record.write_text(_json.dumps(data, sort_keys=True))


def setup(app):
    app.connect("doctree-resolved", _count_tables, priority=450)
"""

#: items whose text has to be escaped, with dead links, empty fields, many links
ITEMS = """
.. requirement:: Escape <b>bold</b> & "quotes" @ sign
   :id: REQ-101
   :status: draft
   :kind: functional
   :level: software
   :satisfies: UN-001, UN-404

   Text.

.. requirement:: Second requirement, same status
   :id: REQ-102
   :status: draft
   :kind: performance
   :level: software
   :satisfies: UN-001

   Text.

.. requirement:: Third requirement with no links
   :id: REQ-103
   :status: approved
   :kind: functional
   :level: system

   Text.
"""

TABLES = """
Tables
======

.. needtable::
   :columns: id;title;type;status;satisfies;satisfies_back;implements_back;verifies_back
   :sort: id

.. needtable:: A caption & more
   :types: requirement
   :columns: id;title;kind;level;satisfied by;implemented by
   :style: table
   :colwidths: 10;40;10;10;15;15
   :class: extra-class

.. needtable::
   :status: draft
   :columns: id, title, status
   :sort: title
   :show_filters:

.. needtable::
   :filter: type == "requirement" and kind == "functional"
   :columns: ID;TITLE;KIND
   :sort: kind
   :style: datatables
   :page_size: 25

.. needtable::
   :types: requirement
   :columns: id;title
   :max_items: 2

.. needtable::
   :filter: status == "no such status"
   :columns: id;title

.. needtable::
   :types: requirement
   :columns: id;title;satisfies;satisfies_back
   :sort: no_such_field
   :style: table

.. needtable::
   :types: user_need
   :columns: id;title;satisfies_back
   :show_parts:
   :style: table

.. needtable::
   :types: requirement
   :columns: id;title
   :style_row: highlight
   :style: table
"""

#: the tables of TABLES, in order, that qmsdoc leaves to sphinx-needs (a sort key
#: that is not a field, which sphinx-needs warns about; ``:show_parts:``;
#: ``:style_row:``)
LEFT_TO_SPHINX_NEEDS = [
    "needtable-tables-6",
    "needtable-tables-7",
    "needtable-tables-8",
]


@pytest.fixture
def tables_root(valid_root: Path) -> Path:
    with (valid_root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(PROBE)
    with (valid_root / "items.rst").open("a", encoding="utf-8") as items:
        items.write(ITEMS)
    return add_pages(valid_root, {"tables": TABLES})


def _build_both_ways(root: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The pages of both builds; their warnings must be the same, each once."""
    outputs = []
    warnings = []
    for mode in ("qmsdoc", "sphinx-needs"):
        shutil.rmtree(root / "_build", ignore_errors=True)
        run = sphinx_build(root, "-E", "-D", f"qms_item_tables={mode}")
        assert run.returncode == 0, run.stderr
        warnings.append(run.warnings)
        html = root / "_build" / "html"
        outputs.append(
            {
                str(page.relative_to(html)): page.read_bytes()
                for page in sorted(html.rglob("*.html"))
                if "_sources" not in page.parts
            }
        )
        if mode == "qmsdoc":
            record = root / "_build" / "left-to-sphinx-needs.json"
            left = json.loads(record.read_text(encoding="utf-8"))
            (root / "left.json").write_text(json.dumps(left), encoding="utf-8")
    assert warnings[0] == warnings[1]
    assert any("no_such_field" in warning for warning in warnings[0])
    return outputs[0], outputs[1]


def test_rows_written_by_qmsdoc_equal_sphinx_needs_rows(tables_root: Path) -> None:
    qmsdoc_pages, sphinx_needs_pages = _build_both_ways(tables_root)
    assert sorted(qmsdoc_pages) == sorted(sphinx_needs_pages)
    assert "tables.html" in qmsdoc_pages
    for page, content in qmsdoc_pages.items():
        assert content == sphinx_needs_pages[page], page
    left = json.loads((tables_root / "left.json").read_text(encoding="utf-8"))
    # qmsdoc wrote every plain table; only those it does not reproduce reached
    # sphinx-needs
    assert left["tables"] == LEFT_TO_SPHINX_NEEDS
    page = qmsdoc_pages["tables.html"].decode("utf-8")
    assert "Escape &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot; &#64; sign" in page
    assert "<b>bold</b>" not in page
    # a dead link is text, a live one a link to the item's page
    assert '<a class="reference internal" href="items.html#UN-001">UN-001</a>' in page
    assert "UN-404" in page and 'href="items.html#UN-404"' not in page


def test_a_table_without_matches_and_a_capped_table(tables_root: Path) -> None:
    qmsdoc_pages, _ = _build_both_ways(tables_root)
    page = qmsdoc_pages["tables.html"].decode("utf-8")
    assert "No needs passed the filters" in page
    # max_items 2 of the requirements: two rows and the notice
    capped = page[page.index('id="needtable-tables-4') :]
    capped = capped[: capped.index("</table>")]
    assert capped.count('<tr class="need ') == 2


def test_incremental_build_rewrites_rows_from_the_changed_item(
    tables_root: Path,
) -> None:
    run = sphinx_build(tables_root, "-E")
    assert run.returncode == 0, run.stderr
    items = tables_root / "items.rst"
    items.write_text(
        items.read_text(encoding="utf-8").replace(
            "Third requirement with no links", "Third requirement renamed"
        ),
        encoding="utf-8",
    )
    run = sphinx_build(tables_root)
    assert run.returncode == 0, run.stderr
    page = (tables_root / "_build" / "html" / "tables.html").read_text(encoding="utf-8")
    assert "Third requirement renamed" in page
    assert "Third requirement with no links" not in page
