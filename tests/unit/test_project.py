"""The project: root, item folders, excluded folders and the ``[project]`` table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import ProfileError, ProjectError
from qmsdoc.project import (
    PROJECT_FILE,
    AddedSection,
    PathwayOverride,
    SectionOverride,
    find_root,
    load_project,
)

if TYPE_CHECKING:
    from pathlib import Path


def _touch(root: Path, *relative: str) -> None:
    for name in relative:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Title\n=====\n", encoding="utf-8")


def _config(root: Path, text: str) -> Path:
    path = root / PROJECT_FILE
    path.write_text(text, encoding="utf-8")
    return path


def test_a_project_without_a_project_file_uses_defaults(tmp_path: Path) -> None:
    project = load_project(tmp_path)
    assert project.root == tmp_path
    assert project.name == tmp_path.name
    assert project.sources == (".",)
    assert "_build" in project.exclude
    assert ".venv" in project.exclude
    assert project.config_file is None
    assert project.profile.name == "medical-device"


def test_the_project_table_is_read(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        '[project]\nname = "Serenya"\nsources = ["requirements", "risks"]\n'
        'exclude = ["drafts"]\n',
    )
    project = load_project(tmp_path)
    assert project.config_file == config
    assert project.name == "Serenya"
    assert project.sources == ("requirements", "risks")
    assert project.exclude == ("drafts",)
    assert project.profile.source == str(config)


def test_an_explicit_config_file_is_used(tmp_path: Path) -> None:
    config = tmp_path / "other.toml"
    config.write_text('[project]\nname = "Other"\n', encoding="utf-8")
    _config(tmp_path, '[project]\nname = "Ignored"\n')
    project = load_project(tmp_path, config)
    assert project.name == "Other"
    assert project.config_file == config


def test_source_files_honours_sources(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "requirements/b.rst",
        "requirements/a.rst",
        "requirements/deep/er/c.rst",
        "requirements/notes.txt",
        "risks/hazards.rst",
        "other/ignored.rst",
        "index.rst",
    )
    _config(tmp_path, '[project]\nsources = ["risks", "requirements"]\n')
    files = load_project(tmp_path).source_files()
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "requirements/a.rst",
        "requirements/b.rst",
        "requirements/deep/er/c.rst",
        "risks/hazards.rst",
    ]


def test_source_files_honours_exclude(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "index.rst",
        "requirements/a.rst",
        "requirements/drafts/old.rst",
        "drafts/b.rst",
        "_build/html/c.rst",
    )
    _config(tmp_path, '[project]\nexclude = ["drafts"]\n')
    files = load_project(tmp_path).source_files()
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "_build/html/c.rst",
        "index.rst",
        "requirements/a.rst",
    ]


def test_default_exclude_skips_build_and_tool_folders(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "index.rst",
        "_build/x.rst",
        ".venv/lib/y.rst",
        "tests/roots/z.rst",
        "traceability/t.rst",
        "requirements/a.rst",
    )
    files = load_project(tmp_path).source_files()
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "index.rst",
        "requirements/a.rst",
    ]


def test_a_source_may_be_a_file_and_sources_may_overlap(tmp_path: Path) -> None:
    _touch(tmp_path, "requirements/a.rst", "single.rst")
    _config(
        tmp_path,
        '[project]\nsources = ["single.rst", "requirements", "requirements/a.rst"]\n',
    )
    files = load_project(tmp_path).source_files()
    assert [p.relative_to(tmp_path).as_posix() for p in files] == [
        "requirements/a.rst",
        "single.rst",
    ]


def test_a_missing_source_folder_fails(tmp_path: Path) -> None:
    config = _config(tmp_path, '[project]\nsources = ["requirements"]\n')
    project = load_project(tmp_path)
    with pytest.raises(ProjectError) as caught:
        project.source_files()
    assert str(caught.value) == (
        f"{config}: [project.sources]: 'requirements' does not exist"
    )


@pytest.mark.parametrize(
    ("table", "key", "problem"),
    [
        ("[project]\nname = 3\n", "project.name", "must be a string"),
        (
            '[project]\nsources = "requirements"\n',
            "project.sources",
            "must be a list of strings",
        ),
        (
            '[project]\nexclude = ["a", 1]\n',
            "project.exclude",
            "must be a list of strings",
        ),
        ('project = "Serenya"\n', "project", "must be a table"),
    ],
)
def test_a_project_table_with_wrong_types_fails(
    tmp_path: Path, table: str, key: str, problem: str
) -> None:
    config = _config(tmp_path, table)
    with pytest.raises(ProfileError) as caught:
        load_project(tmp_path)
    assert str(caught.value) == f"{config}: [{key}]: {problem}"
    assert caught.value.key == key


def test_an_invalid_profile_in_the_project_file_fails(tmp_path: Path) -> None:
    config = _config(tmp_path, '[types.requirement]\nprefx = "R-"\n')
    with pytest.raises(ProfileError) as caught:
        load_project(tmp_path)
    assert caught.value.path == str(config)


def test_find_root_walks_up_to_the_project_file(tmp_path: Path) -> None:
    _config(tmp_path, "")
    nested = tmp_path / "requirements" / "deep"
    nested.mkdir(parents=True)
    assert find_root(nested) == tmp_path.resolve()


def test_find_root_accepts_conf_py(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text("", encoding="utf-8")
    assert find_root(tmp_path) == tmp_path.resolve()


def test_find_root_fails_outside_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as caught:
        find_root(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path.resolve()}: not inside a qmsdoc")


def test_the_project_may_name_a_separate_profile_file(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    profile_file = tmp_path / "profiles" / "company.toml"
    profile_file.write_text(
        'extends = "medical-device"\n[types.requirement]\nprefix = "SRS-"\n',
        encoding="utf-8",
    )
    _config(tmp_path, '[project]\nprofile = "profiles/company.toml"\n')
    project = load_project(tmp_path)
    assert project.profile.source == str(profile_file)
    requirement = project.profile.item_type("requirement")
    assert requirement is not None
    assert requirement.prefix == "SRS-"


def test_a_missing_profile_file_fails(tmp_path: Path) -> None:
    _config(tmp_path, '[project]\nprofile = "company.toml"\n')
    with pytest.raises(ProfileError) as caught:
        load_project(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'company.toml'}: file not found"


def test_a_profile_that_is_not_a_path_fails(tmp_path: Path) -> None:
    config = _config(tmp_path, "[project]\nprofile = 3\n")
    with pytest.raises(ProfileError) as caught:
        load_project(tmp_path)
    assert str(caught.value) == (
        f"{config}: [project.profile]: must be a path to a profile file"
    )


def test_exclude_takes_a_path_from_the_root(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "requirements/a.rst",
        "requirements/drafts/b.rst",
        "risks/drafts/c.rst",
    )
    _config(tmp_path, '[project]\nsources = ["."]\nexclude = ["requirements/drafts"]\n')
    files = [
        p.relative_to(tmp_path).as_posix()
        for p in load_project(tmp_path).source_files()
    ]
    assert files == ["requirements/a.rst", "risks/drafts/c.rst"]


def test_an_unknown_project_key_is_an_error(tmp_path: Path) -> None:
    path = _config(tmp_path, '[project]\nsourcse = ["."]\n')
    with pytest.raises(ProfileError) as raised:
        load_project(tmp_path)
    assert str(raised.value).startswith(f"{path}: [project.sourcse]: unknown key")


def test_the_classification_table_is_read_and_checked(tmp_path: Path) -> None:
    _config(
        tmp_path,
        '[project.classification]\nus_class = "II"\neu_regulation = "MDR"\neu_class = "IIb"\n'
        'software_safety_class = "B"\nexternal_controls = true\n',
    )
    claims = load_project(tmp_path).classification
    assert (claims.us_class, claims.eu_class, claims.external_controls) == (
        "II",
        "IIb",
        True,
    )
    path = _config(tmp_path, '[project.classification]\nus_klass = "II"\n')
    with pytest.raises(ProfileError) as raised:
        load_project(tmp_path)
    assert str(raised.value).startswith(
        f"{path}: [project.classification.us_klass]: unknown key"
    )
    _config(tmp_path, '[project.classification]\nexternal_controls = "yes"\n')
    with pytest.raises(ProfileError, match="must be true or false"):
        load_project(tmp_path)


def test_pathway_overrides_are_read_into_records(tmp_path: Path) -> None:
    """``[project.pathway_overrides]``: section changes, added sections and role
    mappings, in file order (checked against the plans by the dossier)."""
    _config(
        tmp_path,
        '[project.pathway_overrides.fda-510k.sections."4"]\n'
        'not_applicable = "  No Pre-Submission has been held  "\n'
        '[project.pathway_overrides.fda-510k.sections."6"]\n'
        'documents = ["device-description"]\npages = ["docs/extra"]\nrequired = false\n'
        "[[project.pathway_overrides.fda-510k.add]]\n"
        'id = "9.1"\ntitle = "Bench comparison"\nafter = "9"\nrequired = true\n'
        'item_types = ["design_output"]\nwhere = { element = "labeling" }\n'
        "[project.pathway_overrides.fda-510k.roles]\n"
        '"device-description" = "software-description"\n'
        '"intended-use" = ["intended-use", "use-specification"]\n',
    )
    [override] = load_project(tmp_path).pathway_overrides
    assert override == PathwayOverride(
        pathway="fda-510k",
        sections=(
            SectionOverride(
                section_id="4", not_applicable="No Pre-Submission has been held"
            ),
            SectionOverride(
                section_id="6",
                documents=("device-description",),
                pages=("docs/extra",),
                required=False,
            ),
        ),
        added=(
            AddedSection(
                section_id="9.1",
                title="Bench comparison",
                after="9",
                required=True,
                item_types=("design_output",),
                where=(("element", "labeling"),),
            ),
        ),
        roles=(
            ("device-description", ("software-description",)),
            ("intended-use", ("intended-use", "use-specification")),
        ),
    )


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[project]\npathway_overrides = 1\n", "", "must be a table"),
        (
            "[project.pathway_overrides.fda-510k]\nadd = 1\n",
            ".fda-510k.add",
            "must be a list of tables",
        ),
        (
            "[project.pathway_overrides.fda-510k]\nadd = [1]\n",
            ".fda-510k.add[0]",
            "must be a table",
        ),
        (
            '[project.pathway_overrides.fda-510k.sections."4"]\nrequired = "yes"\n',
            ".fda-510k.sections.4.required",
            "must be true or false",
        ),
        (
            '[project.pathway_overrides.fda-510k.sections."4"]\nnot_applicable = 1\n',
            ".fda-510k.sections.4.not_applicable",
            "must be a string",
        ),
        (
            "[project.pathway_overrides.fda-510k.roles]\nintended-use = []\n",
            ".fda-510k.roles.intended-use",
            "must be a role or a list of roles",
        ),
        (
            '[[project.pathway_overrides.fda-510k.add]]\nid = "9.1"\ntitle = ""\n',
            ".fda-510k.add[0].title",
            "must be a non-empty string",
        ),
        (
            "[[project.pathway_overrides.fda-510k.add]]\n"
            'id = "9.1"\ntitle = "T"\nwhere = { element = 1 }\n',
            ".fda-510k.add[0].where.element",
            "must be a string",
        ),
        (
            '[project.pathway_overrides.fda-510k.sections."9.1"]\npages = [1]\n',
            '.fda-510k.sections."9.1".pages',
            "must be a list of strings",
        ),
    ],
)
def test_a_malformed_pathway_override_is_one_line_with_its_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = _config(tmp_path, text)
    with pytest.raises(ProfileError) as raised:
        load_project(tmp_path)
    assert str(raised.value) == f"{path}: [project.pathway_overrides{key}]: {problem}"
