"""Risk pages in real Sphinx builds: heat-maps and risk table follow the risk file."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from qmstest import copy_serenya, sphinx_build

from .html_tables import read_tables

if TYPE_CHECKING:
    from pathlib import Path


def _row(table: list[list[str]], first_cells: str) -> list[str]:
    return next(row for row in table if row and row[0].startswith(first_cells))


def _risk_table_row(page: str, situation: str) -> list[str]:
    (table,) = read_tables(page, "qms-risk-table")
    return next(row for row in table if row[2].startswith(situation))


def test_a_changed_severity_updates_risk_pages_in_an_incremental_build(
    tmp_path: Path,
) -> None:
    root = copy_serenya(tmp_path / "serenya")
    assert sphinx_build(root).returncode == 0
    page = root / "_build" / "html" / "risks" / "risk-table.html"
    before = page.read_text(encoding="utf-8")
    _, residual = read_tables(before, "qms-risk-heatmap")
    assert _row(residual, "S1")[4].startswith("1: HS-033")
    assert _row(residual, "S2")[4].startswith("2:")
    row = _risk_table_row(before, "HS-033")
    assert row[4] == "1"
    assert row[10] == "S1/P4: Acceptable"

    harms = root / "risks" / "harms.rst"
    text = harms.read_text(encoding="utf-8")
    start = text.index(":id: HARM-009")
    end = text.index(":severity: 1", start)
    harms.write_text(
        text[:end] + ":severity: 2" + text[end + len(":severity: 1") :],
        encoding="utf-8",
    )

    run = sphinx_build(root)  # incremental: no -E
    assert run.returncode == 0
    after = page.read_text(encoding="utf-8")
    _, residual = read_tables(after, "qms-risk-heatmap")
    assert _row(residual, "S1")[4] == "0"
    assert _row(residual, "S2")[4].startswith("3:")
    assert "HS-033" in _row(residual, "S2")[4]
    row = _risk_table_row(after, "HS-033")
    assert row[4] == "2"
    assert row[10] == "S2/P4: Reduce as far as possible"
    report = (
        root / "_build" / "html" / "risks" / "risk-management-report.html"
    ).read_text()
    (summary,) = read_tables(report, "qms-risk-summary")
    assert "Unacceptable: 0" in _row(summary, "7.3")[2]
    # the new AFAP residual has no benefit-risk justification: a finding, at its line
    assert any(
        "hazardous-situations.rst" in line
        and "HS-033" in line
        and "[qms.risk_residual_unjustified]" in line
        for line in run.warnings
    ), run.warnings


def test_the_plan_shows_the_profile_matrix(tmp_path: Path) -> None:
    root = copy_serenya(tmp_path / "serenya")
    assert sphinx_build(root).returncode == 0
    page = (
        root / "_build" / "html" / "source" / "risk-management-plan.html"
    ).read_text()
    (criteria,) = read_tables(page, "qms-risk-criteria")
    assert criteria[0] == [
        "Severity \\ P", "P1 Improbable", "P2 Remote", "P3 Occasional", "P4 Probable",
        "P5 Frequent",
    ]  # fmt: skip
    assert _row(criteria, "S5") == [
        "S5 Catastrophic", "Reduce as far as possible", "Reduce as far as possible",
        "Unacceptable", "Unacceptable", "Unacceptable",
    ]  # fmt: skip
    (combination,) = read_tables(page, "qms-risk-combination")
    assert _row(combination, "P1-4")[2] == "P3 Occasional"
    css = (root / "_build" / "html" / "_static" / "qmsdoc.css").read_text()
    assert ".qms-region-afap { background: #ffe08a; }" in css


def test_unknown_heatmap_stage_is_a_warning_at_its_line(valid_root: Path) -> None:
    page = valid_root / "risk.rst"
    page.write_text("Risk\n====\n\n.. qms-risk-matrix:: final\n", encoding="utf-8")
    index = valid_root / "index.rst"
    index.write_text(index.read_text().replace("   items\n", "   items\n   risk\n"))
    run = sphinx_build(valid_root, "-E")
    assert any(
        line.endswith(
            "risk.rst:4: WARNING: qms-risk-matrix: 'final' is not one of initial, "
            "residual [qms.directive]"
        )
        for line in run.warnings
    ), run.warnings
    assert "Traceback" not in run.stderr


def test_unjustified_unacceptable_residual_fails_the_gate(valid_root: Path) -> None:
    items = valid_root / "items.rst"
    text = items.read_text(encoding="utf-8")
    items.write_text(
        text.replace(
            ":residual_p1: 1\n   :residual_p2: 3", ":residual_p1: 4\n   :residual_p2: 4"
        ),
        encoding="utf-8",
    )
    line = text[: text.index(".. hazardous_situation::")].count("\n") + 1
    result = subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()", "check"],
        cwd=valid_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert (
        f"items.rst:{line}: error: HS-001: residual risk S3/P5 is unacceptable and has no "
        "benefit-risk justification (field 'benefit_risk') [qms.risk_residual_unjustified]"
    ) in result.stdout


def test_off_scale_probability_is_reported_not_crashed(valid_root: Path) -> None:
    items = valid_root / "items.rst"
    text = items.read_text(encoding="utf-8")
    items.write_text(text.replace("   :p1: 2\n", "   :p1: 7\n"), encoding="utf-8")
    (valid_root / "risk.rst").write_text(
        "Risk\n====\n\n.. qms-risk-matrix:: initial\n\n.. qms-risk-table::\n",
        encoding="utf-8",
    )
    index = valid_root / "index.rst"
    index.write_text(index.read_text().replace("   items\n", "   items\n   risk\n"))
    run = sphinx_build(valid_root, "-E")
    assert "Traceback" not in run.stderr
    assert any(
        "HS-001: p1 '7' is not on the scale 1-5 [qms.risk_estimate]" in w
        for w in run.warnings
    )
    page = (valid_root / "_build" / "html" / "risk.html").read_text()
    assert "Not placed (estimate missing or off the scale):" in page
