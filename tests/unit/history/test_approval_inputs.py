"""The signer registry and review exports read as every input is read: a FIFO or a
device is refused at once, a registry over 1 MiB or with TOML that crashed the
parser is one line."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.history.approvals import read_review_exports, read_signers

if TYPE_CHECKING:
    from pathlib import Path

REGISTRY = '[signers."ana@example.com"]\nname = "Ana"\nroles = ["QA"]\n'


def test_a_registry_is_read(tmp_path: Path) -> None:
    path = tmp_path / "signers.toml"
    path.write_text(REGISTRY, encoding="utf-8")
    assert read_signers(path)["ana@example.com"].roles == ("QA",)


def test_a_missing_registry_is_named(tmp_path: Path) -> None:
    path = tmp_path / "signers.toml"
    with pytest.raises(InputError, match="signer registry not found"):
        read_signers(path)


def test_a_registry_linked_to_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "signers.toml"
    path.symlink_to("/dev/zero")
    with pytest.raises(InputError, match=r"not a regular file \(a device\)"):
        read_signers(path)


def test_a_fifo_registry_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "signers.toml"
    os.mkfifo(path)
    with pytest.raises(InputError, match=r"\(a FIFO\)"):
        read_signers(path)


def test_a_registry_over_1_mib_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "signers.toml"
    path.write_text(REGISTRY + "#" * (1024 * 1024), encoding="utf-8")
    with pytest.raises(InputError, match="1 MiB limit for a registry file"):
        read_signers(path)


@pytest.mark.parametrize(
    ("value", "expect"),
    [("[" * 5000 + "]" * 5000, "nested too deeply"), ("9" * 5000, "4300 digits")],
)
def test_toml_that_crashed_the_parser_is_one_line(
    tmp_path: Path, value: str, expect: str
) -> None:
    path = tmp_path / "signers.toml"
    path.write_text(f"{REGISTRY}extra = {value}\n", encoding="utf-8")
    with pytest.raises(InputError, match=expect) as caught:
        read_signers(path)
    assert str(caught.value).startswith(f"{path}: not a valid signer registry: ")


def test_a_fifo_review_export_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pr-7.json")
    with pytest.raises(InputError, match=r"pr-7\.json: not a regular file \(a FIFO\)"):
        read_review_exports(tmp_path)
