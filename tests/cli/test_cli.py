"""The ``qms`` command line, in process (CliRunner) and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from click.testing import CliRunner

from qmsdoc.cli import cli

if TYPE_CHECKING:
    from pathlib import Path


def _qms(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_passes_on_a_complete_chain(valid_root: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(valid_root), "check"])
    assert result.exit_code == 0, result.output
    assert (
        "qms check: PASS: 11 items, 0 open findings, 0 accepted deviations"
        in result.output
    )
    document = json.loads((valid_root / "traceability" / "findings.json").read_text())
    assert document["summary"]["gate"] == "pass"
    assert document["findings"] == []


def test_check_fails_and_lists_findings_at_file_and_line(broken_root: Path) -> None:
    result = _qms("check", cwd=broken_root)
    assert result.returncode == 1
    assert (
        "items.rst:15: error: VT-001: a verification_test cannot carry 'satisfies' links"
        in result.stdout
    )
    assert (
        "items.rst:39: error: id 'REQ-003' is already used at items.rst:30 [qms.id_duplicate]"
        in result.stdout
    )
    # nothing to check is a finding: the broken file has no risk file and no SOUP
    assert "qms.toml:1: error: the risk file is empty" in result.stdout
    assert "[qms.soup_list_empty]" in result.stdout
    assert (
        "qms check: FAIL: 6 items, 25 open findings, 1 accepted deviations"
        in result.stdout
    )
    document = json.loads((broken_root / "traceability" / "findings.json").read_text())
    assert document["summary"]["gate"] == "fail"
    assert [d["check"] for d in document["deviations"]] == [
        "qms.coverage_requirement_verified"
    ]
    assert document["deviations"][0]["justification"].startswith(
        "Verified by inspection"
    )


def test_findings_file_is_byte_identical_on_two_runs(broken_root: Path) -> None:
    _qms("check", cwd=broken_root)
    first = (broken_root / "traceability" / "findings.json").read_bytes()
    _qms("check", cwd=broken_root)
    assert (broken_root / "traceability" / "findings.json").read_bytes() == first


def test_check_never_modifies_sources(broken_root: Path) -> None:
    before = {p: p.read_bytes() for p in broken_root.rglob("*.rst")}
    _qms("check", cwd=broken_root)
    assert {p: p.read_bytes() for p in broken_root.rglob("*.rst")} == before


def test_invalid_profile_is_one_line_and_exit_2(valid_root: Path) -> None:
    (valid_root / "qms.toml").write_text(
        'extends = "medical-device"\n[coverage.x]\ntype = "requirement"\nincoming = "verifies"\n'
        'outgoing = "verifies"\nfrom = ["verification_test"]\ndescription = "x"\n',
        encoding="utf-8",
    )
    result = _qms("check", cwd=valid_root)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"qms: error: {valid_root / 'qms.toml'}: [coverage.x]: give exactly one of 'incoming' or 'outgoing'"
    ]
    assert result.stdout == ""


def test_missing_project_is_exit_2(tmp_path: Path) -> None:
    result = _qms("--root", str(tmp_path), "check", cwd=tmp_path)
    assert result.returncode == 2
    assert "not a qmsdoc project" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_findings_file_is_exit_2(valid_root: Path) -> None:
    blocker = valid_root / "blocker"
    blocker.write_text("a file, not a folder")
    result = _qms(
        "check", "--findings-file", str(blocker / "findings.json"), cwd=valid_root
    )
    assert result.returncode == 2
    assert "cannot be written" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_error_is_exit_2(valid_root: Path) -> None:
    result = _qms("check", "--no-such-option", cwd=valid_root)
    assert result.returncode == 2
    assert "No such option" in result.stderr


def test_checks_lists_every_check_id(valid_root: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(valid_root), "checks"])
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.output.splitlines()]
    assert "qms.id_duplicate" in ids
    assert "qms.coverage_requirement_verified" in ids
    assert ids == sorted(ids)


def test_items_lists_items_by_type(valid_root: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--root", str(valid_root), "items", "--type", "requirement"]
    )
    assert result.exit_code == 0
    assert result.output.split()[:3] == ["REQ-001", "requirement", "items.rst:10"]
    bad = CliRunner().invoke(
        cli, ["--root", str(valid_root), "items", "--type", "nope"]
    )
    assert bad.exit_code == 2


def test_profile_shows_types_and_validates_a_file(
    valid_root: Path, tmp_path: Path
) -> None:
    shown = CliRunner().invoke(cli, ["--root", str(valid_root), "profile"])
    assert shown.exit_code == 0
    assert "requirement" in shown.output
    assert "qms.coverage_requirement_verified" in shown.output
    good = tmp_path / "company.toml"
    good.write_text(
        'extends = "medical-device"\n[types.requirement]\nprefix = "SRS-"\n'
    )
    validated = CliRunner().invoke(
        cli, ["--root", str(valid_root), "profile", "--validate", str(good)]
    )
    assert validated.exit_code == 0
    assert "valid profile medical-device" in validated.output


def test_missing_profile_file_is_exit_2(valid_root: Path) -> None:
    (valid_root / "qms.toml").write_text(
        '[project]\nprofile = "profiles/company.toml"\n'
    )
    result = _qms("check", cwd=valid_root)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"qms: error: {valid_root / 'profiles' / 'company.toml'}: file not found"
    )


def test_separate_profile_file_is_used(valid_root: Path) -> None:
    (valid_root / "company.toml").write_text(
        'extends = "medical-device"\n[types.requirement]\nprefix = "SRS-"\n'
    )
    (valid_root / "qms.toml").write_text(
        '[project]\nprofile = "company.toml"\nsources = ["."]\n'
    )
    result = _qms("check", cwd=valid_root)
    assert result.returncode == 1
    assert (
        "id 'REQ-001' does not match the requirement pattern 'SRS-[0-9]{3,4}'"
        in result.stdout
    )
