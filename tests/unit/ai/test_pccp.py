"""qmsdoc.ai.pccp: planned modifications read from the plan, AI changes compared
field by field, each judged against the plans in force at the old revision."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from aiproject import ITEMS, make_ai_project
from qmsdoc.ai.pccp import ai_changes, check_pccp, parse_modifications
from qmsdoc.ai.records import parse_performance
from qmsdoc.device_file import read_items
from qmsdoc.errors import InputError
from qmsdoc.project import load_project

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.ai.records import PerformanceRecord
    from qmsdoc.model import Item
    from qmsdoc.profile.ai import AiConfig

PROSE = ":planned_modifications: Prompt wording; model version within the same family"
PLANNED = (
    ":planned_modifications: Prose: the prompt and the test set may be updated.\n"
    "      prompt: config_digest may change; accuracy >= 0.95; accuracy gap <= 0.05\n"
    "      test set: content_digest, dataset_size may change"
)
RECORD = """{{"format": "qmsdoc-performance/1", "evaluation": "PE-001",
 "model": {{"id": "AIM-001", "version": "2026-01", "weights_digest": "snapshot-2026-01-15",
  "config_digest": "{config}"}},
 "dataset": {{"id": "DS-002", "digest": ""}},
 "source": {{"file": "metrics.csv", "sha256": "{sha}"}},
 "date": null,
 "metrics": [
  {{"metric": "accuracy", "subgroup": "overall", "value": {overall}, "ci_low": 0.9, "ci_high": 0.99, "n": 300}},
  {{"metric": "accuracy", "subgroup": "sex:female", "value": 0.96, "ci_low": 0.9, "ci_high": 0.99, "n": 150}},
  {{"metric": "accuracy", "subgroup": "sex:male", "value": 0.98, "ci_low": 0.9, "ci_high": 0.99, "n": 150}}]}}
"""  # fmt: skip


def _items(
    root: Path, old: str = "", new: str = ""
) -> tuple[tuple[Item, ...], AiConfig]:
    path = root / "items.rst"
    path.write_text(
        path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8"
    )
    project = load_project(root)
    assert project.profile.ai is not None
    return read_items(project), project.profile.ai


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_ai_project(
        tmp_path / "device", items=ITEMS.replace(PROSE, PLANNED), commit=False
    )


def _record(
    config: str = "sha256:2222", overall: float = 0.97
) -> dict[str, PerformanceRecord]:
    text = RECORD.format(config=config, sha="0" * 64, overall=overall)
    record = parse_performance(
        text, "PE-001.json", "traceability/performance/PE-001.json"
    )
    return {"PE-001": record}


def test_planned_modifications_are_read_and_prose_is_skipped(root: Path) -> None:
    items, config = _items(root)
    plan = next(item for item in items if item.id == "PCCP-001")
    prompt, test_set = parse_modifications(plan, config)
    assert (prompt.plan, prompt.name, prompt.fields) == (
        "PCCP-001",
        "prompt",
        ("config_digest",),
    )
    assert [bound.text for bound in prompt.bounds] == [
        "accuracy >= 0.95",
        "accuracy gap <= 0.05",
    ]
    assert (test_set.name, test_set.fields, test_set.bounds) == (
        "test set",
        ("content_digest", "dataset_size"),
        (),
    )


def test_a_modification_line_that_cannot_be_read_names_the_plan(root: Path) -> None:
    items, config = _items(root, "test set: content_digest", "test set content_digest")
    plan = next(item for item in items if item.id == "PCCP-001")
    with pytest.raises(
        InputError,
        match=r"^items\.rst:[0-9]+: PCCP-001: planned modification 'test set content_digest",
    ):
        parse_modifications(plan, config)


def test_changes_compare_fields_and_ignore_the_given_ones(root: Path) -> None:
    old, config = _items(root)
    new, _ = _items(
        root, ":status: approved\n   :ai_function", ":status: draft\n   :ai_function"
    )
    assert ai_changes(old, new, config, ignored=("status",)) == []
    (change,) = ai_changes(old, new, config)
    assert (change.item_id, change.kind, [f.name for f in change.fields]) == (
        "AIM-001",
        "changed",
        ["status"],
    )


def test_a_dataset_change_in_the_plans_scope_is_covered(root: Path) -> None:
    old, config = _items(root)
    new, _ = _items(
        root,
        ":dataset_size: 3\n   :reference_standard: Generator truth\n   :subgroup_distribution: sex:female 1",
        ":dataset_size: 4\n   :reference_standard: Generator truth\n   :subgroup_distribution: sex:female 1",
    )
    report = check_pccp(old, new, {}, config)
    (assessment,) = report.assessments
    assert assessment.change.item_id == "DS-002"
    assert [m.name for m in assessment.modifications] == ["test set"]
    assert [state.state for state in assessment.pending] == ["no record"]
    assert report.findings == ()


def test_an_added_item_is_outside_the_plan(root: Path) -> None:
    old, config = _items(root)
    new, _ = _items(
        root,
        ".. ai_monitoring::",
        ".. dataset:: Extra\n   :id: DS-003\n   :status: approved\n\n.. ai_monitoring::",
    )
    report = check_pccp(old, new, {}, config)
    assert report.findings == (
        "DS-003: dataset added, outside every planned modification: a new submission may be needed",
    )


def test_records_and_bounds_are_judged(root: Path) -> None:
    old, config = _items(root)
    new, _ = _items(root, "sha256:1111", "sha256:2222")
    (passed,) = check_pccp(old, new, _record(), config).assessments
    assert [(s.state, s.detail) for s in passed.evaluations] == [
        ("passed", "4 criteria met")
    ]
    assert [(b.label, b.met) for b in passed.bounds] == [
        ("accuracy >= 0.95", True),
        ("accuracy gap <= 0.05", True),
    ]
    assert passed.findings == ()
    (stale,) = check_pccp(old, new, _record("sha256:1111"), config).assessments
    assert [s.state for s in stale.evaluations] == ["earlier model"]
    assert stale.bounds == () and stale.findings == ()
    (failed,) = check_pccp(old, new, _record(overall=0.94), config).assessments
    assert [s.state for s in failed.evaluations] == ["failed"]
    assert [b.met for b in failed.bounds] == [False, True]
    assert len(failed.findings) == 2
    assert "accuracy >= 0.95: measured 0.94" in failed.findings[0]
    assert "outside the plan's bounds" in failed.findings[1]
