"""``qms dossier`` fills pathway sections by document role, not by page path.

Issue 18, "Done when": a Serenya pathway section moved to another page by changing
only a document declaration still fills; a device file with none of Serenya's pages
fills its sections from the roles its own pages declare, and its dossier names no
Serenya page.
"""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

from qmsdoc.dossier.plan import load_pathway, plan_roles
from qmstest import copy_serenya, run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path


def _report(root: Path, pathway: str) -> dict[str, Any]:
    path = root / "_build" / "dossier" / pathway / "dossier-report.json"
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return report


def _sections(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    entries = [
        *report["sections"],
        *report.get("software_documentation", {}).get("elements", []),
    ]
    return {entry["id"]: entry for entry in entries}


def _html(root: Path) -> None:
    """A stand-in HTML build: the section states do not read it."""
    html = root / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<html><body>device file</body></html>")


def test_a_serenya_section_moved_to_another_page_still_fills(tmp_path: Path) -> None:
    """The intended use moves to a page of another name, keeping its declaration
    (``:role: intended-use``); nothing else changes."""
    root = copy_serenya(tmp_path / "serenya")
    moved = root / "source" / "indications-for-use.rst"
    shutil.move(root / "source" / "intended-use.rst", moved)
    assert ":role: intended-use" in moved.read_text(encoding="utf-8")
    _html(root)
    result = run_qms(root, "dossier", timeout=600)
    assert result.returncode in (0, 1), result.stderr
    denovo, mdr = _report(root, "fda-denovo"), _report(root, "eu-mdr")
    sections = _sections(denovo)
    assert sections["7"]["state"] == "filled"
    assert sections["7"]["sources"] == ["intended-use: source/indications-for-use"]
    assert "intended-use: source/indications-for-use" in sections["SW-2"]["sources"]
    assert (
        "intended-use: source/indications-for-use" in _sections(mdr)["II.1"]["sources"]
    )
    for report in (denovo, mdr):
        states = {entry["state"] for entry in _sections(report).values()}
        assert "missing" not in states
        assert "source/intended-use" not in json.dumps(report["sections"])


def test_a_serenya_section_whose_role_no_page_declares_is_missing(
    tmp_path: Path,
) -> None:
    """The same page without its role: the sections that ask for it say so."""
    root = copy_serenya(tmp_path / "serenya")
    page = root / "source" / "intended-use.rst"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(":role: intended-use", ":role: section-overview"))
    _html(root)
    result = run_qms(root, "dossier", "--pathway", "fda-denovo", timeout=600)
    assert result.returncode == 1, result.stderr
    section = _sections(_report(root, "fda-denovo"))["7"]
    assert section["state"] == "missing"
    assert section["detail"].startswith(
        "missing: document role 'intended-use' (Intended use and indications"
    )
    assert section["detail"].endswith("no page declares it)")
    assert "!! 7 " in result.stdout


MINIMAL_CONF = (
    'project = "Minimal"\nextensions = ["qmsdoc"]\nexclude_patterns = ["_build"]\n'
)
MINIMAL_TOML = """extends = "medical-device"

[project]
name = "Minimal"
sources = ["docs"]
pathways = ["eu-mdr"]

[project.pathway_overrides.eu-mdr.sections."III.1.2"]
not_applicable = "Not yet on the market: the first PSUR follows the first period"

[project.pathway_overrides.eu-mdr.roles]
"use-specification" = "device-description"
"""


def _minimal(root: Path) -> list[str]:
    """A device file with one page per role the MDR plan needs (none of Serenya's),
    each page declaring its role; the use specification is part of the device
    description (a mapped role). Returns the page names."""
    roles = list(plan_roles(load_pathway("eu-mdr")))
    roles.remove("use-specification")
    (root / "docs").mkdir(parents=True)
    (root / "conf.py").write_text(MINIMAL_CONF, encoding="utf-8")
    (root / "qms.toml").write_text(MINIMAL_TOML, encoding="utf-8")
    names = []
    for number, role in enumerate(roles, start=1):
        name = f"doc-{number:02d}"
        title = role.replace("-", " ").capitalize()
        (root / "docs" / f"{name}.rst").write_text(
            f"{title}\n{'=' * len(title)}\n\n"
            f".. qms-document-control:: MIN-DOC-{number:03d}\n   :role: {role}\n\n"
            f"The {role.replace('-', ' ')} of the minimal device.\n",
            encoding="utf-8",
        )
        names.append(f"docs/{name}")
    toctree = "".join(f"   {name}\n" for name in names)
    (root / "index.rst").write_text(
        f"Minimal device\n==============\n\n.. toctree::\n\n{toctree}",
        encoding="utf-8",
    )
    return names


def test_a_device_file_without_serenya_pages_fills_sections_by_role(
    tmp_path: Path,
) -> None:
    root = tmp_path / "minimal"
    names = _minimal(root)
    build = sphinx_build(root)
    assert build.returncode == 0, build.stderr
    result = run_qms(root, "dossier", timeout=600)
    assert result.returncode == 1, result.stderr  # no items: II.2 and others miss
    report = _report(root, "eu-mdr")
    sections = _sections(report)
    overview = sections["II.1"]
    assert overview["state"] == "filled"
    assert overview["sources"][0] == f"intended-use: {names[0]}"
    assert overview["sources"][1] == f"device-description: {names[1]}"
    assert len(overview["sources"]) == 3  # the mapped use specification: once
    assert sections["III.1.2"]["state"] == "not applicable"
    for entry in sections.values():
        assert "document role" not in entry["detail"], entry
    assert sections["II.4"]["state"] == "missing"
    assert sections["II.4"]["detail"] == (
        "missing: 0 gspr items; 0 standard_clause items"
    )
    folder = root / "_build" / "dossier" / "eu-mdr"
    for file in ("dossier-report.json", "index.html"):
        assert "source/" not in (folder / file).read_text(encoding="utf-8")
    # the index links each page that fills a section by its role
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<a href="html/{names[0]}.html">{names[0]}</a>' in index
    assert f"intended-use: {names[0]}" not in index  # the link, not the text


def test_a_stub_page_fills_no_role(tmp_path: Path) -> None:
    """A page still the stub qms init wrote declares its role, but the document is
    not written: the section it would fill is missing."""
    root = tmp_path / "minimal"
    names = _minimal(root)
    page = root / f"{names[0]}.rst"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n.. qms-stub: written by qms init\n",
        encoding="utf-8",
    )
    assert sphinx_build(root).returncode == 0
    result = run_qms(root, "dossier", timeout=600)
    assert result.returncode == 1, result.stderr
    overview = _sections(_report(root, "eu-mdr"))["II.1"]
    assert overview["state"] == "missing"
    assert "document role 'intended-use'" in overview["detail"]


def test_a_bad_override_stops_the_dossier_with_one_line(tmp_path: Path) -> None:
    root = tmp_path / "minimal"
    _minimal(root)
    _html(root)
    with (root / "qms.toml").open("a", encoding="utf-8") as toml:
        toml.write(
            '\n[project.pathway_overrides.eu-mdr.sections."II.9"]\nrequired = true\n'
        )
    result = run_qms(root, "dossier", timeout=600)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"qms: error: {root / 'qms.toml'}: [project.pathway_overrides.eu-mdr.sections"
        """."II.9"]: the plan has no section 'II.9'"""
    )
    assert not (root / "_build" / "dossier" / "eu-mdr").exists()
    # qms check stops on it too, before reading the items: the gate never passes
    # on a qms.toml the dossier cannot use
    check = run_qms(root, "check")
    assert check.returncode == 2
    assert check.stderr.splitlines()[-1] == result.stderr.splitlines()[-1]
