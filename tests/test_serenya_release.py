"""Serenya's release gate counts records: a tag of HEAD passes, one record less fails.

A clone of this repository at HEAD (with its history, which the staleness judgement
reads) is tagged and its dossier built with ``--release``. Then the execution record
of VT-113, one of the two tests that verify risk control RC-007 (the one that shows
its effectiveness), is removed and the
release tagged again: the gate fails naming RC-007, and every view of the file (the
risk table and risk management report, the IEC 62304 checklist, the trace workbook,
``gaps.json`` and the dossier report) shows RC-007 not verified.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import TYPE_CHECKING

import openpyxl
import pytest

from qmsdoc.device_file import read_raw_items
from qmsdoc.evidence.status import current_signatures, evaluate_evidence
from qmsdoc.evidence.store import read_runs
from qmsdoc.model import load_items
from qmsdoc.project import load_project
from qmsdoc.trace import TraceGraph
from qmsdoc.vcs import GitHistory
from qmstest import REPOSITORY, run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.evidence.records import EvidenceRun

REMOVED = "VT-113"
CONTROL = "RC-007"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=Release test",
            "-c",
            "user.email=r@example.com",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _dossier(root: Path, tag: str) -> subprocess.CompletedProcess[str]:
    html = root / "_build" / "html"
    html.mkdir(parents=True, exist_ok=True)
    (html / "index.html").write_text("<html><body>file</body></html>", "utf-8")
    return run_qms(
        root, "dossier", "--release", tag, "--pathway", "eu-mdr",
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    )  # fmt: skip


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("release") / "serenya"
    subprocess.run(
        ["git", "clone", "-q", str(REPOSITORY), str(root)],
        check=True,
        capture_output=True,
    )
    return root


@pytest.fixture(scope="module")
def released(clone: Path) -> subprocess.CompletedProcess[str]:
    _git(clone, "tag", "v-release-test-1")
    return _dossier(clone, "v-release-test-1")


@pytest.fixture(scope="module")
def without_record(
    clone: Path, released: subprocess.CompletedProcess[str]
) -> subprocess.CompletedProcess[str]:
    assert released.returncode in (0, 1)
    records = sorted((clone / "traceability" / "evidence").glob(f"{REMOVED}-*.json"))
    assert len(records) == 1, records
    _git(clone, "rm", "-q", str(records[0].relative_to(clone)))
    _git(clone, "commit", "-q", "-m", f"remove the execution record of {REMOVED}")
    _git(clone, "tag", "v-release-test-2")
    return _dossier(clone, "v-release-test-2")


def test_a_tag_of_head_passes_the_release_gate(
    clone: Path, released: subprocess.CompletedProcess[str]
) -> None:
    assert released.returncode == 0, released.stdout + released.stderr
    assert "gate: PASS" in released.stdout
    report = json.loads(
        (clone / "_build/dossier/eu-mdr/dossier-report.json").read_text("utf-8")
    )
    counts = report["verification"]["counts"]
    assert counts["passed"] > 100
    assert {k: v for k, v in counts.items() if k not in ("passed", "waived")} == {
        "not_planned": 0, "planned": 0, "failed": 0, "stale": 0,
    }  # fmt: skip
    # the user needs left to the field study VAL-006 are waived, each with its reason
    waived = [i for i in report["verification"]["items"] if i["state"] == "waived"]
    assert len(waived) == counts["waived"]
    assert all("VAL-006" in item["detail"] for item in waived)
    # every record the gate counted says on what basis it holds for this commit
    bases = {
        record["basis"].split(";")[0].split(" at ")[0]
        for item in report["verification"]["items"]
        for record in item["records"]
    }
    assert bases <= {"run", "study report: states its protocol version, not a commit"}


def test_removing_one_record_fails_the_release_naming_the_control(
    clone: Path, without_record: subprocess.CompletedProcess[str]
) -> None:
    assert without_record.returncode == 1, without_record.stdout
    assert "gate unverified       FAILS" in without_record.stdout
    assert (
        f"{CONTROL}: planned, not executed: 1 of 2 verifiers have a result; "
        f"no result for {REMOVED}"
    ) in without_record.stdout
    folder = clone / "_build" / "dossier" / "eu-mdr"
    report = json.loads((folder / "dossier-report.json").read_text("utf-8"))
    assert report["gate"] == "fail"
    states = {i["item"]: i["state"] for i in report["verification"]["items"]}
    assert states[CONTROL] == "planned"
    gaps = json.loads((folder / "gaps.json").read_text("utf-8"))
    (rule,) = [r for r in gaps["rules"] if r["rule"] == "control_verified"]
    assert rule["traced_percent"] == 100.0
    assert {"item": CONTROL, "state": "planned"} in rule["not_verified"]
    assert rule["verified"] == rule["items"] - len(rule["not_verified"])
    workbook = openpyxl.load_workbook(folder / "traceability.xlsx", read_only=True)
    rows = {
        row[0]: row[3]
        for row in workbook["Verification"].iter_rows(min_row=2, values_only=True)
    }
    assert rows[CONTROL] == "planned, not executed"
    assert rows["RC-001"] == "passed"


def test_the_risk_file_and_the_62304_checklist_show_the_control_unverified(
    clone: Path, without_record: subprocess.CompletedProcess[str]
) -> None:
    assert without_record.returncode == 1
    build = sphinx_build(clone, "-q", builder="xml")
    assert build.returncode == 0, build.stderr
    out = clone / "_build" / "xml"
    report = _text(out / "risks" / "risk-management-report.xml")
    assert "18 of 20 controls verified by executed records" in report
    assert "incomplete: 2 of 20 controls not verified by executed records" in report
    pages = " ".join(_text(path) for path in sorted((out / "risks").glob("*.xml")))
    assert f"{CONTROL}: not verified: effectiveness planned, not executed;" in pages, (
        "the risk table does not show the control unverified"
    )
    checklist = _text(out / "source" / "iec62304-checklist.xml")
    assert "missing: 20 risk control items, 18 of 20 passed by executed records" in (
        checklist
    )


def _text(path: Path) -> str:
    """The words of a docutils XML page, tags left out."""
    return " ".join(re.sub(r"<[^>]+>", " ", path.read_text("utf-8")).split())


def test_every_record_of_serenya_is_needed_for_the_release() -> None:
    """Leaving out any one committed record leaves an item short of passed, named."""
    project = load_project(REPOSITORY)
    config = project.profile.evidence
    assert config is not None
    raw = read_raw_items(project)
    graph = TraceGraph(load_items(raw, project.profile))
    current = current_signatures(raw, config.unchanged_fields)
    runs = read_runs(REPOSITORY / config.directory, root=REPOSITORY)
    history = GitHistory(REPOSITORY)

    def blocking(chosen: list[EvidenceRun]) -> list[str]:
        view = evaluate_evidence(
            graph, project.profile, chosen, history=history, current=current,
            is_source=project.is_source,
        )  # fmt: skip
        return [s.item_id for s in view.gated(graph) if s.release_problem]

    assert len(runs) >= 85
    assert blocking(runs) == []
    for run in runs:
        left_out = blocking([other for other in runs if other is not run])
        assert left_out, f"{run.record_path} verifies nothing the release needs"
