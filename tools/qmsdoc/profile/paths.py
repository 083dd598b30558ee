"""Folders and files a profile names: confined to the project, checked at load.

Record folders (``[evidence] directory``, ``[soup] directory``, ...) are where imports
write and checks read committed records; ``[project] sources`` is where items are
read. A profile naming an absolute path or one that climbs out with ``..`` would make
``qms`` read or write outside the device file (``[suspect] record = "/etc/passwd"``
printed that file's first line), so the profile loader refuses it, naming the key.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath

__all__ = ["project_path_problem"]

#: control characters (a NUL makes every file call raise) and backslashes
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


def project_path_problem(value: str) -> str | None:
    """Why ``value`` cannot name a path inside the project, or None when it can.

    A usable path is relative, POSIX-style, non-empty and has no ``..`` part.
    """
    if not value.strip():
        return "must be a non-empty path relative to the project root"
    if (
        PurePosixPath(value).is_absolute()
        or PureWindowsPath(value).drive
        or value.startswith("~")
    ):
        return "must be relative to the project root, not an absolute path"
    if _UNSAFE.search(value):
        return "must be a POSIX path without backslashes or control characters"
    if ".." in PurePosixPath(value).parts:
        return "must stay inside the project root (no '..' parts)"
    return None
