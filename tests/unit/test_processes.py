"""The registry of QMS processes: every name it declares resolves, and each check,
command, page part, sheet and record belongs to exactly one process."""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from collections import Counter
from importlib import resources
from typing import TYPE_CHECKING

import click
import pytest

import qmsdoc.checks
from qmsdoc.processes import (
    PROCESSES,
    catalogue,
    catalogue_entries,
    commands,
    process,
    record_kinds,
    registered_checks,
)
from qmsdoc.profile import load_profile

if TYPE_CHECKING:
    from pathlib import Path

PACKAGED = tomllib.loads(
    resources.files("qmsdoc.profile")
    .joinpath("data/medical-device.toml")
    .read_text(encoding="utf-8")
)


def _duplicates(values: list[str]) -> list[str]:
    return sorted(name for name, count in Counter(values).items() if count > 1)


def test_process_names_are_unique_and_found() -> None:
    names = [entry.name for entry in PROCESSES]
    assert _duplicates(names) == []
    assert process("risk").name == "risk"
    with pytest.raises(KeyError):
        process("no_such_process")


def test_each_command_resolves_to_a_click_command_of_that_name() -> None:
    declared = [name for entry in PROCESSES for name, _ in entry.commands]
    assert _duplicates(declared) == []
    for name, target in commands().items():
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command), target
        assert command.name == name


def test_every_top_level_cli_command_is_declared_by_a_process() -> None:
    """A click command written in a command module but declared by no process would
    never be reachable: ``qms`` lists only what the processes declare."""
    declared = set(commands().values())
    for module_name in sorted({target.split(":")[0] for target in declared}):
        values = vars(importlib.import_module(module_name))
        in_groups = {
            id(child)
            for value in values.values()
            if isinstance(value, click.Group)
            for child in value.commands.values()
        }
        for attribute, value in values.items():
            if (
                isinstance(value, click.Command)
                and getattr(value.callback, "__module__", None) == module_name
                and id(value) not in in_groups
            ):
                assert f"{module_name}:{attribute}" in declared


def test_each_page_part_is_a_sphinx_extension_module() -> None:
    parts = [module for entry in PROCESSES for module in entry.pages]
    assert _duplicates(parts) == []
    for name in parts:
        assert name.startswith("qmsdoc.sphinxext."), name
        assert callable(importlib.import_module(name).setup), name


def _check_modules_with(attribute: str) -> set[str]:
    """The modules of :mod:`qmsdoc.checks` that define ``attribute``."""
    names = (
        f"qmsdoc.checks.{i.name}" for i in pkgutil.iter_modules(qmsdoc.checks.__path__)
    )
    return {name for name in names if hasattr(importlib.import_module(name), attribute)}


def test_each_check_is_run_by_exactly_one_process() -> None:
    modules = [module for entry in PROCESSES for module in entry.check_modules]
    assert _duplicates(modules) == []
    ids = [check.check_id for check in registered_checks()]
    assert _duplicates(ids) == []
    # every check module of the package is run by a process: none is forgotten
    assert set(modules) == _check_modules_with("CHECKS")
    spec_modules = {m for entry in PROCESSES for m in entry.spec_modules}
    assert spec_modules == _check_modules_with("SPECS")


def test_profile_sections_exist_in_the_packaged_profile() -> None:
    for entry in PROCESSES:
        for section in entry.sections:
            assert section in PACKAGED, f"{entry.name}: no [{section}] table"


def test_record_kinds_belong_to_one_process_each() -> None:
    assert _duplicates(list(record_kinds())) == []
    assert {"findings", "evidence", "approvals", "sbom"} <= set(record_kinds())


BARE = """\
[profile]
name = "bare"
version = "1"

[fields.status]
kind = "choice"
values = ["draft", "approved"]

[links]

[types.req]
title = "Requirement"
prefix = "R-"
required = ["status"]
"""


def test_catalogue_follows_the_profile_sections(tmp_path: Path) -> None:
    (tmp_path / "bare.toml").write_text(BARE, encoding="utf-8")
    bare = load_profile(tmp_path / "bare.toml")
    full = load_profile()
    bare_ids = {spec.check_id for spec in catalogue_entries(bare)}
    full_ids = {spec.check_id for spec in catalogue_entries(full)}
    risk_ids = {
        check.spec.check_id
        for check in importlib.import_module("qmsdoc.checks.risk").CHECKS
    }
    assert risk_ids <= full_ids
    assert not risk_ids & bare_ids  # no [risk] table: its checks cannot be waived
    assert {"id_missing", "record_invalid", "waiver_unused"} <= bare_ids
    assert "coverage" not in full_ids  # one entry per coverage rule instead
    assert catalogue(full) == [(s.check_id, s.summary) for s in catalogue_entries(full)]


def test_each_workbook_section_has_one_process_and_one_writer() -> None:
    from qmsdoc.export.xlsx import SECTIONS  # noqa: PLC0415 (openpyxl: this test only)

    declared = [name for entry in PROCESSES for name in entry.sheets]
    assert _duplicates(declared) == []
    assert sorted(declared) == sorted(SECTIONS)
