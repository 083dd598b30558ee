"""Fixtures of the interchange tests: an empty project and the test data."""

from __future__ import annotations

from pathlib import Path

import pytest

from qmsdoc.project import Project, load_project

DATA = Path(__file__).parent.parent.parent / "data" / "interchange"


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
