"""Reading input files safely: the one reader for every file the engine reads.

Imported reports and SBOMs, committed records, the profile and the signer registry,
and item sources are all read through :func:`read_input_bytes` or
:func:`read_input_text`. Only regular files are read (a FIFO, device, socket or
folder is refused at once, without blocking on a FIFO), never more than a size
limit per kind of file (so ``/dev/zero`` cannot exhaust memory; a profile may set
the limits in ``[input_limits]``), and, when a root is
given, only files that resolve inside it. Messages quote input only through
:func:`excerpt`; text for a terminal goes through :func:`printable`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Literal

from qmsdoc.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

__all__ = [
    "CONFIGURABLE",
    "LIMITS",
    "InputKind",
    "configure_limits",
    "excerpt",
    "file_sha256",
    "limit_of",
    "limits_scope",
    "printable",
    "read_input_bytes",
    "read_input_text",
    "regular_file",
]

InputKind = Literal["report", "sbom", "record", "source", "profile", "registry"]

_MIB = 1024 * 1024
#: default size limit per kind of file, in bytes
LIMITS: dict[InputKind, int] = {
    "report": 64 * _MIB,
    "sbom": 64 * _MIB,
    "record": 8 * _MIB,
    "source": 8 * _MIB,
    "profile": 1 * _MIB,
    "registry": 1 * _MIB,
}

#: kinds whose limit a profile may set (``[input_limits]``); the profile's own limit
#: cannot come from the profile
CONFIGURABLE: tuple[InputKind, ...] = ("report", "sbom", "record", "source", "registry")
_CONFIGURED: ContextVar[Mapping[str, int] | None] = ContextVar(
    "qmsdoc_input_limits", default=None
)

_BLOCK = 1 << 20


def limit_of(kind: InputKind) -> int:
    """The size limit of a kind of file: the profile's (:func:`configure_limits`) or
    the default of :data:`LIMITS`."""
    return (_CONFIGURED.get() or {}).get(kind, LIMITS[kind])


def configure_limits(limits: Mapping[str, int]) -> None:
    """Use the profile's limits (bytes per kind) for the rest of the current
    :func:`limits_scope` (a ``qms`` command, a Sphinx build)."""
    _CONFIGURED.set(dict(limits))


@contextmanager
def limits_scope() -> Iterator[None]:
    """Limits configured inside the block are forgotten when it ends."""
    token = _CONFIGURED.set(_CONFIGURED.get())
    try:
        yield
    finally:
        _CONFIGURED.reset(token)


# ANSI escape sequences (CSI, OSC and two-character escapes), then any other C0 or
# C1 control character and DEL; tab and newline are kept by printable()
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def read_input_bytes(
    path: Path,
    *,
    kind: InputKind,
    limit: int | None = None,
    root: Path | None = None,
) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    :param kind: What the file is; picks the default size limit (:data:`LIMITS`)
        and names it in messages.
    :param limit: The size limit in bytes, instead of the kind's default.
    :param root: When given, the file (symlinks resolved) must lie inside it.
    :raises InputError: One line, if the file is missing or unreadable, is not a
        regular file, is larger than the limit, or lies outside ``root``.
    """
    maximum = limit_of(kind) if limit is None else limit
    if root is not None:
        _inside(path, root)
    regular_file(path, kind=kind, limit=maximum)
    descriptor = _open_regular(path)
    try:
        data = _read_at_most(descriptor, maximum + 1)
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    if len(data) > maximum:
        raise InputError(
            f"{path}: larger than the {_size(maximum)} limit for a {kind} file; refused"
        )
    return data


def file_sha256(path: Path, *, root: Path | None = None) -> str:
    """The SHA-256 of a regular file of any size, read in blocks (record attachments,
    the software under test): memory stays bounded without a size limit.

    :param root: When given, the file (symlinks resolved) must lie inside it.
    :raises InputError: One line, if the file is missing or unreadable, is not a
        regular file (a FIFO is refused at once), or lies outside ``root``.
    """
    if root is not None:
        _inside(path, root)
    descriptor = _open_regular(path)
    digest = hashlib.sha256()
    try:
        while block := os.read(descriptor, _BLOCK):
            digest.update(block)
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    return digest.hexdigest()


def _open_regular(path: Path) -> int:
    """A blocking descriptor of the regular file ``path``, checked on the open file."""
    try:
        # O_NONBLOCK: opening a FIFO for reading must not wait for a writer
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _CLOEXEC)
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror or error}") from None
    try:
        # checked on the open file: it may have been replaced since it was looked at
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: not a regular file ({_what(mode)}); refused")
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_input_text(
    path: Path,
    *,
    kind: InputKind,
    limit: int | None = None,
    root: Path | None = None,
    encoding: str = "utf-8",
) -> str:
    """The text of ``path`` read as :func:`read_input_bytes` reads its bytes.

    :param encoding: ``utf-8`` or ``utf-8-sig`` (a byte order mark is dropped).
    :raises InputError: As :func:`read_input_bytes`, and in one line if the file is
        not UTF-8 text.
    """
    data = read_input_bytes(path, kind=kind, limit=limit, root=root)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not UTF-8 text (byte {error.start + 1}: {error.reason})"
        ) from None


def regular_file(path: Path, *, kind: InputKind, limit: int | None = None) -> None:
    """Check, without reading it, that ``path`` is a regular file within the limit.

    For files another library opens by name (a workbook for openpyxl, a ``.robot``
    file for Robot Framework): symlinks are followed, and a FIFO is never opened.

    :raises InputError: As :func:`read_input_bytes`.
    """
    maximum = limit_of(kind) if limit is None else limit
    try:
        status = path.stat()
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror or error}") from None
    if not stat.S_ISREG(status.st_mode):
        raise InputError(
            f"{path}: not a regular file ({_what(status.st_mode)}); refused"
        )
    if status.st_size > maximum:
        raise InputError(
            f"{path}: larger than the {_size(maximum)} limit for a {kind} file; refused"
        )


def excerpt(text: str, length: int = 80) -> str:
    """At most ``length`` characters of ``text`` for a one-line message: control
    characters (newlines too) shown as ``?``, and ``...`` when it was cut."""
    flat = _CONTROL_OR_NEWLINE.sub("?", _ANSI.sub("?", text))
    if len(flat) <= length:
        return flat
    return flat[: max(length - 3, 0)] + "..."


def printable(text: str) -> str:
    """``text`` without ANSI escape sequences and C0/C1 control characters (tab and
    newline kept): safe to print to a terminal."""
    if text.isprintable():  # no control character, so no escape sequence either
        return text
    return _CONTROL.sub("", _ANSI.sub("", text))


_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _inside(path: Path, root: Path) -> None:
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise InputError(f"{path}: outside the project ({root}); refused")


def _read_at_most(descriptor: int, count: int) -> bytes:
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = os.read(descriptor, min(remaining, _BLOCK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _size(limit: int) -> str:
    if limit >= _MIB and limit % _MIB == 0:
        return f"{limit // _MIB} MiB"
    return f"{limit} bytes"
