"""SOUP record files: byte-stable, one component per line, read back with lines."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.soup import (
    FORMAT,
    Component,
    SbomRecord,
    read_record,
    read_records,
    record_from_text,
    write_record,
)
from qmsdoc.soup.sbom import read_sbom
from qmsdoc.soup.store import component_document

from ._soup_support import DATA

if TYPE_CHECKING:
    from pathlib import Path

RECORD = SbomRecord(
    name="serenya-api",
    source="serenya-api.cdx.json",
    format="CycloneDX",
    spec_version="1.6",
    digest="0" * 64,
    serial="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    created="2024-05-02T10:11:12Z",
    tools=("cyclonedx-py 7.5.0",),
    subject="serenya-api 3.1",
    components=(
        Component(
            name="urllib3",
            version="2.2.1",
            supplier="Andrey Petrov",
            purl="pkg:pypi/urllib3@2.2.1",
            licenses=("MIT",),
            hashes=(("SHA-256", "ab" * 32),),
            reference="urllib3==2.2.1",
        ),
        Component(
            name="Zürich-Löser",  # not ASCII: kept as it is
            version=None,
            supplier=None,
            purl=None,
            kind="application",
        ),
        Component(
            name="requests",
            version="2.32.3",
            supplier=None,
            purl="pkg:pypi/requests@2.32.3",
            licenses=("Apache-2.0",),
        ),
    ),
)


def test_round_trip_is_byte_identical(tmp_path: Path) -> None:
    path = write_record(tmp_path / "soup", RECORD)
    assert path == tmp_path / "soup" / "serenya-api.json"
    first = path.read_bytes()
    again = read_record(path)
    assert again.components == tuple(sorted(RECORD.components, key=lambda c: c.key))
    assert replace(again, components=()) == replace(RECORD, components=())
    assert again.path == str(path)
    write_record(tmp_path / "soup", again)
    assert path.read_bytes() == first
    write_record(tmp_path / "soup", RECORD)
    assert path.read_bytes() == first
    assert "Zürich-Löser" in first.decode("utf-8")


def test_one_component_per_line_sorted_and_lines_recorded(tmp_path: Path) -> None:
    path = write_record(tmp_path, RECORD)
    lines = path.read_text(encoding="utf-8").splitlines()
    record = read_record(path)
    assert [c.key for c in record.components] == [
        "pkg:pypi/requests",
        "pkg:pypi/urllib3",
        "zürich-löser",
    ]
    for component in record.components:
        line = lines[component.line - 1]
        assert json.loads(line.strip().rstrip(",")) == component_document(component)
    assert [c.line for c in record.components] == [13, 14, 15]
    assert lines[12:15] == [
        "  "
        + json.dumps(component_document(c), ensure_ascii=False, sort_keys=True)
        + ("," if index < 2 else "")
        for index, c in enumerate(record.components)
    ]
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT


def test_a_re_import_changes_one_line_per_changed_component(tmp_path: Path) -> None:
    before = write_record(tmp_path / "a", RECORD).read_text(encoding="utf-8")
    upgraded = Component(
        name="urllib3",
        version="2.2.2",
        supplier="Andrey Petrov",
        purl="pkg:pypi/urllib3@2.2.2",
        licenses=("MIT",),
        hashes=(("SHA-256", "ab" * 32),),
        reference="urllib3==2.2.2",
    )
    changed = replace(RECORD, components=(upgraded, *RECORD.components[1:]))
    after = write_record(tmp_path / "b", changed).read_text(encoding="utf-8")
    differing = [
        (old, new)
        for old, new in zip(before.splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert len(differing) == 1
    assert "2.2.1" in differing[0][0]
    assert "2.2.2" in differing[0][1]


def test_a_real_import_round_trips(tmp_path: Path) -> None:
    record = read_sbom(DATA / "k8s-bom-hello-server.spdx.json")
    path = write_record(tmp_path, record)
    assert read_record(path) == record
    assert (
        record_from_text(path.read_text(encoding="utf-8"), path="v1.0:x.json") == record
    )


def test_line_separators_inside_names_do_not_break_lines(tmp_path: Path) -> None:
    odd = Component(name="odd\u2028name\x85x", version="1", supplier=None, purl=None)
    record = replace(RECORD, components=(odd,))
    path = write_record(tmp_path, record)
    again = read_record(path)
    assert again.components == (odd,)
    assert again.components[0].line == 13


def test_an_empty_record(tmp_path: Path) -> None:
    empty = replace(RECORD, components=())
    path = write_record(tmp_path, empty)
    assert read_record(path) == empty
    assert path.read_text(encoding="utf-8").endswith(' "components": [\n ]\n}\n')


def test_records_are_read_by_name_and_a_missing_folder_has_none(tmp_path: Path) -> None:
    assert read_records(tmp_path / "absent") == ()
    for name in ("zeta", "alpha", "mid"):
        write_record(tmp_path, replace(RECORD, name=name))
    (tmp_path / "notes.txt").write_text("not a record", encoding="utf-8")
    assert [r.name for r in read_records(tmp_path)] == ["alpha", "mid", "zeta"]


def test_record_from_text_keeps_where_it_came_from(tmp_path: Path) -> None:
    text = write_record(tmp_path, RECORD).read_text(encoding="utf-8")
    record = record_from_text(text, path="v1.0:traceability/soup/serenya-api.json")
    assert record.path == "v1.0:traceability/soup/serenya-api.json"
    assert record.components[0].line == 13


def _write(tmp_path: Path, text: str, name: str = "serenya-api.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_records_name_the_file_and_line(tmp_path: Path) -> None:
    good = write_record(tmp_path, RECORD).read_text(encoding="utf-8")
    invalid = ": not a valid SOUP record: "
    cases = {
        "{": ":1:2: not valid JSON: Expecting property name enclosed in double quotes",
        good.replace(FORMAT, "qmsdoc-soup/0"): (
            f"{invalid}not a qmsdoc SOUP record (format 'qmsdoc-soup/0')"
        ),
        good.replace(' "digest"', ' "checksum"'): f"{invalid}missing key 'digest'",
        good.replace('"tools": [', '"tools": [1, '): (
            f"{invalid}tools must be a string, not int"
        ),
        json.dumps(json.loads(good), indent=2): (
            f"{invalid}the components do not start on a line of their own"
        ),
        good.replace('},\n  {"hashes"', '}, {"hashes"', 1): (
            f"{invalid}components must be written one per line"
        ),
        good.replace('"kind": "library"', '"kind": null', 1): (
            ":13: not a valid SOUP component: kind must be a string, not NoneType"
        ),
        good.replace('"licenses": ["Apache-2.0"], ', "", 1): (
            ":13: not a valid SOUP component: missing key 'licenses'"
        ),
    }
    for text, problem in cases.items():
        assert text != good
        path = _write(tmp_path, text)
        with pytest.raises(InputError) as raised:
            read_record(path)
        assert str(raised.value) == f"{path}{problem}"


def test_a_record_in_the_wrong_file_is_refused(tmp_path: Path) -> None:
    text = write_record(tmp_path, RECORD).read_text(encoding="utf-8")
    path = _write(tmp_path, text, "gateway.json")
    with pytest.raises(InputError) as raised:
        read_record(path)
    assert str(raised.value) == (
        f"{path}: the record is named 'serenya-api'; its file must be serenya-api.json"
    )


def test_an_unreadable_record(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match=r"broken\.json: not UTF-8 text \(byte 1: "):
        read_record(path)


def test_a_record_that_is_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "serenya-api.json"
    os.mkfifo(path)
    with pytest.raises(InputError, match=r"not a regular file \(a FIFO\)"):
        read_record(path)
