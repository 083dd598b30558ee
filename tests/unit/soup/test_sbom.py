"""Reading any SBOM file: the format from the content, the record name, bad files."""

from __future__ import annotations

import hashlib
import shutil
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.soup.sbom import read_sbom

from ._soup_support import DATA, cyclonedx, library, write_json

if TYPE_CHECKING:
    from pathlib import Path


def test_the_format_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    spdx = tmp_path / "a.xml"
    shutil.copy(DATA / "k8s-bom-hello-server.spdx.json", spdx)
    cdx = write_json(tmp_path / "b.spdx", cyclonedx([library("six", "1.16.0")]))
    assert read_sbom(spdx).format == "SPDX"
    assert read_sbom(cdx).format == "CycloneDX"


def test_digest_is_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    path = write_json(tmp_path / "bom.json", cyclonedx([library("six", "1.16.0")]))
    assert read_sbom(path).digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write_json(tmp_path / "bom.json", cyclonedx([library("six", "1.16.0")]))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(read_sbom(path).components) == 1


@pytest.mark.parametrize(
    ("file_name", "name"),
    [
        ("serenya-api.cdx.json", "serenya-api"),
        ("serenya-api.spdx.json", "serenya-api"),
        ("serenya-api.cdx.xml", "serenya-api"),
        ("serenya_api-2.1.json", "serenya_api-2.1"),
        ("bom", "bom"),
    ],
)
def test_the_default_name_is_the_file_name_without_sbom_suffixes(
    tmp_path: Path, file_name: str, name: str
) -> None:
    path = write_json(tmp_path / file_name, cyclonedx([]))
    assert read_sbom(path).name == name


def test_a_given_name_wins(tmp_path: Path) -> None:
    path = write_json(tmp_path / "bom.json", cyclonedx([]))
    assert read_sbom(path, name="gateway").name == "gateway"


@pytest.mark.parametrize("name", ["my bom", "-bom", "../bom", "a" * 101, "", "bé"])
def test_a_name_that_cannot_name_a_file_is_refused(tmp_path: Path, name: str) -> None:
    path = write_json(tmp_path / "bom.json", cyclonedx([]))
    with pytest.raises(InputError) as raised:
        read_sbom(path, name=name)
    assert str(raised.value).startswith(f"record name {name!r}: use letters, digits")


def test_a_file_named_only_by_suffixes_needs_a_name(tmp_path: Path) -> None:
    path = write_json(tmp_path / ".json", cyclonedx([]))
    with pytest.raises(InputError, match=r"record name '\.json'"):
        read_sbom(path)


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_text(
        '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6",,\n}\n', "utf-8"
    )
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value) == (
        f"{path}:3:24: not valid JSON: Expecting property name enclosed in double quotes"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file, not a CycloneDX or SPDX SBOM"),
        (b"  \n\n", "empty file, not a CycloneDX or SPDX SBOM"),
        (
            b'{"name": "package.json", "version": "1.0.0"}',
            "not a CycloneDX or SPDX SBOM (JSON without 'bomFormat' or 'spdxVersion')",
        ),
        (
            b'{"bomFormat": "SWID", "specVersion": "1.6"}',
            "not a CycloneDX or SPDX SBOM (JSON without 'bomFormat' or 'spdxVersion')",
        ),
        (b"[1, 2]", "not a CycloneDX or SPDX SBOM (the JSON is not an object)"),
        (b"requests==2.32.3\n", "not a CycloneDX or SPDX SBOM (neither JSON nor XML)"),
        (
            b"<testsuites/>",
            "not a CycloneDX or SPDX SBOM (XML root <testsuites>)",
        ),
        (b"\xff\xfe{\x00", "not a CycloneDX or SPDX SBOM (neither JSON nor XML)"),
        (
            b'{"spdxVersion": "SPDX-2.3", "name": "\xff"}',
            "not UTF-8 (byte 37: invalid start byte)",
        ),
    ],
)
def test_files_that_are_not_sboms(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value) == f"{path}: {problem}"


def test_xml_that_is_not_well_formed_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bom.xml"
    path.write_text(
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6">\n<components>\n</bom>\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value).startswith(f"{path}:3: not well-formed XML: ")


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value) == f"{path}: cannot be read: No such file or directory"


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a regular file \(a folder\)"):
        read_sbom(tmp_path)
