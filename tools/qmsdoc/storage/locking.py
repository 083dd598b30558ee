"""Serialise the commands that write records: one exclusive lock per record folder.

A record write is a read-modify-write (``qms review`` reads the review record, adds
its lines and writes it back; an import checks that its record does not exist yet),
and two commands doing that at once would each write what the other did not see.
:func:`locked` holds an exclusive ``flock`` on the record folder itself for the whole
read-modify-write, so the second command waits for the first and then reads what the
first wrote. The lock is on the folder, not on a lock file, so no file is left in a
committed folder; and not on the record, because
:func:`~qmsdoc.storage.atomic.write_atomic` replaces the record by a new file (the
folder stays the same). A command that waits longer than ``timeout`` is refused in
one line, never let through. ``flock`` on a folder needs a local file system: where it
is not supported (some network file systems) the write is refused, never unlocked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from typing import TYPE_CHECKING

from qmsdoc.errors import OutputError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["WAIT_SECONDS", "locked"]

#: how long a writer waits for another one before it is refused (``QMS_LOCK_WAIT``
#: seconds overrides it: a CI job that must not queue sets 0)
WAIT_SECONDS = 60.0
_FIRST_PAUSE = 0.005
_LONGEST_PAUSE = 0.1


@contextlib.contextmanager
def locked(
    folder: Path, *, subject: Path | None = None, timeout: float | None = None
) -> Iterator[None]:
    """Hold the exclusive write lock of the record folder ``folder`` (created if
    missing) until the block ends; wait at most ``timeout`` seconds for it.

    Locks are per open folder, so a process must not nest two of the same folder.

    :param subject: The record being written, named in the message (default the
        folder).
    :param timeout: Seconds to wait (default ``QMS_LOCK_WAIT`` or
        :data:`WAIT_SECONDS`).
    :raises OutputError: If the folder cannot be created or opened, or another
        command held the lock for longer than ``timeout``.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise OutputError(
            f"{folder}: cannot be written: {error.strerror or error}"
        ) from None
    try:
        _acquire(handle, subject or folder, _wait() if timeout is None else timeout)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _acquire(handle: int, subject: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = _FIRST_PAUSE
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass
        except OSError as error:
            raise OutputError(
                f"{subject}: cannot be locked for writing: {error.strerror or error}"
            ) from None
        else:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OutputError(
                f"another qms command is writing {subject}; try again "
                f"(waited {timeout:g} s)"
            )
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, _LONGEST_PAUSE)


def _wait() -> float:
    """``QMS_LOCK_WAIT`` seconds (0 to 3600), else :data:`WAIT_SECONDS`.

    :raises OutputError: If the variable is not such a number.
    """
    value = os.environ.get("QMS_LOCK_WAIT")
    if value is None or not value.strip():
        return WAIT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:  # an hour is the longest wait
        raise OutputError(
            f"QMS_LOCK_WAIT={value[:20]!r}: not a number of seconds from 0 to 3600"
        )
    return seconds
