"""The release record: one JSON file per release tag, written once, read back strictly.

``manifest_sha256`` seals the whole release: the SHA-256 of the lines
``<digest>  <pathway>/MANIFEST.sha256`` (sorted by pathway, ``sha256sum`` format),
where each digest is the SHA-256 of that pathway's dossier ``MANIFEST.sha256``
bytes. The manifests themselves are kept line by line, so that a dossier rebuilt
later can be compared file by file, not only as one digest.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import InputError, OutputError
from qmsdoc.input_files import read_input_bytes, read_input_text
from qmsdoc.json_input import load_json
from qmsdoc.storage.atomic import write_atomic
from qmsdoc.storage.locking import locked

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

__all__ = [
    "MANIFEST_NAME",
    "RECORD_FORMAT",
    "PathwayManifest",
    "ReleaseRecord",
    "manifest_digest",
    "read_manifest",
    "read_record",
    "record_from_dossier",
    "record_path",
    "write_record",
]

RECORD_FORMAT = "qmsdoc-release/1"
#: the file that seals one pathway's dossier (written by qmsdoc.dossier.assemble)
MANIFEST_NAME = "MANIFEST.sha256"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_GIT_HASH = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayManifest:
    """The dossier of one pathway as released: its manifest, digest and gate."""

    pathway: str
    manifest_sha256: str
    """SHA-256 of the ``MANIFEST.sha256`` file's bytes."""
    manifest: tuple[str, ...]
    """The manifest's lines: two ``#`` header lines, then ``<sha256>  <path>``."""
    gate: str
    """``pass`` or ``fail``: the release gate in the dossier's report."""
    release: str | None = None
    """The release the dossier's report names (read from a dossier; not recorded)."""

    def manifest_bytes(self) -> bytes:
        """The manifest file as it was written."""
        return ("\n".join(self.manifest) + "\n").encode("utf-8")

    def files(self) -> dict[str, str]:
        """Path -> SHA-256 of each file the manifest lists."""
        listed = {}
        for line in self.manifest:
            if line.startswith("#"):
                continue
            digest, separator, path = line.partition("  ")
            if separator:
                listed[path] = digest
        return listed


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseRecord:
    """What a release tag pointed at when it was recorded (21 CFR 11.10(e))."""

    tag: str
    commit: str
    """Full hash of the commit the tag pointed at."""
    tree: str
    """Tree hash of that commit: the released content."""
    manifest_sha256: str
    """Seal over every pathway's manifest digest (see the module docstring)."""
    pathways: tuple[PathwayManifest, ...]
    recorded_by: str
    """Who wrote the record (git ``user.name <user.email>``)."""
    recorded_at: str
    """The tag's date (tagger date, or commit date of a lightweight tag), not the
    wall clock, so that recording twice gives the same bytes."""
    generator: str
    """The engine that built the dossiers (``qmsdoc <version>``)."""
    format: str = RECORD_FORMAT


def manifest_digest(pathways: Sequence[PathwayManifest]) -> str:
    """The seal over the pathways' manifest digests (``sha256sum`` lines, sorted)."""
    lines = "".join(
        f"{entry.manifest_sha256}  {entry.pathway}/{MANIFEST_NAME}\n"
        for entry in sorted(pathways, key=lambda entry: entry.pathway)
    )
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def record_path(root: Path, folder: str, tag: str) -> Path:
    """Where the record of ``tag`` lives: ``root / folder / <tag>.json``."""
    return root / folder / f"{tag}.json"


def record_from_dossier(
    dossier: Path,
    *,
    tag: str,
    commit: str,
    tree: str,
    recorded_by: str,
    recorded_at: str,
    generator: str,
) -> ReleaseRecord:
    """The record of a dossier folder (``<dossier>/<pathway>/MANIFEST.sha256``) built
    with ``qms dossier --release TAG`` from a clean tree at ``commit``.

    :raises InputError: If the folder holds no dossier, or one built from another
        commit, from a modified tree, or not as a release of ``tag``.
    """
    folders = sorted(
        path.parent for path in dossier.glob(f"*/{MANIFEST_NAME}") if path.is_file()
    )
    if not folders:
        raise InputError(
            f"{dossier}: no dossier here (no <pathway>/{MANIFEST_NAME}); "
            f"build it with `qms dossier --release {tag}`"
        )
    pathways = tuple(_pathway(folder, tag=tag, commit=commit) for folder in folders)
    return ReleaseRecord(
        tag=tag,
        commit=commit,
        tree=tree,
        manifest_sha256=manifest_digest(pathways),
        pathways=pathways,
        recorded_by=recorded_by,
        recorded_at=recorded_at,
        generator=generator,
    )


def write_record(path: Path, record: ReleaseRecord) -> None:
    """Write the record; records are append-only, an existing one is never replaced.

    The check and the write hold the lock of the records folder, so of two commands
    recording the same tag at once one writes and the other is refused.

    :raises OutputError: If the file exists or cannot be written, or another command
        held the lock for too long.
    """
    with locked(path.parent, subject=path):
        if path.exists():
            raise OutputError(
                f"{path}: a record of {record.tag!r} exists; release records are "
                "append-only (tag a new release instead)"
            )
        write_atomic(path, _record_json(record))


def read_record(path: Path) -> ReleaseRecord:
    """Read a record written by :func:`write_record`.

    :raises InputError: ``file:line: problem`` if it is missing or malformed.
    """
    if not path.exists() and not path.is_symlink():
        raise InputError(f"{path}: no release record (run `qms release record`)")
    text = read_input_text(path, kind="record")
    data = load_json(text, path)
    reader = _Reader(path, text)
    if not isinstance(data, dict):
        raise reader.fail(None, "a release record is a JSON object")
    if data.get("format") != RECORD_FORMAT:
        raise reader.fail(
            "format", f"format must be {RECORD_FORMAT!r}, not {data.get('format')!r}"
        )
    entries = data.get("pathways")
    if not isinstance(entries, list) or not entries:
        raise reader.fail("pathways", "pathways must be a non-empty list")
    return ReleaseRecord(
        tag=reader.text(data, "tag"),
        commit=reader.text(data, "commit", _GIT_HASH),
        tree=reader.text(data, "tree", _GIT_HASH),
        manifest_sha256=reader.text(data, "manifest_sha256", _SHA256),
        pathways=tuple(
            reader.pathway(entry, index) for index, entry in enumerate(entries)
        ),
        recorded_by=reader.text(data, "recorded_by"),
        recorded_at=reader.text(data, "recorded_at"),
        generator=reader.text(data, "generator"),
    )


def read_manifest(folder: Path) -> PathwayManifest:
    """The manifest of one pathway's dossier folder, and its gate.

    :raises InputError: If the folder holds no dossier written by ``qms dossier``.
    """
    manifest = folder / MANIFEST_NAME
    if not manifest.exists():
        raise InputError(f"{manifest}: missing or unreadable")
    data = read_input_bytes(manifest, kind="record")
    try:
        lines = tuple(data.decode("utf-8").split("\n")[:-1])
    except UnicodeDecodeError:
        raise InputError(f"{manifest}: missing or unreadable") from None
    if ("\n".join(lines) + "\n").encode("utf-8") != data or len(lines) < 3:
        raise InputError(f"{manifest}: not a dossier manifest written by qms dossier")
    report_file = folder / "dossier-report.json"
    if not report_file.exists():
        raise InputError(f"{report_file}: missing; not a dossier of qms dossier")
    report = load_json(read_input_text(report_file, kind="record"), report_file)
    return PathwayManifest(
        pathway=folder.name,
        manifest_sha256=hashlib.sha256(data).hexdigest(),
        manifest=lines,
        gate="pass"
        if isinstance(report, dict) and report.get("gate") == "pass"
        else "fail",
        release=report.get("release") if isinstance(report, dict) else None,
    )


def _pathway(folder: Path, *, tag: str, commit: str) -> PathwayManifest:
    entry = read_manifest(folder)
    manifest = folder / MANIFEST_NAME
    if entry.manifest[0] != f"# source commit: {commit}":
        raise InputError(
            f"{manifest}:1: built from another commit "
            f"({entry.manifest[0].removeprefix('# ')}), not {tag} ({commit})"
        )
    if entry.manifest[1] != "# working tree: clean":
        raise InputError(
            f"{manifest}:2: built from a modified working tree; a release dossier "
            "comes from a clean checkout of the tag"
        )
    if entry.release != tag:
        raise InputError(
            f"{folder / 'dossier-report.json'}: not built as release {tag!r} "
            f"(run `qms dossier --release {tag}`)"
        )
    return replace(entry, release=None)


def _record_json(record: ReleaseRecord) -> bytes:
    document = {
        "format": record.format,
        "tag": record.tag,
        "commit": record.commit,
        "tree": record.tree,
        "recorded_at": record.recorded_at,
        "recorded_by": record.recorded_by,
        "generator": record.generator,
        "manifest_sha256": record.manifest_sha256,
        "pathways": [
            {
                "pathway": entry.pathway,
                "gate": entry.gate,
                "manifest_sha256": entry.manifest_sha256,
                "manifest": list(entry.manifest),
            }
            for entry in record.pathways
        ],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class _Reader:
    """Typed reads of the record's keys; a bad value names the line of its key."""

    def __init__(self, path: Path, text: str) -> None:
        self._path = path
        self._lines = text.splitlines()

    def fail(self, key: str | None, problem: str, *, after: int = 0) -> InputError:
        line = 1
        if key is not None:
            pattern = re.compile(rf'"{re.escape(key)}"\s*:')
            for number, content in enumerate(self._lines, start=1):
                if number > after and pattern.search(content):
                    line = number
                    break
        return InputError(f"{self._path}:{line}: {problem}")

    def text(
        self,
        data: dict[str, Any],
        key: str,
        pattern: re.Pattern[str] | None = None,
        *,
        after: int = 0,
    ) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"{key} must be a non-empty string", after=after)
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(key, f"{key} {value!r} is not a hash", after=after)
        return value

    def pathway(self, entry: object, index: int) -> PathwayManifest:
        after = self._entry_line(index)
        if not isinstance(entry, dict):
            raise InputError(
                f"{self._path}:{after + 1}: pathways[{index}] must be an object"
            )
        manifest = entry.get("manifest")
        if not isinstance(manifest, list) or not all(
            isinstance(line, str) and "\n" not in line for line in manifest
        ):
            raise self.fail(
                "manifest", "manifest must be a list of lines (strings)", after=after
            )
        gate = self.text(entry, "gate", after=after)
        if gate not in ("pass", "fail"):
            raise self.fail(
                "gate", f"gate must be pass or fail, not {gate!r}", after=after
            )
        return PathwayManifest(
            pathway=self.text(entry, "pathway", after=after),
            manifest_sha256=self.text(entry, "manifest_sha256", _SHA256, after=after),
            manifest=tuple(manifest),
            gate=gate,
            release=None,
        )

    def _entry_line(self, index: int) -> int:
        """The line before the ``index``-th pathway entry's first key (0: unknown)."""
        starts = [
            number
            for number, content in enumerate(self._lines, start=1)
            if re.search(r'"pathway"\s*:', content)
        ]
        return starts[index] - 2 if index < len(starts) else 0
