"""Release records are append-only under concurrency too: the check that no record
of the tag exists and the write hold the records folder's lock, so a command that
waited for another one recording the same tag is refused, never writes over it."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from qmsdoc.errors import OutputError
from qmsdoc.release.record import (
    PathwayManifest,
    ReleaseRecord,
    read_record,
    write_record,
)
from qmsdoc.storage.locking import locked

if TYPE_CHECKING:
    from pathlib import Path

RECORD = ReleaseRecord(
    tag="v1.0.0",
    commit="0123456789abcdef0123456789abcdef01234567",
    tree="89abcdef0123456789abcdef0123456789abcdef",
    manifest_sha256="a" * 64,
    pathways=(
        PathwayManifest(
            pathway="mdr",
            manifest_sha256="b" * 64,
            manifest=("# qmsdoc dossier manifest", "# mdr", f"{'c' * 64}  index.html"),
            gate="pass",
        ),
    ),
    recorded_by="Alice Author <alice@example.com>",
    recorded_at="2026-12-01T10:00:00+00:00",
    generator="qmsdoc 0.0.0",
)


def test_a_second_recording_of_the_tag_waits_and_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "releases" / "v1.0.0.json"
    failures: list[BaseException] = []

    def record_again() -> None:
        try:
            write_record(path, replace(RECORD, recorded_by="Bob <bob@example.com>"))
        except OutputError as error:
            failures.append(error)

    with locked(path.parent):  # another command is recording the tag
        waiting = threading.Thread(target=record_again)
        waiting.start()
        waiting.join(timeout=0.3)
        assert waiting.is_alive()  # it waits for the lock
        path.write_bytes(b"")  # the other command's record lands first
    waiting.join(timeout=60)
    (failure,) = failures
    assert str(failure).startswith(f"{path}: a record of 'v1.0.0' exists;")
    assert path.read_bytes() == b""


def test_a_record_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "releases" / "v1.0.0.json"
    write_record(path, RECORD)
    assert read_record(path).recorded_by == RECORD.recorded_by
