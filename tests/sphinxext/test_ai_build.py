"""A Sphinx build of a device file with AI items: the AI findings and the
performance evaluation's verification state are those of ``qms check``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiproject import METRICS_CSV, make_ai_project
from qmstest import run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path


def test_the_build_reports_the_ai_findings_of_qms_check(tmp_path: Path) -> None:
    root = make_ai_project(tmp_path / "device", commit=False)
    (root / "conf.py").write_text(
        'project = "ai"\nextensions = ["qmsdoc"]\nexclude_patterns = ["_build", "data"]\n',
        encoding="utf-8",
    )
    (root / "data" / "metrics.csv").write_text(
        METRICS_CSV.replace("sex:female,0.96,0.93", "sex:female,0.88,0.85"),
        encoding="utf-8",
    )
    done = run_qms(
        root, "performance", "import", "data/metrics.csv", "--evaluation", "PE-001"
    )
    assert done.returncode == 0, done.stderr
    check = run_qms(root, "check")
    expected = sorted(line for line in check.stdout.splitlines() if "[qms.ai_" in line)
    assert len(expected) == 2
    run = sphinx_build(root, "-E")
    built = sorted(
        line.replace(f"{root}/", "").replace("WARNING", "error")
        for line in run.warnings
        if "[qms.ai_" in line
    )
    assert built == expected
    page = (root / "_build" / "html" / "items.html").read_text(encoding="utf-8")
    assert "accuracy[sex:female] &gt;= 0.9" in page
