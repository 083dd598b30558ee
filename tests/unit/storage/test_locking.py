"""The record-folder lock: exclusive, waits for the holder, refuses in one line after
its timeout, is released when the block fails, and leaves no file behind."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import OutputError
from qmsdoc.storage.locking import locked

if TYPE_CHECKING:
    from pathlib import Path


def test_a_second_writer_is_refused_in_one_line_after_its_timeout(
    tmp_path: Path,
) -> None:
    record = tmp_path / "records" / "reviewed-links.txt"
    entered = []
    with (
        locked(record.parent, subject=record),
        pytest.raises(OutputError) as caught,
        locked(record.parent, subject=record, timeout=0.05),
    ):
        entered.append("second")
    assert entered == []
    message = str(caught.value)
    assert message == (
        f"another qms command is writing {record}; try again (waited 0.05 s)"
    )


def test_a_second_writer_waits_until_the_first_is_done(tmp_path: Path) -> None:
    order: list[str] = []
    failures: list[BaseException] = []

    def second() -> None:
        try:
            with locked(tmp_path, timeout=60):
                order.append("second")
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    with locked(tmp_path):
        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(0.3)  # time for the thread to try the lock and wait
        order.append("first")
    waiting.join(timeout=60)
    assert failures == []
    assert order == ["first", "second"]


def test_the_lock_is_released_when_the_block_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), locked(tmp_path):
        raise RuntimeError("the write failed")
    with locked(tmp_path, timeout=0):
        pass


def test_the_folder_is_created_and_no_lock_file_is_left(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    with locked(folder):
        assert folder.is_dir()
    assert list(folder.iterdir()) == []


def test_a_folder_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as caught, locked(blocker / "records"):
        pass
    assert str(caught.value).startswith(f"{blocker / 'records'}: cannot be written: ")
    assert "\n" not in str(caught.value)
