"""needs.json of another sphinx-needs project, built for real with sphinx-needs'
``needs`` builder, becomes local items (types mapped by the mapping file), or a
``[project] external_needs`` suggestion."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.device_file import read_items
from qmsdoc.errors import InputError
from qmsdoc.interchange.importer import write_import
from qmsdoc.interchange.mapping import load_mapping, same_name_mapping
from qmsdoc.interchange.needs_import import external_needs_suggestion, read_needs
from qmstest import sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.project import Project

CONF = """\
project = "other"
extensions = ["sphinx_needs"]
exclude_patterns = ["_build"]
needs_id_regex = ".*"
needs_types = [
    {"directive": "stakeholder", "title": "Stakeholder need", "prefix": "SN-"},
    {"directive": "sysreq", "title": "System requirement", "prefix": "SR-"},
    {"directive": "note", "title": "Note", "prefix": "N-"},
]
needs_extra_links = [{"option": "satisfies", "incoming": "satisfied by"}]
"""
PAGE = """\
Other project
=============

.. stakeholder:: See which results are abnormal
   :id: UN-501
   :status: approved

   The patient wants to know which results are *abnormal*.

.. sysreq:: Flag results outside the range
   :id: REQ-501
   :status: draft
   :satisfies: UN-501

   The system shall flag each result.

.. note:: A remark, not a requirement
   :id: N-1
"""


@pytest.fixture(scope="module")
def needs_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("other")
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.rst").write_text(PAGE, encoding="utf-8")
    run = sphinx_build(root, builder="needs")
    assert run.returncode == 0, run.stderr[-2000:]
    return root / "_build" / "needs" / "needs.json"


def test_needs_become_local_items_with_their_links(
    empty_project: Project, tmp_path: Path, needs_json: Path
) -> None:
    profile = empty_project.profile
    mapping_file = tmp_path / "map.toml"
    mapping_file.write_text(
        '[needs.types]\nstakeholder = "user_need"\nsysreq = "requirement"\n',
        encoding="utf-8",
    )
    read = read_needs(needs_json, load_mapping(mapping_file, profile), profile)
    assert read.needs_read == 3
    assert sorted(item.id for item in read.items) == ["REQ-501", "UN-501"]
    assert [entry.reason for entry in read.skipped] == [
        "N-1: need type 'note' not mapped"
    ]
    write_import(
        empty_project, read.items, command="needs", source=needs_json,
        out=empty_project.root / "items", fmt="md", objects_read=read.needs_read,
        skipped=read.skipped,
    )  # fmt: skip
    items = {item.id: item for item in read_items(empty_project)}
    assert items["REQ-501"].item_type == "requirement"
    assert items["REQ-501"].field("status") == "draft"
    assert [(link.link_type, link.target) for link in items["REQ-501"].links] == [
        ("satisfies", "UN-501")
    ]
    assert items["UN-501"].content == (
        "The patient wants to know which results are *abnormal*."
    )
    report = (empty_project.root / "items" / "needs.import-report.txt").read_text(
        encoding="utf-8"
    )
    assert report.splitlines()[:3] == [
        "qms import needs needs.json",
        "objects read: 3",
        "items written: 2",
    ]


def test_without_a_mapping_only_needs_of_profile_types_are_taken(
    empty_project: Project, needs_json: Path
) -> None:
    read = read_needs(
        needs_json, same_name_mapping(empty_project.profile), empty_project.profile
    )
    assert read.items == ()
    assert len(read.skipped) == 3


def test_external_needs_suggestion_names_the_file_inside_the_project(
    empty_project: Project, needs_json: Path
) -> None:
    inside = empty_project.root / "other" / "needs.json"
    inside.parent.mkdir()
    inside.write_bytes(needs_json.read_bytes())
    assert external_needs_suggestion(empty_project, inside).splitlines()[1:] == [
        "[project]",
        'external_needs = [{ path = "other/needs.json", id_prefix = "", base_url = "" }]',
    ]
    with pytest.raises(InputError, match="outside the project"):
        external_needs_suggestion(empty_project, needs_json)
