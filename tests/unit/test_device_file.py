"""Reading a project's device file from its sources and checking it, without Sphinx."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.device_file import check_device_file, read_items, read_raw_items
from qmsdoc.project import load_project

from ._rst import CORE_CHECK_PREFIXES, VALID_CHAIN, rst

if TYPE_CHECKING:
    from pathlib import Path


def _project(root: Path, files: dict[str, str]) -> None:
    (root / "qms.toml").write_text(
        '[project]\nname = "Test"\nsources = ["requirements", "risks"]\n',
        encoding="utf-8",
    )
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_valid_device_file_passes(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "requirements/chain.rst": VALID_CHAIN,
            "other/ignored.rst": ".. requirement:: Outside the sources\n",
            "risks/README.txt": ".. hazard:: Not an rST file\n",
        },
    )
    # the valid chain has no security control: a device without one says so
    # (otherwise each security rule reports that it has nothing to cover)
    with (tmp_path / "qms.toml").open("a", encoding="utf-8") as config:
        config.write(
            "[coverage.security_control_implemented]\nallow_empty = true\n"
            "[coverage.security_control_verified]\nallow_empty = true\n"
        )
    project = load_project(tmp_path)
    outcome = check_device_file(project)
    assert len(outcome.items) == 13
    assert {i.location.path for i in outcome.items} == {"requirements/chain.rst"}
    assert [
        f for f in outcome.findings if f.check_id.startswith(CORE_CHECK_PREFIXES)
    ] == []


def test_items_come_from_every_source_file_in_location_order(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "risks/hazards.rst": ".. hazard:: H\n   :id: HAZ-001\n",
            "requirements/b.rst": "Intro.\n\n.. requirement:: B\n   :id: REQ-002\n",
            "requirements/a.rst": rst("""\
                .. requirement:: A
                   :id: REQ-001

                Example::

                   .. requirement:: Not an item
                """),
        },
    )
    project = load_project(tmp_path)
    assert [(r.location.path, r.location.line) for r in read_raw_items(project)] == [
        ("requirements/a.rst", 1),
        ("requirements/b.rst", 3),
        ("risks/hazards.rst", 1),
    ]
    assert [i.id for i in read_items(project)] == ["REQ-001", "REQ-002", "HAZ-001"]


def test_a_broken_device_file_fails_the_gate(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {"requirements/a.rst": ".. requirement:: No id\n", "risks/none.rst": ""},
    )
    outcome = check_device_file(load_project(tmp_path))
    assert not outcome.passes_gate
    [missing] = [f for f in outcome.findings if f.check_id == "id_missing"]
    assert (missing.path, missing.line, missing.docname) == (
        "requirements/a.rst",
        1,
        "requirements/a",
    )
