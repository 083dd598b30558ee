"""``qms vulnerabilities import`` / ``list`` on real scanner reports (tests/data)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib import resources
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from qmsdoc.cli import cli, main
from qmstest import TESTS

if TYPE_CHECKING:
    from pathlib import Path

SCANNERS = TESTS / "data" / "scanners"
#: the real CycloneDX generator for Python (cyclonedx-bom, a test dependency)
_CYCLONEDX_PY = (sys.executable, "-m", "cyclonedx_py")


def _records(root: Path) -> Path:
    return root / "traceability" / "vulnerabilities"


def _invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--root", str(root), "vulnerabilities", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _fails(
    capsys: pytest.CaptureFixture[str], root: Path, *args: str
) -> tuple[int, str]:
    """Run ``qms`` as the console script does; return the exit code and stderr."""
    with pytest.raises(SystemExit) as done:
        main(["--root", str(root), "vulnerabilities", *args])
    captured = capsys.readouterr()
    assert captured.out == ""
    code = done.value.code
    return code if isinstance(code, int) else -1, captured.err


def test_import_writes_the_record_and_prints_a_summary(valid_root: Path) -> None:
    report = SCANNERS / "trivy-fluentd-multiple-lockfiles.json"
    code, output = _invoke(valid_root, "import", str(report), "--name", "fluentd")
    path = _records(valid_root.resolve()) / "fluentd.json"
    assert code == 0, output
    assert output == (
        f"qms vulnerabilities: fluentd: 3 findings in 3 packages (Trivy) -> {path}\n"
        "  by severity: 1 CRITICAL, 1 HIGH, 1 LOW\n"
        "  first record of this name\n"
    )
    document = json.loads(path.read_text("utf-8"))
    assert document["scanner"] == "trivy"
    assert document["source"] == "trivy-fluentd-multiple-lockfiles.json"
    assert [f["vulnerability_id"] for f in document["findings"]] == [
        "CVE-2020-8165",
        "CVE-2019-18276",
        "CVE-2019-18224",
    ]


def test_a_second_import_says_which_findings_are_new_or_gone(
    valid_root: Path, tmp_path: Path
) -> None:
    report = SCANNERS / "trivy-pip.json"
    _invoke(valid_root, "import", str(report), "--name", "web")
    code, output = _invoke(valid_root, "import", str(report), "--name", "web")
    assert code == 0, output
    assert output.endswith("  no findings new or gone since the previous record\n")
    # Werkzeug upgraded past the first fix: one CVE gone, a new one reported
    document = json.loads(report.read_text("utf-8"))
    entries = document["Results"][0]["Vulnerabilities"]
    del entries[0]
    entries[0]["VulnerabilityID"] = "CVE-2023-25577"
    entries[0]["Severity"] = "HIGH"
    later = tmp_path / "later.json"
    later.write_text(json.dumps(document), encoding="utf-8")
    code, output = _invoke(valid_root, "import", str(later), "--name", "web")
    assert code == 0, output
    assert output.splitlines()[1:] == [
        "  by severity: 1 HIGH",
        "  new: CVE-2023-25577 in Werkzeug 0.11 (HIGH)",
        "  gone: CVE-2019-14806 in Werkzeug 0.11 (HIGH)",
        "  gone: CVE-2020-28724 in Werkzeug 0.11 (MEDIUM)",
    ]


def test_the_version_grype_states_is_printed(valid_root: Path) -> None:
    report = SCANNERS / "grype-same-cve-different-paths.json"
    code, output = _invoke(valid_root, "import", str(report), "--scanner", "grype")
    path = _records(valid_root.resolve()) / "grype-same-cve-different-paths.json"
    assert code == 0, output
    # the same CVE at two paths of one package is one finding
    assert output.splitlines()[0] == (
        "qms vulnerabilities: grype-same-cve-different-paths: 1 findings in "
        f"1 packages (Grype 0.36.0) -> {path}"
    )


def test_list_shows_the_findings_of_every_record(valid_root: Path) -> None:
    _invoke(valid_root, "import", str(SCANNERS / "trivy-pip.json"), "--name", "web")
    _invoke(
        valid_root,
        "import",
        str(SCANNERS / "osv-scanner-results.json"),
        "--name",
        "api",
    )
    code, output = _invoke(valid_root, "list")
    assert code == 0, output
    assert output == (
        "api: 3 findings (OSV-Scanner, osv-scanner-results.json)\n"
        "  GO-2021-0053         github.com/gogo/protobuf 1.3.1 UNKNOWN (fixed: 1.3.2)\n"
        "  GHSA-m5pq-gvj9-9vr8  regex 1.5.1 HIGH (fixed: 1.5.5)\n"
        "  RUSTSEC-2022-0013    regex 1.5.1 UNKNOWN (fixed: 1.5.5)\n"
        "web: 2 findings (Trivy, trivy-pip.json)\n"
        "  CVE-2019-14806       Werkzeug 0.11 HIGH (fixed: 0.15.3)\n"
        "  CVE-2020-28724       Werkzeug 0.11 MEDIUM (fixed: 0.11.6)\n"
        "qms vulnerabilities: 2 records\n"
    )
    code, output = _invoke(valid_root, "list", "web")
    assert code == 0, output
    assert output.splitlines()[0] == "web: 2 findings (Trivy, trivy-pip.json)"
    assert output.splitlines()[-1] == "qms vulnerabilities: 1 records"


def test_list_of_an_unknown_record_is_exit_2(
    valid_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, error = _fails(capsys, valid_root, "list", "nothing")
    assert code == 2
    folder = _records(valid_root.resolve())
    assert error == f"qms: error: {folder}: no vulnerability record named 'nothing'\n"


def _sbom(tmp_path: Path) -> Path:
    """A CycloneDX SBOM made by the real cyclonedx-py tool."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("flask==2.0.0\n", encoding="utf-8")
    sbom = tmp_path / "sbom.json"
    subprocess.run(
        [*_CYCLONEDX_PY, "requirements", str(requirements), "--output-file", str(sbom)],
        check=True,
        capture_output=True,
    )
    return sbom


def _bad_input(kind: str, tmp_path: Path) -> tuple[list[str], str]:
    """Arguments for ``import`` and the start of the one-line error they give."""
    path = tmp_path / f"{kind}.json"
    if kind == "malformed":
        path.write_text('{"SchemaVersion": 2, "Results": [}\n', encoding="utf-8")
        return [str(path)], f"{path}:1:34: not valid JSON"
    if kind == "trivy-as-grype":
        shutil.copyfile(SCANNERS / "trivy-pip.json", path)
        return [str(path), "--scanner", "grype"], (
            f"{path}: is not a Grype report: no 'matches'"
        )
    if kind == "sbom":
        sbom = _sbom(tmp_path)
        return [str(sbom)], f"{sbom}: is a CycloneDX SBOM, not a vulnerability scan"
    if kind == "empty":
        path.write_bytes(b"")
        return [str(path)], f"{path}: is empty, not a scanner report"
    if kind == "wrong-types":
        document = json.loads((SCANNERS / "trivy-pip.json").read_text("utf-8"))
        document["Results"][0]["Vulnerabilities"] = "CVE-2019-14806"
        path.write_text(json.dumps(document), encoding="utf-8")
        return [str(path)], (
            f"{path}: Results[0].Vulnerabilities: must be an array, not a string"
        )
    return [str(path)], f"{path}: cannot be read: No such file or directory"


@pytest.mark.parametrize(
    "kind",
    ["malformed", "trivy-as-grype", "sbom", "empty", "wrong-types", "missing"],
)
def test_bad_input_is_exit_2_one_line_and_nothing_written(
    kind: str, valid_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments, message = _bad_input(kind, tmp_path)
    code, error = _fails(capsys, valid_root, "import", *arguments)
    assert code == 2
    assert error.startswith(f"qms: error: {message}")
    assert error.endswith("\n")
    assert error.count("\n") == 1
    assert not _records(valid_root).exists()


def test_bad_input_leaves_the_previous_record_as_it_was(
    valid_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _invoke(valid_root, "import", str(SCANNERS / "trivy-pip.json"), "--name", "web")
    record = _records(valid_root) / "web.json"
    before = record.read_bytes()
    arguments, _ = _bad_input("wrong-types", tmp_path)
    code, _ = _fails(capsys, valid_root, "import", *arguments, "--name", "web")
    assert code == 2
    assert record.read_bytes() == before
    assert sorted(p.name for p in _records(valid_root).iterdir()) == ["web.json"]


def test_a_profile_without_soup_is_a_one_line_error(
    valid_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = resources.files("qmsdoc.profile") / "data" / "medical-device.toml"
    packaged = data.read_text(encoding="utf-8")
    without = re.sub(r"(?m)^\[soup\]\n(?:(?!\[).*\n)*", "", packaged)
    assert "[soup]" not in without
    (valid_root / "qms.toml").write_text(
        without
        + '\n[project]\nname = "Valid"\nsources = ["."]\nexclude = ["_build"]\n',
        encoding="utf-8",
    )
    report = SCANNERS / "trivy-pip.json"
    code, error = _fails(capsys, valid_root, "import", str(report))
    assert code == 2
    assert error == "qms: error: the profile has no [soup] table\n"
    assert not _records(valid_root).exists()
