"""``qms dossier --pathway eu-ai-act`` on the AI test device: the section-state
report names each Annex IV point and article as filled, external or missing; the
FDA pathways' AI-DSF sections appear only when the file holds an AI model."""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING

import pytest

from aiproject import ITEMS, make_ai_project
from qmsdoc.dossier.plan import load_pathway
from qmsdoc.errors import ProjectError
from qmstest import run_qms

if TYPE_CHECKING:
    from pathlib import Path

ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1780000000"}


def _dossier(root: Path, pathway: str) -> dict[str, dict[str, str]]:
    html = root / "_build" / "html"
    html.mkdir(parents=True, exist_ok=True)
    (html / "index.html").write_text("<html><body>file</body></html>", encoding="utf-8")
    done = run_qms(root, "dossier", "--pathway", pathway, env=ENV)
    assert done.returncode in {0, 1}, done.stderr
    report = json.loads(
        (root / "_build" / "dossier" / pathway / "dossier-report.json").read_text()
    )
    return {section["id"]: section for section in report["sections"]}


def test_the_ai_act_plan_reports_each_point(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "device")
    done = run_qms(
        root, "performance", "import", "data/metrics.csv", "--evaluation", "PE-001"
    )
    assert done.returncode == 0, done.stderr
    sections = _dossier(root, "eu-ai-act")
    states = {key: value["state"] for key, value in sections.items()}
    # the AI items fill what only the AI Act asks for
    for filled in ("IV.2(d)", "IV.2(f)", "IV.3", "IV.4", "IV.9", "Art.10", "Art.72"):
        assert states[filled] == "filled", (filled, sections[filled])
    assert "2 dataset items" in sections["Art.10"]["sources"]
    assert states["IV.8"] == "external"
    assert states["Art.17"] == "external"
    # a point the file does not fill is named with what is missing
    assert states["IV.5"] == "missing"
    assert "risk-management-plan" in sections["IV.5"]["detail"]
    assert "0 hazard items" in sections["IV.5"]["detail"]
    assert states["Art.13"] == "missing"
    assert "design_output items with element labeling" in sections["Art.13"]["detail"]


def test_the_performance_record_fills_the_accuracy_article(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "device")
    sections = _dossier(root, "eu-ai-act")
    assert sections["Art.15"]["state"] == "missing"
    assert "record performance" in sections["Art.15"]["detail"]


def test_both_fda_plans_have_the_same_conditional_ai_sections() -> None:
    sections = [
        [s for s in load_pathway(name).sections if s.when_item_type]
        for name in ("fda-510k", "fda-denovo")
    ]
    assert sections[0] == sections[1]
    assert {s.when_item_type for s in sections[0]} == {"ai_model"}


def test_the_fda_ai_elements_need_an_ai_model(tmp_path: Path) -> None:
    pathway = "fda-510k"
    with_ai = _dossier(make_ai_project(tmp_path / "ai"), pathway)
    assert [key for key in with_ai if key.startswith("AI-")] == [
        f"AI-{n}" for n in range(1, 7)
    ]
    assert with_ai["AI-1"]["state"] == "filled"
    assert with_ai["AI-6"]["state"] == "filled"  # PCCP-001
    # the same file without its AI model: no AI-DSF section at all
    items = re.sub(
        r"\.\. ai_model::.*?(?=\n\.\. dataset::)", "", ITEMS, flags=re.DOTALL
    )
    assert ".. ai_model::" not in items
    without = _dossier(make_ai_project(tmp_path / "plain", items=items), pathway)
    assert not [key for key in without if key.startswith("AI-")]
    assert list(without) == [str(n) for n in range(1, 21)]


def test_a_condition_must_name_an_item_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tomllib  # noqa: PLC0415

    plan = tomllib.loads(
        '[pathway]\nname = "x"\ntitle = "x"\nregion = "EU"\n'
        '[[sections]]\nid = "1"\ntitle = "t"\nwhen_item_type = " "\n'
    )
    monkeypatch.setattr(tomllib, "loads", lambda _text: plan)
    with pytest.raises(ProjectError, match="section 1: when_item_type must name"):
        load_pathway("eu-ai-act")
