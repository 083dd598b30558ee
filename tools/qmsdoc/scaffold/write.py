"""Write a new device file all at once, or not at all.

The files go into a temporary folder next to the target, which is renamed into
place at the end: a failure leaves no half-written device file behind.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from qmsdoc.errors import OutputError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["target_problem", "write_tree"]

#: what a target folder may already hold: an empty repository
_ALLOWED: frozenset[str] = frozenset({".git"})


def target_problem(target: Path) -> str | None:
    """Why ``target`` cannot receive a new device file, or None: it does not exist,
    or it is a folder holding nothing but ``.git``."""
    if not target.exists():
        return None
    if not target.is_dir():
        return f"{target}: exists and is not a folder"
    present = sorted(entry.name for entry in target.iterdir())
    extra = [name for name in present if name not in _ALLOWED]
    if extra:
        shown = ", ".join(extra[:3]) + (", ..." if len(extra) > 3 else "")
        return f"{target}: not empty ({shown}); qms init writes only into a new or empty folder"
    return None


def write_tree(target: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (POSIX path -> text) under ``target``.

    :raises OutputError: If ``target`` is not new or empty, or a file cannot be
        written; nothing is left behind then.
    """
    problem = target_problem(target)
    if problem is not None:
        raise OutputError(problem)
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(f"{parent}: no such folder")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as error:
        raise OutputError(f"{parent}: cannot write: {error.strerror}") from None
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        if target.exists():  # an empty repository: keep its .git
            for name in sorted(_ALLOWED):
                if (target / name).exists():
                    (target / name).rename(staging / name)
            target.rmdir()
        staging.rename(target)
    except OSError as error:
        _restore(staging, target)
        raise OutputError(f"{target}: cannot write: {error.strerror}") from None


def _restore(staging: Path, target: Path) -> None:
    """Put a moved ``.git`` back and remove the staging folder."""
    for name in _ALLOWED:
        if (staging / name).exists():
            target.mkdir(exist_ok=True)
            if not (target / name).exists():
                (staging / name).rename(target / name)
    shutil.rmtree(staging, ignore_errors=True)
