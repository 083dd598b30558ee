"""Fixtures of the interchange tests: an empty project."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.project import Project, load_project

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def empty_project(tmp_path: Path) -> Project:
    """A device file with the default profile and no items yet."""
    root = tmp_path / "device"
    (root / "items").mkdir(parents=True)
    (root / "qms.toml").write_text(
        'extends = "medical-device"\n\n[project]\nname = "Empty"\nsources = ["items"]\n',
        encoding="utf-8",
    )
    return load_project(root)
