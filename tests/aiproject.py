"""A small device file with one AI-enabled function, for the tests of the AI items,
checks and ``qms performance import`` (a real git repository in a temporary folder).

The model AIM-001 (hosted, version 2026-01) is evaluated by PE-001 on the test set
DS-002; DS-001 is the tuning set. The manifests give each set three records with
distinct digests; METRICS_CSV and METRICS_JSON meet every criterion of PE-001.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from qmstest import git_as

if TYPE_CHECKING:
    from pathlib import Path

QMS_TOML = """\
extends = "medical-device"

[project]
name = "AI test device"
sources = ["."]
exclude = ["_build", "data", "traceability"]
"""

CRITERIA = "accuracy >= 0.95; accuracy >= 0.90 per subgroup; accuracy gap <= 0.05"

ITEMS = """\
AI items
========

.. requirement:: Explain each flagged result in plain language
   :id: REQ-001
   :status: approved
   :kind: functional
   :level: software
   :tags: explanation, model-update

   The software shall explain each flagged result; the model and prompt are updated
   under the change control plan.

.. design_output:: Explanation service
   :id: DO-001
   :status: approved
   :element: software_item
   :safety_class: B
   :implements: REQ-001

   Calls the language model and checks its answer.

.. ai_model:: Explanation language model
   :id: AIM-001
   :status: approved
   :ai_function: Writes a plain-language explanation of flagged results.
   :model_family: large language model
   :supplier: Example AI Inc.
   :model_version: 2026-01
   :weights_digest: snapshot-2026-01-15
   :config_digest: sha256:1111
   :model_inputs: Extracted results with their flags
   :model_outputs: Explanation text
   :intended_performance: accuracy of at least 0.95
   :known_limitations: Not evaluated on paediatric reports
   :deployment: hosted
   :end_of_support: {end_of_support}
   :contained_in: DO-001

   The reference configuration.

.. dataset:: Tuning set
   :id: DS-001
   :status: approved
   :dataset_purpose: tuning
   :data_source: Synthetic reports, generator v1
   :collection_period: 2026-01
   :dataset_size: 3
   :reference_standard: Generator truth
   :subgroup_distribution: sex:female 2, sex:male 1
   :inclusion_exclusion: All generated reports
   :record_manifest: data/tuning.sha256

.. dataset:: Test set
   :id: DS-002
   :status: approved
   :dataset_purpose: test
   :data_source: Synthetic reports, generator v1, other seed
   :collection_period: 2026-02
   :dataset_size: 3
   :reference_standard: Generator truth
   :subgroup_distribution: sex:female 1, sex:male 2
   :inclusion_exclusion: All generated reports
   :record_manifest: data/test.sha256

.. performance_evaluation:: Explanation accuracy on the test set
   :id: PE-001
   :status: approved
   :model_version: {evaluated_version}
   :acceptance_criteria: {criteria}
   :subgroups: sex:female, sex:male
   :evaluates: AIM-001
   :evaluated_on: DS-002
   :verifies: REQ-001

   Accuracy of the explanations against the generator truth.

.. pccp:: Prompt and model-version updates
   :id: PCCP-001
   :status: approved
   :planned_modifications: Prompt wording; model version within the same family
   :modification_protocol: Re-run PE-001 on DS-002; all criteria must hold
   :impact_assessment: A worse explanation is caught by the explanation guard
   :governs: AIM-001
   :requires_evaluation: PE-001

.. ai_monitoring:: Field monitoring of explanations
   :id: AIMON-001
   :status: approved
   :monitored_signals: Guard rejections per 1,000 explanations
   :thresholds: More than 5 per 1,000 in a week
   :monitoring_actions: Investigate; roll back the prompt
   :monitors: AIM-001
"""

METRICS_CSV = """\
metric,subgroup,value,ci_low,ci_high,n
accuracy,overall,0.97,0.95,0.98,300
accuracy,sex:female,0.96,0.93,0.98,150
accuracy,sex:male,0.98,0.95,0.99,150
"""

METRICS_JSON = {
    "model_version": "2026-01",
    "metrics": [
        {"metric": "accuracy", "subgroup": "overall", "value": 0.97,
         "ci_low": 0.95, "ci_high": 0.98, "n": 300},
        {"metric": "accuracy", "subgroup": "sex:female", "value": 0.96,
         "ci_low": 0.93, "ci_high": 0.98, "n": 150},
        {"metric": "accuracy", "subgroup": "sex:male", "value": 0.98,
         "ci_low": 0.95, "ci_high": 0.99, "n": 150},
    ],
}  # fmt: skip


def digest(name: str) -> str:
    """The SHA-256 of a record's made-up content."""
    return hashlib.sha256(name.encode()).hexdigest()


def manifest(*names: str) -> str:
    """A manifest in ``sha256sum`` form of records with made-up contents."""
    return "".join(f"{digest(name)}  {name}.json\n" for name in names)


def make_ai_project(
    root: Path,
    *,
    end_of_support: str = "2099-12-31",
    evaluated_version: str = "2026-01",
    criteria: str = CRITERIA,
    items: str | None = None,
    commit: bool = True,
) -> Path:
    """Write the AI test device into ``root`` (a git repository, committed)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "qms.toml").write_text(QMS_TOML, encoding="utf-8")
    (root / "index.rst").write_text(
        "AI test device\n==============\n\n.. toctree::\n\n   items\n",
        encoding="utf-8",
    )
    text = items if items is not None else ITEMS
    (root / "items.rst").write_text(
        text.format(
            end_of_support=end_of_support,
            evaluated_version=evaluated_version,
            criteria=criteria,
        ),
        encoding="utf-8",
    )
    data = root / "data"
    data.mkdir(exist_ok=True)
    (data / "tuning.sha256").write_text(
        manifest("tune-1", "tune-2", "tune-3"), encoding="utf-8"
    )
    (data / "test.sha256").write_text(
        manifest("test-1", "test-2", "test-3"), encoding="utf-8"
    )
    (data / "metrics.csv").write_text(METRICS_CSV, encoding="utf-8")
    (data / "metrics.json").write_text(
        json.dumps(METRICS_JSON, indent=2) + "\n", encoding="utf-8"
    )
    if commit:
        if not (root / ".git").exists():
            git_as(root, "init", "-q", "-b", "main")
        git_as(root, "add", "-A")
        git_as(root, "commit", "-q", "-m", "AI test device", when=1_780_000_000)
    return root
