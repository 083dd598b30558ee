"""Shared fixtures: test roots (small real projects) copied to temporary folders."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmstest import copy_root

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def broken_root(tmp_path: Path) -> Path:
    """A project whose items break every foundation check once."""
    return copy_root("test-broken", tmp_path / "broken")


@pytest.fixture
def valid_root(tmp_path: Path) -> Path:
    """A small project with a complete design-control chain."""
    return copy_root("test-valid", tmp_path / "valid")
