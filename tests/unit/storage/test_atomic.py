"""Atomic writes: the whole file or nothing, and never a temporary file left behind."""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING, NoReturn

import pytest

from qmsdoc.errors import OutputError
from qmsdoc.report import write_atomic

if TYPE_CHECKING:
    from pathlib import Path


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_write_atomic_writes_the_bytes(tmp_path: Path) -> None:
    target = tmp_path / "findings.json"
    write_atomic(target, b'{"a": 1}\n')
    assert target.read_bytes() == b'{"a": 1}\n'
    assert _names(tmp_path) == ["findings.json"]


def test_write_atomic_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "traceability" / "deep" / "findings.json"
    write_atomic(target, b"data")
    assert target.read_bytes() == b"data"


def test_write_atomic_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "findings.json"
    target.write_bytes(b"old content that is longer than the new one")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert _names(tmp_path) == ["findings.json"]


def test_an_unwritable_folder_raises_output_error(tmp_path: Path) -> None:
    # a regular file where the folder should be: no folder can be made there (this
    # holds even for root, for whom permission bits do not stop a write)
    blocker = tmp_path / "traceability"
    blocker.write_bytes(b"not a folder")
    target = blocker / "findings.json"
    with pytest.raises(OutputError) as caught:
        write_atomic(target, b"data")
    assert str(caught.value).startswith(f"{target}: cannot be written: ")
    assert caught.value.exit_code == 2
    assert _names(tmp_path) == ["traceability"]
    assert blocker.read_bytes() == b"not a folder"


def test_a_failed_rename_leaves_no_temporary_file(tmp_path: Path) -> None:
    # the target is a folder that is not empty, so the final rename fails after the
    # temporary file was written: it must be removed again
    target = tmp_path / "findings.json"
    target.mkdir()
    (target / "keep.txt").write_bytes(b"keep")
    with pytest.raises(OutputError) as caught:
        write_atomic(target, b"data")
    assert str(caught.value).startswith(f"{target}: cannot be written: ")
    assert _names(tmp_path) == ["findings.json"]
    assert _names(target) == ["keep.txt"]


def test_a_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(handle: int, *_: object) -> NoReturn:
        os.close(handle)
        raise OSError(errno.ENOSPC, "No space left on device")

    target = tmp_path / "findings.json"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "fdopen", disk_full)
    with pytest.raises(OutputError) as caught:
        write_atomic(target, b"new")
    assert str(caught.value) == f"{target}: cannot be written: No space left on device"
    assert _names(tmp_path) == ["findings.json"]
    assert target.read_bytes() == b"old"
