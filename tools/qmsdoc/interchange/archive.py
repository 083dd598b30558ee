"""Zip containers of imported files (``.reqifz``, ``.xlsx``), opened with a size cap.

A zip may say its members are small and inflate to gigabytes (a zip bomb). Members
are therefore inflated in blocks, never more than the ``report`` input limit in
total (``[input_limits] report``, :mod:`qmsdoc.input_files`), whatever sizes the
archive declares; a container over the limit is one line naming it.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from qmsdoc.errors import InputError
from qmsdoc.input_files import limit_of

__all__ = ["check_inflated_size", "single_member", "zip_single"]

_BLOCK = 1 << 16


def single_member(data: bytes, *, source: str, suffix: str) -> tuple[str, bytes]:
    """The name and the bytes of the one member of a zip whose name ends in
    ``suffix`` (a ``.reqifz`` holds one ``.reqif``; attachments are ignored).

    :raises InputError: If the data is not a zip, holds no such member or more than
        one, or inflates beyond the limit.
    """
    limit = limit_of("report")
    with _open(data, source) as archive:
        names = [
            info.filename
            for info in archive.infolist()
            if info.filename.lower().endswith(suffix) and not info.is_dir()
        ]
        if len(names) != 1:
            found = "none" if not names else f"{len(names)}: {', '.join(names[:3])}"
            raise InputError(
                f"{source}: the archive must hold one {suffix} file (found {found})"
            )
        return names[0], _inflate(archive, names[0], source=source, limit=limit)


def check_inflated_size(data: bytes, *, source: str) -> None:
    """Inflate every member of a zip (discarding the bytes) to prove that the whole
    archive stays within the limit before another library opens it.

    :raises InputError: If it is not a zip or inflates beyond the limit.
    """
    remaining = limit_of("report")
    with _open(data, source) as archive:
        for info in archive.infolist():
            if not info.is_dir():
                remaining -= len(
                    _inflate(archive, info.filename, source=source, limit=remaining)
                )


def _open(data: bytes, source: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(f"{source}: not a zip archive ({error})") from None


def _inflate(archive: zipfile.ZipFile, name: str, *, source: str, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(name) as stream:
            while block := stream.read(_BLOCK):
                total += len(block)
                if total > limit:
                    raise InputError(
                        f"{source}: {name} inflates to more than the {limit} byte "
                        "limit for a report file (a zip bomb?); refused"
                    )
                chunks.append(block)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, zlib.error) as error:
        raise InputError(f"{source}: {name} cannot be inflated ({error})") from None
    return b"".join(chunks)


def zip_single(
    name: str, data: bytes, *, when: tuple[int, int, int, int, int, int]
) -> bytes:
    """A zip of one member ``name`` dated ``when`` (the same bytes for the same
    input: ``.reqifz`` exports are reproducible)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, date_time=when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, data)
    return buffer.getvalue()
