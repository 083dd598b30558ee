"""The AI checks on a real device file (a git repository): each check finds what it
is about, and nothing on a file that meets them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from aiproject import digest, make_ai_project, manifest
from qmsdoc.ai.criteria import parse_criteria
from qmsdoc.ai.records import FORMAT
from qmsdoc.checks.ai import CHECKS
from qmsdoc.device_file import DeviceFile
from qmsdoc.processes import catalogue
from qmsdoc.profile import load_profile
from qmsdoc.project import load_project
from qmstest import REPOSITORY

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from qmsdoc.checks import Finding

AI_CHECKS = {check.check_id for check in CHECKS}


@pytest.fixture(autouse=True)
def _no_build_date(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    yield


def _record(root: Path, values: dict[str, float], **model: str) -> None:
    folder = root / "traceability" / "performance"
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "format": FORMAT,
        "evaluation": "PE-001",
        "model": {"id": "AIM-001", "version": "2026-01",
                  "weights_digest": "snapshot-2026-01-15",
                  "config_digest": "sha256:1111", **model},
        "dataset": {"id": "DS-002", "digest": ""},
        "source": {"file": "metrics.csv", "sha256": "0" * 64},
        "date": None,
        "metrics": [
            {"metric": "accuracy", "subgroup": subgroup, "value": value,
             "ci_low": 0.0, "ci_high": 1.0, "n": 100}
            for subgroup, value in values.items()
        ],
    }  # fmt: skip
    (folder / "PE-001.json").write_text(json.dumps(document), encoding="utf-8")


PASSING = {"overall": 0.97, "sex:female": 0.96, "sex:male": 0.98}


def _findings(root: Path) -> list[Finding]:
    device = DeviceFile.from_sources(load_project(root))
    return [f for f in device.findings if f.check_id in AI_CHECKS]


def _messages(root: Path) -> list[tuple[str, str]]:
    return [(f.check_id, f.message) for f in _findings(root)]


def test_the_ai_checks_are_in_the_catalogue_with_their_clauses() -> None:
    listed = dict(catalogue(load_profile()))
    assert set(listed) >= AI_CHECKS
    for check in CHECKS:
        assert check.spec.clause
        assert check.function.__doc__ and "Serves" in check.function.__doc__


def test_a_file_that_meets_every_ai_check_has_no_ai_finding(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "ai")
    _record(root, PASSING)
    assert _messages(root) == []
    device = DeviceFile.from_sources(load_project(root))
    assert device.evidence is not None
    state = device.evidence.state_of("PE-001")
    assert state is not None
    assert state.state == "passed"


def test_a_test_set_sharing_a_tuning_record_is_a_finding(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "ai")
    # a record of the tuning set copied into the test set under another name
    (root / "data" / "test.sha256").write_text(
        manifest("test-1", "test-2") + f"{digest('tune-2')}  test-3.json\n",
        encoding="utf-8",
    )
    (finding,) = _findings(root)
    assert finding.check_id == "ai_dataset_overlap"
    assert finding.item_id == "DS-002"
    assert finding.message == (
        "DS-002 (test) shares 1 record(s) with DS-001 (tuning): test-3.json"
        f" (data/test.sha256:3, sha256 {digest('tune-2')[:12]}...)"
    )


def test_two_sets_stating_the_same_content_digest_overlap(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "ai")
    text = (root / "items.rst").read_text(encoding="utf-8")
    text = text.replace(
        ":record_manifest: data/tuning.sha256", ":content_digest: sha256:same"
    ).replace(":record_manifest: data/test.sha256", ":content_digest: sha256:same")
    (root / "items.rst").write_text(text, encoding="utf-8")
    assert _messages(root) == [
        (
            "ai_dataset_overlap",
            "DS-002 (test) has the content digest of DS-001 (tuning): sha256:same",
        )
    ]


def test_an_evaluation_of_another_model_version_is_a_finding(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "ai", evaluated_version="2025-10")
    assert _messages(root) == [
        (
            "ai_model_version_mismatch",
            "PE-001 evaluates AIM-001 version '2025-10', but the device has"
            " version '2026-01'",
        )
    ]


def test_a_record_of_other_model_digests_is_a_finding(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "ai")
    _record(root, PASSING, config_digest="sha256:0000")
    assert _messages(root) == [
        (
            "ai_model_version_mismatch",
            "the performance record traceability/performance/PE-001.json measured"
            " AIM-001 with config_digest 'sha256:0000' (now 'sha256:1111'):"
            " evaluate the model in the release and import the result again",
        )
    ]


def test_a_subgroup_below_its_floor_fails_the_evaluation(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "ai")
    _record(root, {**PASSING, "sex:female": 0.85})
    assert sorted(_messages(root)) == [
        (
            "ai_criterion_not_met",
            "PE-001: accuracy gap <= 0.05 not met: gap 0.13 between sex:male (0.98)"
            " and sex:female (0.85) (traceability/performance/PE-001.json)",
        ),
        (
            "ai_criterion_not_met",
            "PE-001: accuracy[sex:female] >= 0.9 not met: measured 0.85"
            " (traceability/performance/PE-001.json)",
        ),
    ]
    device = DeviceFile.from_sources(load_project(root))
    assert device.evidence is not None
    state = device.evidence.state_of("PE-001")
    assert state is not None
    assert state.state == "failed"
    assert "accuracy[sex:female] >= 0.9" in state.describe()
    requirement = device.evidence.state_of("REQ-001")
    assert requirement is not None
    assert requirement.state == "failed"


def test_unreadable_criteria_are_a_finding(tmp_path: Path) -> None:
    root = make_ai_project(
        tmp_path / "ai", criteria="accuracy >= 0.95; accuracy is good"
    )
    assert _messages(root) == [
        (
            "ai_criterion_not_met",
            "acceptance_criteria 'accuracy is good' cannot be read (write e.g."
            " 'sensitivity >= 0.95', 'sensitivity >= 0.90 per subgroup',"
            " 'sensitivity gap <= 0.05')",
        )
    ]


def test_a_subgroup_of_the_plan_without_a_result_is_a_finding(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "ai")
    _record(root, {"overall": 0.97, "sex:female": 0.96})
    messages = _messages(root)
    assert messages == [
        (
            "ai_subgroup_missing",
            "subgroup 'sex:male' of the plan has no result for accuracy in"
            " traceability/performance/PE-001.json",
        )
    ]
    device = DeviceFile.from_sources(load_project(root))
    assert device.evidence is not None
    state = device.evidence.state_of("PE-001")
    assert state is not None
    assert state.state == "failed"


def test_a_hosted_model_past_its_end_of_support_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ai_project(tmp_path / "ai", end_of_support="2026-03-01")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # 2026-05-28
    assert _messages(root) == [
        (
            "ai_model_end_of_support",
            "AIM-001 is hosted and its end_of_support 2026-03-01 is before the build"
            " date 2026-05-28",
        )
    ]
    # the build date defaults to HEAD's commit time (the same date here)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert [check for check, _ in _messages(root)] == ["ai_model_end_of_support"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_770_000_000))  # 2026-02-02
    assert _messages(root) == []


def test_a_model_on_the_device_has_no_end_of_support_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ai_project(tmp_path / "ai", end_of_support="2026-03-01")
    text = (root / "items.rst").read_text(encoding="utf-8")
    (root / "items.rst").write_text(
        text.replace(":deployment: hosted", ":deployment: on_device"), encoding="utf-8"
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    assert _messages(root) == []


def test_a_model_without_a_pccp_while_updates_are_planned(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "ai")
    text = (root / "items.rst").read_text(encoding="utf-8")
    (root / "items.rst").write_text(
        text.replace("   :governs: AIM-001\n", ""), encoding="utf-8"
    )
    assert _messages(root) == [
        (
            "ai_pccp_missing",
            "REQ-001 plan(s) model updates (tags: model-update), but no pccp item"
            " governs AIM-001",
        )
    ]
    # no requirement plans updates: no plan is needed
    text = (root / "items.rst").read_text(encoding="utf-8")
    (root / "items.rst").write_text(
        text.replace(":tags: explanation, model-update", ":tags: explanation"),
        encoding="utf-8",
    )
    assert _messages(root) == []


def test_a_bad_manifest_is_record_invalid_and_the_checks_go_on(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "ai")
    (root / "data" / "test.sha256").write_text("garbage\n", encoding="utf-8")
    device = DeviceFile.from_sources(load_project(root))
    invalid = [f for f in device.findings if f.check_id == "record_invalid"]
    assert [(f.path, f.line, f.message) for f in invalid] == [
        ("data/test.sha256", 1, "not a record line '<sha256>  <record name>'")
    ]
    assert _messages(root) == []


def test_the_readme_names_every_ai_check_and_the_criteria_forms() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    section = readme.split("## AI-enabled device software functions", 1)[1]
    section = section.split("\n## ", 1)[0]
    for check_id in AI_CHECKS:
        assert f"`{check_id}`" in section
    examples = [
        "accuracy >= 0.95",
        "accuracy >= 0.90 per subgroup",
        "accuracy[age:65+] >= 0.92",
        "accuracy gap <= 0.05",
    ]
    for example in examples:
        assert f"`{example}`" in section
    criteria, wrong = parse_criteria("; ".join(examples))
    assert wrong == []
    assert [c.scope for c in criteria] == ["overall", "each", "one", "gap"]
