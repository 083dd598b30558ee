"""The generated AI documents (qmsdoc.ai.documents) from a real device file: every
value is an item's field or a record's figure, a field not stated is "not stated",
and a wrong item is a problem, not a document."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from aiproject import METRICS_CSV, make_ai_project
from qmsdoc.ai.documents import (
    NOT_STATED,
    AiDocument,
    data_management,
    model_card,
    pccp_document,
)
from qmsdoc.device_file import DeviceFile
from qmsdoc.project import load_project
from qmstest import run_qms

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.checks import CheckContext


def _context(root: Path) -> CheckContext:
    return DeviceFile.from_sources(load_project(root)).context


def _rows(document: AiDocument, title: str) -> dict[str, tuple[str, ...]]:
    [part] = [part for part in document.parts if part.title == title]
    return {row[0]: row[1:] for row in part.rows}


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> CheckContext:
    root = make_ai_project(tmp_path_factory.mktemp("ai") / "device")
    (root / "data" / "metrics.csv").write_text(
        METRICS_CSV.replace("sex:male,0.98,0.95", "sex:male,0.89,0.85"),
        encoding="utf-8",
    )
    done = run_qms(
        root, "performance", "import", "data/metrics.csv", "--evaluation", "PE-001"
    )
    assert done.returncode == 0, done.stderr
    return _context(root)


def test_the_model_card_reads_the_model_and_the_record(measured: CheckContext) -> None:
    card = model_card("AIM-001", measured.graph, measured.profile, measured.ai)
    assert not card.problems
    assert [part.title for part in card.parts] == [
        "Model identification",
        "Model description",
        "Development data (training and tuning)",
        "Test data",
        "Acceptance criteria",
        "Measured performance: PE-001",
        "Predetermined change control plan",
        "Device performance monitoring",
    ]
    identity = _rows(card, "Model identification")
    assert identity["model version"] == ("2026-01",)
    assert identity["contained in"] == ("DO-001 Explanation service",)
    description = _rows(card, "Model description")
    assert description["supplier"] == ("Example AI Inc.",)
    assert description["rationale"] == (NOT_STATED,)
    assert "model version" not in description  # shown once, in the identification
    # the record's low male subgroup: the floor and the gap are judged not met
    criteria = {row[1]: row[3] for row in card.parts[4].rows}
    assert criteria["accuracy >= 0.95"] == "met"
    assert criteria["accuracy[sex:male] >= 0.9"] == "not met"
    assert criteria["accuracy gap <= 0.05"] == "not met"
    assert (
        "accuracy",
        "sex:female",
        "0.96",
        "0.93-0.98",
        "150",
    ) in card.parts[5].rows
    assert _rows(card, "Test data")["DS-002 Test set"][0] == "test"


def test_a_wrong_or_unknown_item_is_a_problem(measured: CheckContext) -> None:
    graph, profile, facts = measured.graph, measured.profile, measured.ai
    assert model_card("PCCP-001", graph, profile, facts).problems == (
        "PCCP-001 is a pccp, not a ai_model",
    )
    assert pccp_document("PCCP-404", graph, profile, facts).problems == (
        "no item PCCP-404",
    )


def test_the_pccp_document_lists_its_evaluations_with_their_state(
    measured: CheckContext,
) -> None:
    plan = pccp_document("PCCP-001", measured.graph, measured.profile, measured.ai)
    parts = _rows(plan, "Plan")
    assert parts["impact assessment"] == (
        "A worse explanation is caught by the explanation guard",
    )
    links = _rows(plan, "Governed models and required evaluations")
    assert links["governs"] == ("AIM-001 Explanation language model",)
    assert links["requires evaluation"] == (
        "PE-001 Explanation accuracy on the test set",
    )
    states = {row[3] for row in plan.parts[2].rows}
    assert states == {"met", "not met"}


def test_the_summary_states_digests_and_independence(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "device")
    context = _context(root)
    summary = data_management(context.graph, context.profile, context.ai)
    tuning = _rows(summary, "DS-001 Tuning set")
    assert tuning["dataset size"] == ("3",)
    assert tuning["records in manifest"] == ("3",)
    assert tuning["content digest"] == (NOT_STATED,)  # the item states none
    assert tuning["computed content digest"][0].startswith("sha256:")
    assert _rows(summary, "Independence of test data") == {"DS-002": ("DS-001", "none")}
    # no record yet: the card says so instead of inventing figures
    card = model_card("AIM-001", context.graph, context.profile, context.ai)
    assert _rows(card, "Acceptance criteria")["PE-001"][2] == "not measured"


def test_a_copied_record_and_a_shared_digest_break_independence(
    tmp_path: Path,
) -> None:
    root = make_ai_project(tmp_path / "device", commit=False)
    tuning = (root / "data" / "tuning.sha256").read_text(encoding="utf-8")
    (root / "data" / "test.sha256").write_text(
        tuning.replace("tune-", "renamed-"), encoding="utf-8"
    )
    context = _context(root)
    summary = data_management(context.graph, context.profile, context.ai)
    shared = _rows(summary, "Independence of test data")["DS-002"][1]
    assert shared.startswith("all: same content digest sha256:")
    assert json.dumps(summary.parts[0].rows)  # plain strings, serialisable


def test_a_record_copied_under_another_name_is_counted(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "device", commit=False)
    tuning = (root / "data" / "tuning.sha256").read_text(encoding="utf-8")
    with (root / "data" / "test.sha256").open("a", encoding="utf-8") as file:
        file.write(tuning.splitlines()[0].replace("tune-1", "copied") + "\n")
    context = _context(root)
    summary = data_management(context.graph, context.profile, context.ai)
    assert _rows(summary, "Independence of test data") == {
        "DS-002": ("DS-001", "1 shared")
    }
    assert _rows(summary, "DS-002 Test set")["records in manifest"] == ("4",)
