"""Dataset record manifests: the digest of every record of a dataset.

A dataset item names its manifest (the profile's ``[ai] manifest_field``), a file in
the repository in the form ``sha256sum`` writes: one ``<64 hex digits>  <record
name>`` line per record; blank lines and lines starting with ``#`` are skipped. Two
datasets share a record when their manifests share a digest, whatever the records
are called. The content digest of a dataset is ``sha256:`` and the SHA-256 of its
sorted, distinct record digests, one per line (:func:`content_digest`), so renaming
or reordering records does not change it. Framework-free.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError
from qmsdoc.input_files import read_input_text

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["Manifest", "content_digest", "read_manifest"]

_LINE = re.compile(r"(?P<digest>[0-9a-fA-F]{64})\s+\*?(?P<name>\S.*)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """The records of one dataset by digest."""

    path: str
    """The manifest, relative to the project root."""
    records: dict[str, tuple[str, int]]
    """Digest (lower-case hex) -> (record name, line of the manifest), first kept."""

    @property
    def digest(self) -> str:
        """The dataset's content digest (:func:`content_digest`)."""
        return content_digest(self.records)


def content_digest(digests: Iterable[str]) -> str:
    """``sha256:`` and the SHA-256 of the sorted, distinct record digests, one per
    line."""
    text = "".join(f"{digest}\n" for digest in sorted(set(digests)))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def read_manifest(root: Path, relative: str) -> Manifest:
    """The manifest at ``relative`` (inside the project).

    :raises InputError: ``file:line: problem`` for a line that is not a record
        digest, or one line if the file cannot be read.
    """
    path = root / relative
    text = read_input_text(path, kind="record", root=root)
    records: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.fullmatch(stripped)
        if match is None:
            raise InputError(
                f"{path}:{number}: not a record line '<sha256>  <record name>'"
            )
        records.setdefault(
            match.group("digest").lower(), (match.group("name").strip(), number)
        )
    return Manifest(path=relative, records=records)
