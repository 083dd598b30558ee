"""qms init's scaffold: the files of a new device file, read back by the engine."""

from __future__ import annotations

import ast
import re
import tomllib
from typing import TYPE_CHECKING

import pytest

from qmsdoc.documents.control import read_documents
from qmsdoc.dossier.plan import load_pathway, plan_roles, project_pathway
from qmsdoc.errors import OutputError, ProjectError
from qmsdoc.model.myst_source import scan_markdown
from qmsdoc.profile import load_profile
from qmsdoc.project import load_project
from qmsdoc.scaffold import (
    STUB_MARKER,
    InitOptions,
    document_prefix,
    pathway_roles,
    project_files,
    target_problem,
    write_tree,
)
from qmsdoc.scaffold.templates_io import template_names

if TYPE_CHECKING:
    from pathlib import Path


def test_the_roles_are_those_the_pathway_plans_need() -> None:
    roles, sections = pathway_roles(["fda-510k", "eu-mdr"])
    expected = dict.fromkeys(
        [*plan_roles(load_pathway("fda-510k")), *plan_roles(load_pathway("eu-mdr"))]
    )
    assert roles == [role for role in expected if role != "design-history-file-index"]
    assert (
        "fda-510k 7 Proposed Indications for Use (Form 3881)"
        in sections["intended-use"]
    )


@pytest.mark.parametrize("markup", ["rst", "md"])
def test_each_needed_role_gets_one_numbered_stub_page(
    tmp_path: Path, markup: str
) -> None:
    options = InitOptions(name="Glucose Coach", pathways=("fda-510k",), markup=markup)
    target = tmp_path / "device"
    write_tree(target, project_files(options))
    project = load_project(target)
    documents = read_documents(project)
    roles, _ = pathway_roles(options.pathways)
    declared = [d.role for d in documents.declarations]
    frame = {"section-overview", "design-history-file-index"}
    assert sorted(r for r in declared if r not in frame) == sorted(roles)
    assert declared.count("section-overview") == 4
    front = (target / f"index.{markup}").read_text(encoding="utf-8")
    assert "GLUCOSECOACH-DOC-000" in front
    assert "design-history-file-index" in front
    numbers = [d.number for d in documents.declarations]
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("GLUCOSECOACH-") for n in numbers)
    stubs = [page.docname for page in documents.pages if page.stub_line]
    assert sorted(stubs) == sorted(
        d.docname for d in documents.declarations if d.role in roles
    )


def test_a_stub_says_what_it_holds_and_who_asks_for_it() -> None:
    files = project_files(InitOptions(name="X1"))
    text = files["risks/risk-management-report.rst"]
    description = dict(load_profile().documents.roles)["risk-management-report"]  # type: ignore[union-attr]
    assert description == "Risk management report (ISO 14971 9)"
    assert text.startswith("Risk management report\n======================\n")
    assert "It is asked for by ISO 14971 9." in text
    assert "fda-510k 10 " in text
    assert f"\n.. {STUB_MARKER}: " in text
    assert "This document is a stub" in text


def test_markdown_pages_are_myst_the_reader_sees() -> None:
    files = project_files(InitOptions(name="X1", markup="md"))
    text = files["source/intended-use.md"]
    assert f"\n% {STUB_MARKER}: " in text
    found = scan_markdown(
        text,
        path="source/intended-use.md",
        docname="source/intended-use",
        directives={"qms-document-control"},
    )
    assert [(raw.title, raw.option("role")) for raw in found] == [
        ("X1-DOC-003", "intended-use")
    ]
    assert '"myst_parser", "qmsdoc"' in files["conf.py"]
    assert "index.md" in files
    assert "index.rst" not in files


def test_every_template_is_used_and_every_placeholder_filled() -> None:
    files = project_files(InitOptions(name='Dev "quoted"', pathways=("eu-mdr",)))
    assert not [path for path, text in files.items() if "@@" in text]
    assert len(template_names()) == 7
    ast.parse(files["conf.py"])
    config = tomllib.loads(files["qms.toml"])
    assert config["project"]["name"] == 'Dev "quoted"'
    assert config["project"]["pathways"] == ["eu-mdr"]
    assert config["project"]["classification"] == {
        "eu_regulation": "MDR",
        "eu_class": "IIa",
        "documentation_level": "basic",
        "software_safety_class": "B",
    }


def test_the_project_file_loads_with_the_engine(tmp_path: Path) -> None:
    write_tree(tmp_path / "d", project_files(InitOptions(name="D", safety_class="C")))
    project = load_project(tmp_path / "d")
    assert project.pathways == ("fda-510k",)
    assert project.classification.us_class == "II"
    assert project.classification.software_safety_class == "C"
    assert project.profile.documents is not None
    assert project.profile.documents.required


def test_makefile_and_ci_keep_the_two_command_contract() -> None:
    files = project_files(InitOptions(name="D"))
    makefile = files["Makefile"]
    for target in ("dossier:", "test: check", "check:", "html:", "evidence:"):
        assert f"\n{target}" in makefile
    for variable in ("QMS ?=", "SPHINXBUILD ?=", "PYTEST ?=", "INSTALL ?="):
        assert f"\n{variable}" in makefile
    for ci in (files[".github/workflows/qms.yml"], files[".gitlab-ci.yml"]):
        assert "make check" in ci
        assert "qms evidence import" in ci
        assert "make dossier" in ci


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (InitOptions(name="D", pathways=("fda-999",)), "unknown pathway 'fda-999'"),
        (InitOptions(name="D", pathways=()), "no pathway"),
        (InitOptions(name="D", safety_class="D"), "safety class 'D'"),
        (InitOptions(name="D", documentation_level="full"), "documentation level"),
        (InitOptions(name="D", markup="adoc"), "format 'adoc'"),
        (InitOptions(name="a\nb"), "on one line"),
    ],
)
def test_answers_that_cannot_be_used_are_one_line_each(
    options: InitOptions, problem: str
) -> None:
    with pytest.raises(ProjectError, match=problem) as raised:
        project_files(options)
    assert "\n" not in str(raised.value)


def test_document_prefix() -> None:
    assert document_prefix("my device 2") == "MYDEVICE2"
    assert document_prefix("3d-scan") == "DSCAN"
    assert document_prefix("çà") == "DHF"


def test_a_folder_with_files_is_refused_and_nothing_written(tmp_path: Path) -> None:
    target = tmp_path / "d"
    target.mkdir()
    (target / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputError, match=r"not empty \(notes\.txt\)"):
        write_tree(target, {"conf.py": "x"})
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["d", "notes.txt"]


def test_an_empty_repository_keeps_its_git_folder(tmp_path: Path) -> None:
    target = tmp_path / "d"
    (target / ".git").mkdir(parents=True)
    (target / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    assert target_problem(target) is None
    write_tree(target, {"a/b.txt": "b"})
    assert (target / ".git" / "HEAD").is_file()
    assert (target / "a" / "b.txt").read_text(encoding="utf-8") == "b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "d"
    # a file whose folder is a file: the second write fails
    with pytest.raises(OutputError, match="cannot write"):
        write_tree(target, {"x": "1", "x/y": "2"})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("pathway", ["fda-510k", "fda-denovo", "eu-mdr", "eu-ivdr"])
def test_the_commented_override_examples_are_valid_once_uncommented(
    tmp_path: Path, pathway: str
) -> None:
    files = project_files(InitOptions(name="D", pathways=(pathway,)))
    lines = files["qms.toml"].splitlines()
    start = lines.index(f"# [project.pathway_overrides.{pathway}.sections]")
    example = re.compile(r'# (\[|"|[a-z_-]+ = )')
    files["qms.toml"] = "\n".join(
        [
            *lines[:start],
            *(line[2:] if example.match(line) else line for line in lines[start:]),
        ]
    )
    write_tree(tmp_path / "d", files)
    project = load_project(tmp_path / "d")
    (override,) = project.pathway_overrides
    assert override.pathway == pathway
    plan = project_pathway(project, pathway)
    added = [s for s in plan.plan.sections if s.title == "Human factors summary"]
    assert [s.documents for s in added] == [("use-specification",)]
