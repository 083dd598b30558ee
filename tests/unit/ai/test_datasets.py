"""Dataset record manifests: digests by record, the content digest."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest

from qmsdoc.ai.datasets import content_digest, read_manifest
from qmsdoc.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

A = hashlib.sha256(b"a").hexdigest()
B = hashlib.sha256(b"b").hexdigest()


def test_records_by_digest_with_their_lines(tmp_path: Path) -> None:
    (tmp_path / "m.sha256").write_text(
        f"# made by sha256sum\n\n{A}  a.json\n{B.upper()} *b.json\n{A}  copy-of-a.json\n",
        encoding="utf-8",
    )
    manifest = read_manifest(tmp_path, "m.sha256")
    assert manifest.path == "m.sha256"
    assert manifest.records == {A: ("a.json", 3), B: ("b.json", 4)}


def test_the_content_digest_ignores_names_order_and_repeats(tmp_path: Path) -> None:
    (tmp_path / "one").write_text(f"{A}  a\n{B}  b\n", encoding="utf-8")
    (tmp_path / "two").write_text(
        f"{B}  other\n{A}  names\n{A}  again\n", encoding="utf-8"
    )
    one, two = read_manifest(tmp_path, "one"), read_manifest(tmp_path, "two")
    assert one.digest == two.digest == content_digest([A, B])
    expected = hashlib.sha256(f"{min(A, B)}\n{max(A, B)}\n".encode()).hexdigest()
    assert one.digest == f"sha256:{expected}"


def test_a_bad_line_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "m").write_text(f"{A}  a\nnot a digest\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"m:2: not a record line"):
        read_manifest(tmp_path, "m")


def test_a_manifest_outside_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside").write_text(f"{A}  a\n", encoding="utf-8")
    root = tmp_path / "project"
    root.mkdir()
    with pytest.raises(InputError, match="outside the project"):
        read_manifest(root, "../outside")
