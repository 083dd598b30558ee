"""The ``[release]`` profile table: where release records live, validated by key."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import ProfileError
from qmsdoc.project import load_project
from qmstest import copy_root

if TYPE_CHECKING:
    from pathlib import Path


def test_records_folder_defaults_and_is_configurable(tmp_path: Path) -> None:
    root = copy_root("test-valid", tmp_path / "device")
    assert load_project(root).profile.release_records == "traceability/releases"
    config = root / "qms.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[release]\nrecords = "dhf/releases"\n',
        encoding="utf-8",
    )
    assert load_project(root).profile.release_records == "dhf/releases"


def test_an_unknown_release_key_names_the_table(tmp_path: Path) -> None:
    root = copy_root("test-valid", tmp_path / "device")
    config = root / "qms.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[release]\nfolder = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"\[release\.folder\]: unknown key"):
        load_project(root)
