"""Write a file completely or not at all: a temporary file in the same folder, renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from qmsdoc.errors import OutputError

__all__ = ["write_atomic"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one.

    :raises OutputError: If the folder cannot be created or written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            # mkstemp creates 0600; a report gets the mode a plain write would give
            Path(temporary).chmod(0o666 & ~_umask())
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink()
            raise
    except OSError as error:
        raise OutputError(
            f"{path}: cannot be written: {error.strerror or error}"
        ) from None
