"""A real Sphinx build of the AI test device with its generated documents: the model
card, the data management summary and the change control plan show the items'
values and the imported performance record, and "not stated" for what an item does
not state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiproject import make_ai_project
from qmstest import run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

DOCUMENTS = """\
AI documents
============

.. qms-model-card:: AIM-001

.. qms-data-management::

.. qms-pccp-document:: PCCP-001

.. qms-model-card:: DS-001
"""


def test_the_ai_documents_render_from_the_items(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "device", commit=False)
    (root / "conf.py").write_text(
        'project = "ai"\nextensions = ["qmsdoc"]\nexclude_patterns = ["_build", "data"]\n',
        encoding="utf-8",
    )
    (root / "index.rst").write_text(
        "AI test device\n==============\n\n.. toctree::\n\n   items\n   documents\n",
        encoding="utf-8",
    )
    (root / "documents.rst").write_text(DOCUMENTS, encoding="utf-8")
    items = (root / "items.rst").read_text(encoding="utf-8")
    (root / "items.rst").write_text(
        items.replace("   :weights_digest: snapshot-2026-01-15\n", ""), encoding="utf-8"
    )
    done = run_qms(
        root, "performance", "import", "data/metrics.csv", "--evaluation", "PE-001"
    )
    assert done.returncode == 0, done.stderr
    run = sphinx_build(root, "-E")
    page = (root / "_build" / "html" / "documents.html").read_text(encoding="utf-8")
    card = page[page.index("Model card: AIM-001") : page.index("Data management")]
    # identification and description from the model's fields
    assert "2026-01" in card
    assert "Example AI Inc." in card
    assert "Not evaluated on paediatric reports" in card
    assert "weights digest</p></td>\n<td><p>not stated" in card
    # data: tuning set as development data, DS-002 as test data, digests computed
    assert "DS-001 Tuning set" in card
    assert "DS-002 Test set" in card
    assert "sha256:" in card
    # performance: the record's figures per subgroup and the judged criteria
    assert "sex:female" in card
    assert "0.93-0.98" in card
    assert "accuracy[sex:female] &gt;= 0.9" in card
    assert "not met" not in card
    assert "PCCP-001" in card
    assert "AIMON-001" in card
    summary = page[page.index("Data management summary") : page.index("plan: PCCP-001")]
    assert "Synthetic reports, generator v1, other seed" in summary
    assert "sex:female 1, sex:male 2" in summary
    assert "Independence of test data" in summary
    assert "<td><p>none</p></td>" in summary
    plan = page[page.index("Predetermined change control plan: PCCP-001") :]
    assert "Prompt wording; model version within the same family" in plan
    assert "Re-run PE-001 on DS-002; all criteria must hold" in plan
    assert "A worse explanation is caught by the explanation guard" in plan
    assert "PE-001 Explanation accuracy on the test set" in plan
    assert "<td><p>met</p></td>" in plan
    warnings = [line for line in run.warnings if "Model card DS-001" in line]
    assert len(warnings) == 1
    assert "DS-001 is a dataset, not a ai_model" in warnings[0]
