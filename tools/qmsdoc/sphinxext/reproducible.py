"""Make the same sources give byte-identical output: two things sphinx-needs varies.

* Need containers: sphinx-needs gives each a random id (``"SNCB-" + uuid4()[:8]``, in
  ``sphinx_needs.layout.create_need_from_layout``). qmsdoc replaces it with an id made
  from the container's place on its page (unique on the page, as sphinx-needs' script
  needs), after sphinx-needs has drawn the needs (``doctree-resolved``, priority 600).
* ``schema_violations.json``: sphinx-needs writes its schema validation report into the
  output folder with the time the validation took. At ``build-finished`` qmsdoc
  rewrites it without the two timing entries (the summary sentence and the rate); the
  count of validated needs and every violation stay as sphinx-needs wrote them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["drop_validation_timing", "stabilise_container_ids"]

_PREFIX = "SNCB-"
SCHEMA_REPORT = "schema_violations.json"
#: entries of the schema report that hold the validation's duration
TIMING_ENTRIES = ("validation_summary", "validated_needs_per_second")


def stabilise_container_ids(
    app: Sphinx, doctree: nodes.document, fromdocname: str
) -> None:
    """Replace the random ids of the need containers of one page."""
    for index, node in enumerate(
        node
        for node in doctree.findall(nodes.container)
        if "need_container" in node["classes"]
    ):
        ids = node["ids"]
        for position, value in enumerate(ids):
            if value.startswith(_PREFIX):
                ids[position] = f"{_PREFIX}{index + 1}"


def drop_validation_timing(app: Sphinx, exception: Exception | None) -> None:
    """Rewrite sphinx-needs' schema report without its timing entries."""
    if exception is not None:
        return
    report = Path(app.outdir) / SCHEMA_REPORT
    try:
        content = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # not written by this build, or not a report this module knows
    if not isinstance(content, dict):
        return
    for entry in TIMING_ENTRIES:
        content.pop(entry, None)
    report.write_text(
        json.dumps(content, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
