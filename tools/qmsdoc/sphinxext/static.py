"""The stylesheet and script of qmsdoc's tables; risk region colours from the profile."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from qmsdoc.errors import QmsError
from qmsdoc.report import write_atomic
from qmsdoc.sphinxext.needtypes import project_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["SCRIPT", "STYLESHEET", "add_stylesheet", "write_stylesheet"]

STYLESHEET = "qmsdoc.css"
SCRIPT = "qmsdoc.js"

_SCRIPT = """\
/* qmsdoc: filter the rows of the table that follows each filter box */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.qms-filter").forEach(function (box) {
    var table = box.nextElementSibling;
    while (table && table.tagName !== "TABLE") { table = table.nextElementSibling; }
    if (!table) { return; }
    box.addEventListener("input", function () {
      var needle = box.value.toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.style.display = row.textContent.toLowerCase().indexOf(needle) >= 0 ? "" : "none";
      });
    });
  });
});
"""

_BASE = """\
/* qmsdoc tables; generated from the profile, do not edit */
table.qms-table { border-collapse: collapse; font-size: 0.85em; width: 100%; }
table.qms-table th, table.qms-table td { border: 1px solid #999; padding: 2px 4px; vertical-align: top; }
table.qms-table thead th { position: sticky; top: 0; background: #eee; z-index: 1; }
table.qms-table td p, table.qms-table th p { margin: 0; }
table.qms-risk-heatmap td.qms-heat-cell, table.qms-risk-criteria td.qms-heat-cell { text-align: center; min-width: 5em; }
span.qms-legend { padding: 0 0.5em; border: 1px solid #999; }
a.qms-item-link { white-space: nowrap; }
td.qms-region-unknown { background: #ddd; }
td.qms-gap { background: #f4a3a3; }
p.qms-evidence { font-size: 0.85em; margin: -0.5em 0 1em 0; padding: 2px 6px; border-left: 4px solid #999; }
p.qms-evidence-passed { border-color: #4caf50; }
p.qms-evidence-waived { border-color: #7e57c2; }
p.qms-evidence-failed { border-color: #d32f2f; background: #fdecea; }
p.qms-evidence-stale { border-color: #f9a825; background: #fff8e1; }
p.qms-evidence-planned { border-color: #9e9e9e; background: #f5f5f5; }
p.qms-evidence-not_planned { border-color: #d32f2f; }
div.qms-item { border: 1px solid #bbb; border-left: 6px solid #ccc; padding: 4px 8px; margin: 1em 0 0 0; background: #fafafa; font-size: 0.85em; }
div.qms-item-head { font-size: 1.15em; margin-bottom: 2px; }
span.qms-item-type { color: #555; }
span.qms-item-title { font-weight: bold; }
a.qms-item-id { margin-left: 0.4em; }
div.qms-fields span.qms-field { margin-right: 1em; }
div.qms-item { overflow-wrap: anywhere; }
span.qms-dead-link { color: #c62828; text-decoration: line-through; }
p.qms-history { font-size: 0.8em; color: #555; margin: -0.5em 0 1.2em 0; padding: 0 6px; }
input.qms-filter { margin: 0.5em 0; width: 20em; }
@media print { table.qms-table thead th { position: static; } }
"""


def add_stylesheet(app: Sphinx) -> None:
    """Link the stylesheet from every HTML page, and write it before any page is:
    Sphinx stamps a link with the file's checksum when the file is already there, so
    writing it after the pages gave a clean build other links than a rebuild."""
    if app.builder.format == "html":
        app.add_css_file(STYLESHEET)
        app.add_js_file(SCRIPT)
        write_stylesheet(app, None)


def write_stylesheet(app: Sphinx, exception: Exception | None) -> None:
    """Write the stylesheet into the HTML output, colours from the profile's regions."""
    if exception is not None or app.builder.format != "html":
        return
    text = _BASE
    try:
        risk = project_of(app.config).profile.risk
    except QmsError:
        risk = None
    if risk is not None:
        for region in risk.regions:
            text += f".qms-region-{region.name} {{ background: {region.color}; }}\n"
    static = Path(app.outdir) / "_static"
    write_atomic(static / STYLESHEET, text.encode("utf-8"))
    write_atomic(static / SCRIPT, _SCRIPT.encode("utf-8"))
