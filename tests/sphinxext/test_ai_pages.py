"""A real Sphinx build of the AI test device with ``.. qms-performance::``: the table
of the committed record judged now and one inline SVG chart per metric, in the HTML
and in the singlehtml the PDF is printed from; "no record" said plainly; the record's
text escaped; an unknown evaluation a warning."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from aiproject import ITEMS, make_ai_project
from qmstest import run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

PAGE = """\
Performance
===========

.. qms-performance:: PE-001

.. qms-performance:: PE-002

.. qms-performance:: AIM-001
"""

SECOND = """
.. performance_evaluation:: Explanation accuracy on the tuning set
   :id: PE-002
   :status: approved
   :model_version: 2026-01
   :acceptance_criteria: accuracy >= 0.95
   :evaluates: AIM-001
   :evaluated_on: DS-001
"""


def _project(tmp_path: Path) -> Path:
    root = make_ai_project(tmp_path / "device", items=ITEMS + SECOND, commit=False)
    (root / "conf.py").write_text(
        'project = "ai"\nextensions = ["qmsdoc"]\nexclude_patterns = ["_build", "data"]\n',
        encoding="utf-8",
    )
    (root / "index.rst").write_text(
        "AI test device\n==============\n\n.. toctree::\n\n   items\n   performance\n",
        encoding="utf-8",
    )
    (root / "performance.rst").write_text(PAGE, encoding="utf-8")
    done = run_qms(
        root, "performance", "import", "data/metrics.csv", "--evaluation", "PE-001"
    )
    assert done.returncode == 0, done.stderr
    return root


def test_the_table_and_charts_render_in_html_and_singlehtml(tmp_path: Path) -> None:
    root = _project(tmp_path)
    record = root / "traceability" / "performance" / "PE-001.json"
    document = json.loads(record.read_text(encoding="utf-8"))
    # untrusted text in the record: a subgroup the plan does not name
    document["metrics"].append(
        {"metric": "accuracy", "subgroup": "site:<script>x</script>", "value": 0.5,
         "ci_low": 0.4, "ci_high": 0.6, "n": 7}
    )  # fmt: skip
    record.write_text(json.dumps(document), encoding="utf-8")
    run = sphinx_build(root, "-E")
    assert run.returncode == 0, run.stderr
    page = (root / "_build" / "html" / "performance.html").read_text(encoding="utf-8")
    first = page[page.index("PE-001: met") : page.index("PE-002: no record")]
    assert "AIM-001 2026-01 on DS-002 (traceability/performance/PE-001.json)" in first
    # the rows: metric, subgroup, n, estimate, interval, criteria, status
    assert (
        "<td><p>accuracy</p></td>\n<td><p>sex:female</p></td>\n<td><p>150</p></td>\n"
        "<td><p>0.96</p></td>\n<td><p>0.93 to 0.98</p></td>\n"
        "<td><p>accuracy[sex:female] &gt;= 0.9</p></td>\n<td><p>met</p></td>"
    ) in first
    assert "<td><p>accuracy &gt;= 0.95</p></td>\n<td><p>met</p></td>" in first
    assert "<td><p>gap</p></td>" in first
    assert "accuracy gap &lt;= 0.05" in first
    # one inline chart, its ids the chart's own, the hostile subgroup escaped
    assert first.count("<svg ") == 1
    assert "<?xml" not in page
    assert 'id="qms-chart-PE-001-accuracy-figure_1"' in first
    assert "site:&lt;script&gt;x&lt;/script&gt;" in first
    assert "<script>x" not in page
    # no record, said plainly, and no chart
    second = page[page.index("PE-002: no record") :]
    assert "no performance record has been imported" in second
    assert "<svg " not in second
    assert any("'AIM-001' is not a performance evaluation" in w for w in run.warnings)
    # the singlehtml the PDF is printed from holds the same chart
    single = sphinx_build(root, "-E", builder="singlehtml")
    assert single.returncode == 0, single.stderr
    text = (root / "_build" / "singlehtml" / "index.html").read_text(encoding="utf-8")
    chart = first[first.index("<svg ") : first.index("</svg>")]
    assert chart in text
