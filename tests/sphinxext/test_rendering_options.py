"""Options qmsdoc does not own pass through: a sphinx-needs project that uses
``:template:`` (and ``:style:``, ``:collapse:``) keeps its needs when qmsdoc is added.

The same page is built twice in real Sphinx builds: with stock sphinx-needs and
types declared in ``conf.py`` as such a project has them, then with qmsdoc, whose
profile declares the same types. The needs in ``needs.json`` agree on everything
but qmsdoc's own additions, and the template is drawn in both.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from qmstest import sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

PAGE = """\
Needs
=====

.. user_need:: See which results are abnormal
   :id: UN-001
   :status: approved
   :style: green_bar
   :collapse: true

.. requirement:: Flag results outside the reference range
   :id: REQ-001
   :status: approved
   :kind: functional
   :level: software
   :satisfies: UN-001
   :template: flagging
   :pre_template: banner

   The software shall flag a result below or above its reference range.
"""
STOCK_CONF = """\
project = "stock"
extensions = ["sphinx_needs"]
exclude_patterns = ["_build"]
needs_build_json = True
needs_template_folder = "needs_templates"
needs_id_regex = ".*"
needs_types = [
    {"directive": "user_need", "title": "User need", "prefix": "UN-"},
    {"directive": "requirement", "title": "Requirement", "prefix": "REQ-"},
]
needs_fields = {"kind": {}, "level": {}}
needs_links = {"satisfies": {"incoming": "satisfied by"}}
"""
QMSDOC_CONF = """\
project = "stock"
extensions = ["qmsdoc"]
exclude_patterns = ["_build"]
needs_build_json = True
needs_template_folder = "needs_templates"
"""
QMS_TOML = """\
extends = "medical-device"

[project]
name = "Stock"
sources = ["."]
exclude = ["_build", "needs_templates"]
"""
#: what each need says in both builds (qmsdoc adds fields of its profile)
COMPARED = (
    "id", "type", "title", "status", "content", "template", "pre_template",
    "post_template", "style", "collapse", "kind", "level", "satisfies",
)  # fmt: skip


def _build(root: Path, conf: str) -> tuple[dict[str, dict[str, object]], str]:
    (root / "conf.py").write_text(conf, encoding="utf-8")
    run = sphinx_build(root, "-E")
    assert run.returncode == 0, run.stderr[-2000:]
    assert not [w for w in run.warnings if "Unknown option" in w], run.warnings
    document = json.loads((root / "_build" / "html" / "needs.json").read_text("utf-8"))
    version = document["versions"][document["current_version"]]
    page = (root / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    return version["needs"], page


def test_template_and_style_options_pass_through(tmp_path: Path) -> None:
    root = tmp_path / "stock"
    (root / "needs_templates").mkdir(parents=True)
    (root / "needs_templates" / "flagging.need").write_text(
        "{{ content }}\n\nFlagging template of {{ id }}.\n", encoding="utf-8"
    )
    (root / "needs_templates" / "banner.need").write_text(
        "Banner before {{ id }}.\n", encoding="utf-8"
    )
    (root / "index.rst").write_text(PAGE, encoding="utf-8")
    (root / "qms.toml").write_text(QMS_TOML, encoding="utf-8")
    stock, stock_page = _build(root, STOCK_CONF)
    with_qmsdoc, page = _build(root, QMSDOC_CONF)
    assert sorted(with_qmsdoc) == sorted(stock) == ["REQ-001", "UN-001"]
    for need_id, need in stock.items():
        for key in COMPARED:
            assert with_qmsdoc[need_id].get(key) == need.get(key), (need_id, key)
    assert stock["REQ-001"]["template"] == "flagging"
    assert stock["UN-001"]["style"] == "green_bar"
    for html in (stock_page, page):
        assert "Flagging template of REQ-001." in html
        assert "Banner before REQ-001." in html
