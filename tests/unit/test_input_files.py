"""The one reader of input files: regular files only, size limits, the project root,
and excerpts and printable text for messages and terminals."""

from __future__ import annotations

import hashlib
import os
import socket
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.input_files import (
    CONFIGURABLE,
    LIMITS,
    configure_limits,
    excerpt,
    file_sha256,
    limit_of,
    limits_scope,
    printable,
    read_input_bytes,
    read_input_text,
    regular_file,
)

if TYPE_CHECKING:
    from pathlib import Path


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    path.write_bytes(b"<testsuite/>")
    assert read_input_bytes(path, kind="report") == b"<testsuite/>"
    assert read_input_text(path, kind="report") == "<testsuite/>"


def test_a_fifo_is_refused_at_once_without_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "report.xml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"report\.xml: not a regular file \(a FIFO\)"):
        read_input_bytes(fifo, kind="report")
    with pytest.raises(InputError, match="a FIFO"):
        regular_file(fifo, kind="report")


def test_a_folder_and_a_socket_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a regular file \(a folder\)"):
        read_input_bytes(tmp_path, kind="record")
    address = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(address))
        with pytest.raises(InputError, match=r"\(a socket\)"):
            read_input_bytes(address, kind="record")


def test_a_symlink_to_dev_zero_is_refused_as_a_device(tmp_path: Path) -> None:
    link = tmp_path / "sbom.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(
        InputError, match=r"sbom\.json: not a regular file \(a device\)"
    ):
        read_input_bytes(link, kind="sbom")


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 101)
    assert read_input_bytes(path, kind="record", limit=101) == b"x" * 101
    with pytest.raises(InputError, match="larger than the 100 bytes limit"):
        read_input_bytes(path, kind="record", limit=100)


def test_the_default_limit_depends_on_the_kind(tmp_path: Path) -> None:
    path = tmp_path / "profile.toml"
    path.write_bytes(b"#" * (1024 * 1024 + 1))
    with pytest.raises(InputError, match="1 MiB limit for a profile file"):
        read_input_bytes(path, kind="profile")
    assert len(read_input_bytes(path, kind="record")) == 1024 * 1024 + 1


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read: No such file") as caught:
        read_input_bytes(tmp_path / "missing.json", kind="record")
    assert "\n" not in str(caught.value)


def test_outside_the_root_is_refused_after_resolving_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    link = root / "record.json"
    link.symlink_to(secret)
    with pytest.raises(InputError, match="outside the project"):
        read_input_bytes(link, kind="record", root=root)
    with pytest.raises(InputError, match="outside the project"):
        read_input_bytes(root / ".." / "secret.txt", kind="record", root=root)
    inside = root / "inside.json"
    inside.write_text("{}", encoding="utf-8")
    assert read_input_text(inside, kind="record", root=root) == "{}"


def test_text_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte 8"):
        read_input_text(path, kind="record")


def test_a_byte_order_mark_is_dropped_with_utf8_sig(tmp_path: Path) -> None:
    path = tmp_path / "a.rst"
    path.write_bytes(b"\xef\xbb\xbfTitle")
    assert read_input_text(path, kind="source", encoding="utf-8-sig") == "Title"


def test_an_excerpt_is_short_and_on_one_line() -> None:
    assert excerpt("abc") == "abc"
    assert excerpt("a\nb\x1b[31mc\x00") == "a?b?c?"
    long = excerpt("x" * 10_000_000)
    assert len(long) == 80
    assert long.endswith("...")


def test_printable_strips_escape_sequences_and_control_characters() -> None:
    assert printable("\x1b[2J\x1b]0;title\x07name\x9b1m\x07\tok\n") == "name\tok\n"
    assert printable("plain-name 1.0") == "plain-name 1.0"


def test_configured_limits_apply_inside_their_scope_only(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    path.write_bytes(b"x" * 2048)
    assert limit_of("report") == LIMITS["report"]
    with limits_scope():
        configure_limits({"report": 1024})
        assert limit_of("report") == 1024
        assert limit_of("sbom") == LIMITS["sbom"]
        with pytest.raises(InputError, match="larger than the 1024 bytes limit"):
            read_input_bytes(path, kind="report")
    assert limit_of("report") == LIMITS["report"]
    assert read_input_bytes(path, kind="report") == b"x" * 2048


def test_every_kind_but_the_profile_is_configurable() -> None:
    assert set(CONFIGURABLE) == set(LIMITS) - {"profile"}


def test_a_digest_streams_a_regular_file_of_any_size(tmp_path: Path) -> None:
    path = tmp_path / "video.bin"
    data = os.urandom(3 * 1024 * 1024 + 7)
    path.write_bytes(data)
    assert file_sha256(path, root=tmp_path) == hashlib.sha256(data).hexdigest()


def test_a_digest_refuses_a_fifo_a_device_and_a_file_outside(tmp_path: Path) -> None:
    fifo = tmp_path / "attachment.pdf"
    os.mkfifo(fifo)
    with pytest.raises(
        InputError, match=r"attachment\.pdf: not a regular file \(a FIFO\)"
    ):
        file_sha256(fifo)
    zero = tmp_path / "zero"
    zero.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        file_sha256(zero)
    inside = tmp_path / "project"
    inside.mkdir()
    (tmp_path / "secret").write_text("x", encoding="utf-8")
    (inside / "link").symlink_to(tmp_path / "secret")
    with pytest.raises(InputError, match="outside the project"):
        file_sha256(inside / "link", root=inside)
