"""Study records through ``qms evidence import`` end to end: the validation's state,
a criterion not met, the record's attachment checked against its SHA-256."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmstest import run_qms

if TYPE_CHECKING:
    from pathlib import Path

STUDY = """\
validation = "VAL-001"
protocol = "VAL-001-P"
protocol_version = "1.0"
report = "validation/report.md"
start = 2026-05-04
end = 2026-05-22
approver = "J. Doe"
conclusion = "Criteria met."

[[criteria]]
criterion = ">= 90 % identify the abnormal results"
value = "14 of 15 (93 %)"
met = true
"""


def _study(root: Path, text: str = STUDY) -> Path:
    (root / "validation").mkdir(exist_ok=True)
    (root / "validation" / "report.md").write_text("# Study report\n", "utf-8")
    path = root / "traceability" / "studies" / "VAL-001.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _status_line(root: Path, item_id: str) -> str:
    result = run_qms(root, "evidence", "status", item_id)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[0]


def test_a_passed_study_validates_its_user_need(valid_root: Path) -> None:
    assert _status_line(valid_root, "UN-001").split()[1] == "planned,"
    imported = run_qms(valid_root, "evidence", "import", str(_study(valid_root)))
    assert imported.returncode == 0, imported.stderr
    assert "record VAL-001-20260522 (passed)" in imported.stdout
    assert _status_line(valid_root, "VAL-001").split()[1] == "passed"
    assert _status_line(valid_root, "UN-001").split()[1] == "passed"
    again = run_qms(valid_root, "evidence", "import", str(_study(valid_root)))
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1
    assert "VAL-001-20260522 is already recorded" in again.stderr


def test_a_study_with_a_criterion_not_met_fails_the_user_need(
    valid_root: Path,
) -> None:
    text = STUDY.replace(
        '"14 of 15 (93 %)"\nmet = true', '"12 of 15 (80 %)"\nmet = false'
    )
    imported = run_qms(valid_root, "evidence", "import", str(_study(valid_root, text)))
    assert imported.returncode == 0, imported.stderr
    assert _status_line(valid_root, "UN-001").split()[1] == "FAILED"
    check = run_qms(valid_root, "check")
    assert check.returncode == 1
    (line,) = [s for s in check.stdout.splitlines() if "[qms.evidence_failed]" in s]
    assert "UN-001: verification failed: VAL-001 (failed in run VAL-001-20260522)" in (
        line
    )


def test_a_changed_attachment_is_a_finding_naming_the_record(valid_root: Path) -> None:
    imported = run_qms(valid_root, "evidence", "import", str(_study(valid_root)))
    assert imported.returncode == 0, imported.stderr
    clean = run_qms(valid_root, "check")
    assert "evidence_attachment" not in clean.stdout
    (valid_root / "validation" / "report.md").write_text("# Edited\n", "utf-8")
    changed = run_qms(valid_root, "check")
    assert changed.returncode == 1
    (line,) = [s for s in changed.stdout.splitlines() if "evidence_attachment" in s]
    assert line.startswith(
        "traceability/evidence/VAL-001-20260522.json:0: error: run VAL-001-20260522: "
        "attachment validation/report.md has SHA-256 "
    )
    assert "the file changed [qms.evidence_attachment]" in line
    (valid_root / "validation" / "report.md").unlink()
    missing = run_qms(valid_root, "check")
    assert "attachment validation/report.md does not exist" in missing.stdout
