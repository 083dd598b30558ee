"""Items of sphinx-needs needs.json files: needimport and [project] external_needs."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from qmsdoc.errors import InputError, ProfileError
from qmsdoc.input_files import read_input_text
from qmsdoc.model import Location, load_items, needs_json
from qmsdoc.model.needs_json import (
    NeedsSource,
    imported_items,
    needs_of,
    raw_items_of,
    sphinx_external_needs,
)
from qmsdoc.project import ExternalNeeds, load_project
from qmstest import copy_root

from .._rst import default_profile

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.model import RawItem


def _file(needs: dict[str, Any], version: str = "1.0") -> str:
    return json.dumps(
        {"current_version": version, "versions": {version: {"needs": needs}}},
        indent=2,
    )


def _external(text: str, **options: Any) -> list[RawItem]:
    source = NeedsSource(
        path="other/needs.json", origin="external:other/needs.json", **options
    )
    return raw_items_of(text, source, profile=default_profile())


@pytest.fixture
def imported_root(tmp_path: Path) -> Path:
    return copy_root("test-imported", tmp_path / "root")


# -- the file -------------------------------------------------------------------


def test_the_current_version_is_read_unless_one_is_named() -> None:
    text = json.dumps(
        {
            "current_version": "2.0",
            "versions": {
                "1.0": {"needs": {"UN-1": {"id": "UN-1"}}},
                "2.0": {"needs": {"UN-2": {"id": "UN-2"}}},
            },
        }
    )
    assert list(needs_of(text, source="n.json", version=None)) == ["UN-2"]
    assert list(needs_of(text, source="n.json", version="1.0")) == ["UN-1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"versions": {\n  "1": {"needs": {]}}', "n.json:2:19: not valid JSON"),
        ("[]", "n.json: not a needs.json (the top level is not an object)"),
        ('{"current_version": "1"}', "n.json: not a needs.json ('versions' missing"),
        ('{"versions": {}}', "n.json: 'current_version' missing or not a string"),
        ('{"current_version": "2", "versions": {"1": {"needs": {}}}}', "n.json: no version '2'"),
        ('{"current_version": "1", "versions": {"1": {}}}', "n.json: no version '1' with a 'needs'"),
        ('{"current_version": "1", "versions": {"1": {"needs": {"A": 3}}}}', "n.json: need 'A' is not an object"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_needs_json_is_one_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        needs_of(text, source="n.json", version=None)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)
    assert raised.value.exit_code == 2


def test_a_need_with_a_field_of_the_wrong_shape_is_one_line() -> None:
    with pytest.raises(
        InputError, match=r"other/needs.json: need 'UN-1': 'title' is not a string"
    ):
        _external(_file({"UN-1": {"id": "UN-1", "type": "user_need", "title": 7}}))
    with pytest.raises(InputError, match=r"'satisfies' is not a list of ids"):
        _external(_file({"R": {"id": "R", "type": "requirement", "satisfies": [1]}}))


# -- needs to raw items ------------------------------------------------------------


def test_a_need_becomes_a_raw_item_with_profile_fields_and_links() -> None:
    text = _file(
        {
            "REQ-1": {
                "id": "REQ-1",
                "type": "requirement",
                "title": "Flag results",
                "content": "The software shall flag.",
                "status": "approved",
                "kind": "functional",
                "level": "software",
                "tags": ["a", "b"],
                "satisfies": ["UN-1", "UN-2"],
                "satisfies_back": ["X"],
                "docname": "reqs",
                "lineno": 4,
                "sections": ["Requirements"],
                "is_need": True,
            },
            "UN-1": {
                "id": "UN-1",
                "type": "User need",
                "title": "See results",
                "description": "Older files call the content description.",
            },
        }
    )
    requirement, user_need = _external(text)
    assert requirement.directive == "requirement"
    assert requirement.title == "Flag results"
    assert requirement.content == "The software shall flag."
    assert dict(requirement.options) == {
        "id": "REQ-1",
        "status": "approved",
        "kind": "functional",
        "level": "software",
        "tags": "a, b",
        "satisfies": "UN-1, UN-2",
    }
    assert requirement.origin == "external:other/needs.json"
    assert requirement.location == Location(path="other/needs.json", line=6, docname="")
    # a type unknown by directive is looked up by name; otherwise kept for the loader
    # to leave out
    assert user_need.directive == "user need"
    assert user_need.content == "Older files call the content description."
    [item] = load_items([requirement, user_need], default_profile())
    assert item.id == "REQ-1"
    assert item.origin == "external:other/needs.json"
    assert [link.target for link in item.links] == ["UN-1", "UN-2"]


def test_a_type_is_found_by_the_profile_type_name_too() -> None:
    profile = default_profile()
    renamed = replace(profile.types[0], name="need_of_a_user")
    custom = replace(profile, types=(renamed, *profile.types[1:]))
    text = _file({"X-1": {"id": "X-1", "type": "need_of_a_user", "title": "T"}})
    [raw] = raw_items_of(
        text, NeedsSource(path="n.json", origin="external:n.json"), profile=custom
    )
    assert raw.directive == renamed.directive


def test_the_id_prefix_applies_to_ids_and_links_within_the_file() -> None:
    text = _file(
        {
            "REQ-1": {
                "id": "REQ-1",
                "type": "requirement",
                "refines": ["REQ-2", "REQ-9.part"],
            },
            "REQ-2": {"id": "REQ-2", "type": "requirement", "refines": ["REQ-1.part"]},
        }
    )
    first, second = _external(text, id_prefix="P-")
    assert dict(first.options) == {"id": "P-REQ-1", "refines": "P-REQ-2, REQ-9.part"}
    assert dict(second.options) == {"id": "P-REQ-2", "refines": "P-REQ-1.part"}


def test_ids_select_needs_and_tags_are_added() -> None:
    text = _file(
        {
            "UN-1": {"id": "UN-1", "type": "user_need", "tags": "x"},
            "UN-2": {"id": "UN-2", "type": "user_need"},
        }
    )
    [raw] = _external(text, ids=("UN-2", "UN-404"), tags=("imported",))
    assert dict(raw.options) == {"id": "UN-2", "tags": "imported"}
    [first, _] = _external(text, tags=("imported",))
    assert first.option("tags") == "x, imported"


# -- the project ---------------------------------------------------------------------


def test_a_project_imports_needimport_and_external_needs(imported_root: Path) -> None:
    items = imported_items(load_project(imported_root))
    by_id = {raw.option("id"): raw for raw in items}
    assert list(by_id) == ["UN-901", "UN-902", "CLIN-7", "PLAT-REQ-001", "PLAT-RC-002"]
    # needimport'ed needs are needs of the importing document, at the directive
    assert {by_id[i].location for i in ("UN-901", "UN-902", "CLIN-7")} == {
        Location(path="imported/user-needs.rst", line=6, docname="imported/user-needs")
    }
    assert by_id["UN-901"].origin == "needimport:imported/clinical-needs.json"
    # the version named by :version:, not the file's first
    assert by_id["UN-901"].title == "See which results are abnormal"
    assert by_id["PLAT-RC-002"].origin == "external:external/platform-needs.json"
    assert by_id["PLAT-RC-002"].location == Location(
        path="external/platform-needs.json", line=15, docname=""
    )


def test_each_file_is_read_once(
    imported_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = imported_root / "imported" / "again.rst"
    page.write_text(
        "Again\n=====\n\n.. needimport:: /imported/clinical-needs.json\n   :id_prefix: B-\n",
        encoding="utf-8",
    )
    read: list[str] = []
    original = read_input_text

    def counting(path: Path, **options: Any) -> str:
        read.append(path.name)
        return original(path, **options)

    monkeypatch.setattr(needs_json, "read_input_text", counting)
    items = imported_items(load_project(imported_root))
    assert read.count("clinical-needs.json") == 1
    assert [
        raw.option("id") for raw in items if raw.location.path == "imported/again.rst"
    ] == [
        "B-UN-901",
        "B-UN-902",
        "B-CLIN-7",
    ]


def test_a_needimport_in_a_literal_block_or_of_a_url_imports_nothing(
    imported_root: Path,
) -> None:
    (imported_root / "imported" / "user-needs.rst").write_text(
        "Needs\n=====\n\nExample::\n\n   .. needimport:: missing.json\n\n"
        ".. needimport:: https://example.com/needs.json\n",
        encoding="utf-8",
    )
    origins = {raw.origin for raw in imported_items(load_project(imported_root))}
    assert origins == {"external:external/platform-needs.json"}


def test_a_missing_import_is_named_at_its_directive(imported_root: Path) -> None:
    (imported_root / "imported" / "clinical-needs.json").unlink()
    with pytest.raises(InputError) as raised:
        imported_items(load_project(imported_root))
    message = str(raised.value)
    assert message.startswith("imported/user-needs.rst:6: needimport: ")
    assert "clinical-needs.json: cannot be read" in message


def test_an_import_outside_the_project_is_refused(imported_root: Path) -> None:
    (imported_root.parent / "secret.json").write_text(_file({}), encoding="utf-8")
    page = imported_root / "imported" / "user-needs.rst"
    page.write_text(".. needimport:: ../../secret.json\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"user-needs.rst:1: needimport: .*secret.json"
    ):
        imported_items(load_project(imported_root))


def test_a_malformed_external_file_names_its_line(imported_root: Path) -> None:
    (imported_root / "external" / "platform-needs.json").write_text(
        '{\n  "versions": {,\n}', encoding="utf-8"
    )
    with pytest.raises(
        InputError, match=r"^external/platform-needs.json:2:16: not valid JSON"
    ):
        imported_items(load_project(imported_root))


def test_external_needs_for_sphinx_needs(imported_root: Path) -> None:
    project = load_project(imported_root)
    assert project.external_needs == (
        ExternalNeeds(
            path="external/platform-needs.json",
            base_url="https://platform.example/docs",
        ),
    )
    assert sphinx_external_needs(project) == [
        {
            "json_path": str(imported_root / "external" / "platform-needs.json"),
            "base_url": "https://platform.example/docs",
            "id_prefix": "",
        }
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"needs.json"', r"\[project.external_needs\]: must be a list"),
        ("[3]", r"\[project.external_needs\]: must be a list of paths or tables"),
        ('[{ path = "n.json", colour = "red" }]', r"\[project.external_needs.colour\]: unknown key"),
        ('[{ version = "1" }]', r"\[project.external_needs.path\]: a path is required"),
        ('["../n.json"]', r"\[project.external_needs.path\]: must stay inside"),
        ('[{ path = "n.json", version = 2 }]', r"\[project.external_needs.version\]: must be a string"),
    ],
)  # fmt: skip
def test_a_bad_external_needs_entry_is_a_profile_error(
    tmp_path: Path, value: str, message: str
) -> None:
    (tmp_path / "qms.toml").write_text(
        f'extends = "medical-device"\n\n[project]\nexternal_needs = {value}\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=message):
        load_project(tmp_path)
