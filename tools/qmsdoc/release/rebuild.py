"""Rebuild the release dossiers from a commit, the way ``make release-record`` built
them, in a temporary ``git worktree``.

The steps are those of the ``release-record`` Makefile target: a from-scratch Sphinx
HTML build (and the single-page HTML when the recorded dossier holds the PDF), then
``qms dossier --release TAG`` for each recorded pathway, with ``SOURCE_DATE_EPOCH``
set to the commit time. Sphinx and the CLI run as subprocesses of this interpreter:
the rebuild uses the engine installed now, with the configuration and profile
committed at the tag.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from qmsdoc.errors import ProjectError
from qmsdoc.release.record import read_manifest
from qmsdoc.vcs import source_state

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.release.record import PathwayManifest
    from qmsdoc.vcs import GitHistory

__all__ = ["RebuildError", "rebuild_dossiers"]


class RebuildError(ProjectError):
    """A step of the rebuild failed; the message names the step and its last words."""


def rebuild_dossiers(
    root: Path,
    history: GitHistory,
    *,
    tag: str,
    commit: str,
    pathways: Sequence[str],
    pdf: bool,
) -> dict[str, PathwayManifest]:
    """Pathway -> the manifest of the dossier rebuilt from ``commit``.

    :param root: The project root (inside the repository of ``history``).
    :param pdf: Also print ``technical-file.pdf`` (needs Chromium).
    :raises RebuildError: If the worktree, Sphinx or ``qms dossier`` fails.
    """
    relative = root.resolve().relative_to(_top(root.resolve()))
    with tempfile.TemporaryDirectory(prefix="qms-release-") as work:
        tree = Path(work) / "tree"
        try:
            history.add_worktree(tree, commit)
        except OSError as error:
            raise RebuildError(f"cannot check out {commit[:12]}: {error}") from None
        try:
            return _build(tree / relative, tag=tag, pathways=pathways, pdf=pdf)
        finally:
            history.remove_worktree(tree)


def _build(
    project: Path, *, tag: str, pathways: Sequence[str], pdf: bool
) -> dict[str, PathwayManifest]:
    commit_time = source_state(project).commit_time
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(commit_time or 0)}
    sphinx = [sys.executable, "-m", "sphinx", "-q", "-E"]
    build = project / "_build"
    _run(
        [*sphinx, "-b", "html", ".", str(build / "html")],
        project,
        env,
        "sphinx-build html",
    )
    dossier = ["dossier", "--release", tag, "--output", str(build / "dossier")]
    if pdf:
        _run(
            [*sphinx, "-b", "singlehtml", ".", str(build / "singlehtml")],
            project, env, "sphinx-build singlehtml",
        )  # fmt: skip
        dossier += ["--singlehtml", str(build / "singlehtml")]
    for pathway in pathways:
        dossier += ["--pathway", pathway]
    qms = [sys.executable, "-c", "from qmsdoc.cli import main; main()"]
    # exit 1 is a failing gate: the dossier is written and compared all the same
    _run([*qms, *dossier], project, env, "qms dossier", allowed=(0, 1))
    return {
        folder.name: read_manifest(folder)
        for folder in sorted((build / "dossier").iterdir())
        if folder.is_dir() and not folder.name.startswith(".")
    }


def _run(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    step: str,
    *,
    allowed: tuple[int, ...] = (0,),
) -> None:
    completed = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode not in allowed:
        last = (completed.stderr.strip() or completed.stdout.strip()).splitlines()
        raise RebuildError(
            f"rebuild: {step} failed (exit {completed.returncode})"
            + (f": {last[-1]}" if last else "")
        )


def _top(folder: Path) -> Path:
    """The working tree holding ``folder`` (the nearest folder with ``.git``)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    raise ProjectError(f"{folder}: not in a git repository")
