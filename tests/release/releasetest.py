"""Helpers of the release record tests: the test identity's git and the release
build steps (a module of its own so that the tests import them by name)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from qmstest import run_qms

if TYPE_CHECKING:
    from pathlib import Path

TAG = "v1.0.0"
PATHWAY = "fda-denovo"


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` as the test identity; its standard output."""
    return subprocess.run(
        ["git", "-c", "user.name=Rel Ease", "-c", "user.email=rel@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def build_release(root: Path, tag: str) -> subprocess.CompletedProcess[str]:
    """The steps of ``make release-record`` (without the PDF) at HEAD of ``root``."""
    epoch = git(root, "log", "-1", "--format=%ct")
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", ".", "_build/html"],
        cwd=root, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return run_qms(root, "dossier", "--release", tag, "--pathway", PATHWAY, env=env)
