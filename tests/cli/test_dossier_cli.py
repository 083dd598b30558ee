"""``qms dossier``: folder, manifest, determinism, release checks and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def _qms(
    root: Path, *args: str, epoch: str | None = "1700000000"
) -> subprocess.CompletedProcess[str]:
    env = None
    if epoch is not None:
        import os  # noqa: PLC0415

        env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _html(root: Path) -> None:
    html = root / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text(
        "<html><body>device file</body></html>", encoding="utf-8"
    )


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=A", "-c", "user.email=a@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_dossier_folder_report_and_manifest(valid_root: Path) -> None:
    _html(valid_root)
    result = _qms(valid_root, "dossier", "--pathway", "eu-mdr")
    assert result.returncode == 1, (
        result.stderr
    )  # pages of Annex II sections are missing
    assert "!! II.1" in result.stdout
    assert "gate sections         FAILS" in result.stdout
    folder = valid_root / "_build" / "dossier" / "eu-mdr"
    report = json.loads((folder / "dossier-report.json").read_text())
    assert report["gate"] == "fail"
    states = {section["id"]: section["state"] for section in report["sections"]}
    assert states["II.1"] == "missing"
    # the PSUR is optional: missing (no page declares its role) without failing
    assert states["III.1.2"] == "missing"
    assert states["III.1.1"] == "external"
    [gate_sections] = [c for c in report["conditions"] if c["condition"] == "sections"]
    assert any(failure.startswith("II.1 ") for failure in gate_sections["failures"])
    assert not any(f.startswith("III.1.2 ") for f in gate_sections["failures"])
    manifest = (folder / "MANIFEST.sha256").read_text().splitlines()
    assert manifest[0].startswith("# source commit: ")
    listed = sorted(line.split("  ", 1)[1] for line in manifest[2:])
    on_disk = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "MANIFEST.sha256"
    )
    assert listed == on_disk
    assert (
        "index.html" in listed
        and "traceability.xlsx" in listed
        and "html/index.html" in listed
    )
    assert not [
        p
        for p in (valid_root / "_build" / "dossier").iterdir()
        if p.name.startswith(".")
    ]


def test_two_runs_give_byte_identical_files(valid_root: Path) -> None:
    _html(valid_root)
    _qms(valid_root, "dossier", "--pathway", "fda-denovo")
    folder = valid_root / "_build" / "dossier" / "fda-denovo"
    first = {
        p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    _qms(valid_root, "dossier", "--pathway", "fda-denovo")
    second = {
        p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert first == second


def test_a_dirty_tree_is_marked_not_a_release_build(valid_root: Path) -> None:
    _html(valid_root)
    _git(valid_root, "init", "-q", "-b", "main")
    _git(valid_root, "add", ".")
    _git(valid_root, "commit", "-q", "-m", "Device file")
    items = valid_root / "items.rst"
    items.write_text(items.read_text() + "\n", encoding="utf-8")
    _qms(valid_root, "dossier", "--pathway", "fda-denovo")
    folder = valid_root / "_build" / "dossier" / "fda-denovo"
    assert (folder / "MANIFEST.sha256").read_text().splitlines()[
        1
    ] == "# working tree: modified"
    assert "NOT A RELEASE BUILD" in (folder / "index.html").read_text()


def test_release_checks_the_tag_and_every_condition(valid_root: Path) -> None:
    _html(valid_root)
    _git(valid_root, "init", "-q", "-b", "main")
    _git(valid_root, "add", ".")
    _git(valid_root, "commit", "-q", "-m", "Device file")
    missing = _qms(valid_root, "dossier", "--pathway", "fda-denovo", "--release", "v9")
    assert missing.returncode == 2
    assert "release tag 'v9' does not exist" in missing.stderr
    _git(valid_root, "tag", "v1")
    (valid_root / "extra.txt").write_text("x")
    _git(valid_root, "add", "extra.txt")
    _git(valid_root, "commit", "-q", "-m", "After the tag")
    moved = _qms(valid_root, "dossier", "--pathway", "fda-denovo", "--release", "v1")
    assert moved.returncode == 2
    assert "HEAD is not at release 'v1'" in moved.stderr
    _git(valid_root, "checkout", "-q", "v1")
    release = _qms(valid_root, "dossier", "--pathway", "fda-denovo", "--release", "v1")
    assert release.returncode == 1
    assert (
        "gate unverified       FAILS" in release.stdout
    )  # no test result for REQ-001, RC-001
    # no design review of the release (ISO 13485 7.3.5)
    assert "gate design_review    FAILS (1)" in release.stdout


def test_bad_input_is_one_line_and_exit_2(valid_root: Path) -> None:
    unknown = _qms(valid_root, "dossier", "--pathway", "fda-pma")
    assert unknown.returncode == 2
    assert "unknown pathway 'fda-pma'" in unknown.stderr
    no_html = _qms(valid_root, "dossier", "--pathway", "fda-denovo")
    assert no_html.returncode == 2
    assert "no HTML build here; run `make html` first" in no_html.stderr
    no_pathway = _qms(valid_root, "dossier")
    assert no_pathway.returncode == 2
    assert "no pathway" in no_pathway.stderr
    _html(valid_root)
    (valid_root / "templates").mkdir()
    (valid_root / "templates" / "dossier-index.html.j2").write_text(
        "{% for x in %}\n", encoding="utf-8"
    )
    broken = _qms(valid_root, "dossier", "--pathway", "fda-denovo")
    assert broken.returncode == 2
    assert "template error" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert not (valid_root / "_build" / "dossier" / "fda-denovo").exists()


def test_an_fda_dossier_shows_the_software_elements_at_the_stated_level(
    valid_root: Path,
) -> None:
    _html(valid_root)
    (valid_root / "qms.toml").write_text(
        (valid_root / "qms.toml").read_text(encoding="utf-8")
        + '\n[project.classification]\nus_class = "II"\ndocumentation_level = "basic"\n',
        encoding="utf-8",
    )
    result = _qms(valid_root, "dossier", "--pathway", "fda-510k")
    assert result.returncode == 1, result.stderr  # the test root fills few sections
    folder = valid_root / "_build" / "dossier" / "fda-510k"
    report = json.loads((folder / "dossier-report.json").read_text())
    software = report["software_documentation"]
    assert software["basis"] == "documentation level basic"
    states = {element["id"]: element["state"] for element in software["elements"]}
    assert len(states) == 10
    assert states["SW-6"] == "not applicable"
    [srs] = [e for e in software["elements"] if e["id"] == "SW-4"]
    assert srs["state"] == "missing"  # the requirements exist, the SRS page does not
    assert (
        "document role 'software-requirements-specification' (Software requirements"
        " specification (IEC 62304 5.2); no page declares it)" in srs["detail"]
    )
    assert "!! SW-1" in result.stdout  # no classification page in the test root
    sections = report["conditions"]
    [gate_sections] = [c for c in sections if c["condition"] == "sections"]
    assert any(failure.startswith("SW-1 ") for failure in gate_sections["failures"])
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "Software documentation elements" in index
    assert "Documentation level basic" in index
