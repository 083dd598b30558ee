"""Shared fixtures: test roots (small real projects) copied to temporary folders."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from qmstest import copy_root

if TYPE_CHECKING:
    from pathlib import Path


def pytest_configure(config: pytest.Config) -> None:
    """Keep tool output plain whatever terminal runs the suite.

    CI may set ``FORCE_COLOR``; Sphinx and pytest then write ANSI colour
    codes into the text the tests read back.
    """
    del config
    os.environ.pop("FORCE_COLOR", None)
    os.environ["NO_COLOR"] = "1"


@pytest.fixture
def broken_root(tmp_path: Path) -> Path:
    """A project whose items break every foundation check once."""
    return copy_root("test-broken", tmp_path / "broken")


@pytest.fixture
def valid_root(tmp_path: Path) -> Path:
    """A small project with a complete design-control chain."""
    return copy_root("test-valid", tmp_path / "valid")
