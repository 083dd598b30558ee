"""A released device file: a real git repository, tagged, its dossier built with a
real Sphinx build and ``qms dossier --release``, and its release record written."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

from qmstest import copy_root, run_qms
from release.releasetest import TAG, build_release, git

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="session")
def _released_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_root("test-valid", tmp_path_factory.mktemp("release") / "device")
    (root / ".gitignore").write_text("_build/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Rel Ease")
    git(root, "config", "user.email", "rel@example.com")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Device file")
    git(root, "tag", "-a", TAG, "-m", "Release 1.0.0")
    build_release(root, TAG)
    recorded = run_qms(root, "release", "record", TAG)
    assert recorded.returncode == 0, recorded.stderr
    return root


@pytest.fixture
def released(_released_template: Path, tmp_path: Path) -> Path:
    """A copy of the released repository (tests change it), record not committed."""
    return shutil.copytree(_released_template, tmp_path / "device", symlinks=True)
