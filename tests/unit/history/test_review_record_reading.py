"""Reading the link review record (``read_reviews``) as every input is read: a FIFO
or device is refused at once, a bad line is quoted only in short."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.history.suspect import read_reviews

if TYPE_CHECKING:
    from pathlib import Path


def test_no_record_is_none(tmp_path: Path) -> None:
    assert read_reviews(tmp_path / "reviewed-links.txt") is None


def test_a_fifo_record_is_refused_at_once(tmp_path: Path) -> None:
    record = tmp_path / "reviewed-links.txt"
    os.mkfifo(record)
    with pytest.raises(InputError, match=r"not a regular file \(a FIFO\)"):
        read_reviews(record)


def test_a_record_linked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    record = tmp_path / "reviewed-links.txt"
    record.symlink_to("/dev/zero")
    with pytest.raises(InputError, match=r"\(a device\)"):
        read_reviews(record)


def test_a_bad_line_is_quoted_in_short_on_one_line(tmp_path: Path) -> None:
    record = tmp_path / "reviewed-links.txt"
    record.write_text("root:x:0:0:" + "y" * 10_000 + "\x1b[2J\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_reviews(record)
    message = str(caught.value)
    assert message.startswith(f"{record}:1: not 'SOURCE LINK TARGET FINGERPRINT': ")
    assert "root:x:0:0:" in message
    assert len(message) < len(str(record)) + 140
    assert "\x1b" not in message


def test_a_valid_record_is_read(tmp_path: Path) -> None:
    record = tmp_path / "reviewed-links.txt"
    record.write_text(
        "# header\nREQ-1 verifies TST-1 0123456789abcdef\n", encoding="utf-8"
    )
    assert read_reviews(record) == {("REQ-1", "verifies", "TST-1"): "0123456789abcdef"}
