"""The SBOMs and scanner reports as they were imported, shipped beside the records.

``qms soup import`` and ``qms vulnerabilities import`` keep a normalized record with
the name and SHA-256 of the file they read. A reviewer (and FDA's cybersecurity
guidance, which asks for the SBOM itself) wants that file: the dossier looks for a
file of that name that git tracks in the project and ships it only if its bytes
still have the recorded SHA-256. Otherwise the dossier report says plainly that the
original is not shipped and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError
from qmsdoc.input_files import file_sha256

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from qmsdoc.soup.records import SbomRecord
    from qmsdoc.vulnerability.records import ScanRecord

__all__ = ["ImportedOriginal", "find_originals"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedOriginal:
    """The file one record was imported from, and whether the dossier ships it."""

    kind: str
    """``sbom`` or ``scan``."""
    record: str
    """The record's name."""
    source: str
    """The file name the record was imported from."""
    sha256: str
    """The SHA-256 the record holds of that file."""
    path: str | None
    """Where the file with those bytes is in the project (None: not shipped)."""
    note: str
    """Why it is not shipped, or where it was found."""

    @property
    def shipped_as(self) -> str | None:
        """The file's name in the dossier folder (None: not shipped)."""
        if self.path is None:
            return None
        folder = "sbom-original" if self.kind == "sbom" else "scan-original"
        return f"{folder}/{self.record}/{self.source}"


def find_originals(
    root: Path,
    *,
    sboms: Sequence[SbomRecord],
    scans: Sequence[ScanRecord],
    tracked: Callable[[str], list[str]],
) -> list[ImportedOriginal]:
    """The original of each SBOM and scan record, in record order.

    :param tracked: The project's tracked files of a name (paths relative to
        ``root``): :meth:`qmsdoc.vcs.GitHistory.tracked`.
    """
    entries = [("sbom", r.name, r.source, r.digest) for r in sboms]
    entries += [("scan", r.name, r.source, r.digest) for r in scans]
    return [_find(root, entry, tracked(entry[2])) for entry in entries]


def _find(
    root: Path, record_entry: tuple[str, str, str, str], candidates: list[str]
) -> ImportedOriginal:
    kind, record, source, digest = record_entry

    def entry(path: str | None, note: str) -> ImportedOriginal:
        return ImportedOriginal(
            kind=kind, record=record, source=source, sha256=digest, path=path, note=note
        )

    if not candidates:
        return entry(None, f"no file named {source} is tracked in the repository")
    for candidate in candidates:
        try:
            if file_sha256(root / candidate, root=root) == digest:
                return entry(candidate, f"found at {candidate}, SHA-256 as recorded")
        except InputError:
            continue
    listed = ", ".join(candidates)
    return entry(None, f"{listed}: changed since the import (SHA-256 differs)")
