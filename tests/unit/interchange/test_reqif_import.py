"""ReqIF files of three origins import with the expected objects and relations, and
every bad ReqIF input is one line with the file and the line."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

import pytest
from reqif.models.reqif_core_content import ReqIFCoreContent  # type: ignore[import-untyped]
from reqif.models.reqif_data_type import (  # type: ignore[import-untyped]
    ReqIFDataTypeDefinitionString,
    ReqIFDataTypeDefinitionXHTML,
)
from reqif.models.reqif_namespace_info import ReqIFNamespaceInfo  # type: ignore[import-untyped]
from reqif.models.reqif_req_if_content import ReqIFReqIFContent  # type: ignore[import-untyped]
from reqif.models.reqif_reqif_header import ReqIFReqIFHeader  # type: ignore[import-untyped]
from reqif.models.reqif_spec_object import ReqIFSpecObject, SpecObjectAttribute  # type: ignore[import-untyped]
from reqif.models.reqif_spec_object_type import (  # type: ignore[import-untyped]
    ReqIFSpecObjectType,
    SpecAttributeDefinition,
)
from reqif.models.reqif_spec_relation import ReqIFSpecRelation  # type: ignore[import-untyped]
from reqif.models.reqif_spec_relation_type import ReqIFSpecRelationType  # type: ignore[import-untyped]
from reqif.models.reqif_types import SpecObjectAttributeType  # type: ignore[import-untyped]
from reqif.object_lookup import ReqIFObjectLookup  # type: ignore[import-untyped]
from reqif.reqif_bundle import ReqIFBundle  # type: ignore[import-untyped]
from reqif.unparser import ReqIFUnparser  # type: ignore[import-untyped]

from qmsdoc.errors import InputError
from qmsdoc.input_files import configure_limits, limits_scope
from qmsdoc.interchange.mapping import load_mapping, same_name_mapping
from qmsdoc.interchange.reqif_format import read_reqif
from qmstest import TESTS

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.project import Project

DATA = TESTS / "data" / "interchange"
_STAMP = "2025-01-01T00:00:00+00:00"


def _attribute(kind: str, ref: str, value: str) -> object:
    return SpecObjectAttribute(
        attribute_type=getattr(SpecObjectAttributeType, kind),
        definition_ref=ref,
        value=value,
    )


def _unparsed_reqif() -> str:
    """A ReqIF file written by the reqif library's unparser, as StrictDoc and other
    tools built on it write them: 3 objects, 2 relations, no hierarchy."""
    string = ReqIFDataTypeDefinitionString(identifier="DT-S", last_change=_STAMP)
    xhtml = ReqIFDataTypeDefinitionXHTML(identifier="DT-X", last_change=_STAMP)
    definitions = [
        SpecAttributeDefinition(
            attribute_type=SpecObjectAttributeType.STRING,
            identifier=f"AD-{name}",
            datatype_definition=dt,
            long_name=name,
            last_change=_STAMP,
        )
        for name, dt in (("ReqIF.ForeignID", "DT-S"), ("ReqIF.Name", "DT-S"))
    ]
    definitions.append(
        SpecAttributeDefinition(
            attribute_type=SpecObjectAttributeType.XHTML,
            identifier="AD-text",
            datatype_definition="DT-X",
            long_name="ReqIF.Text",
            last_change=_STAMP,
        )
    )
    object_type = ReqIFSpecObjectType(
        identifier="SOT-need", long_name="user_need", last_change=_STAMP,
        attribute_definitions=definitions,
    )  # fmt: skip
    objects = [
        ReqIFSpecObject(
            identifier=f"SO-{number}",
            spec_object_type="SOT-need",
            last_change=_STAMP,
            attributes=[
                _attribute("STRING", "AD-ReqIF.ForeignID", f"UN-{number:03}"),
                _attribute("STRING", "AD-ReqIF.Name", f"Need {number}"),
                _attribute("XHTML", "AD-text", f"<xhtml:div>Text {number}</xhtml:div>"),
            ],
        )
        for number in (1, 2, 3)
    ]
    relation_type = ReqIFSpecRelationType(
        identifier="SRT-refines", long_name="refines", last_change=_STAMP
    )
    relations = [
        ReqIFSpecRelation(
            identifier=f"SR-{source}",
            relation_type_ref="SRT-refines",
            source=f"SO-{source}",
            target="SO-1",
            last_change=_STAMP,
        )
        for source in (2, 3)
    ]
    content = ReqIFReqIFContent(
        data_types=[string, xhtml],
        spec_types=[object_type, relation_type],
        spec_objects=objects,
        spec_relations=relations,
    )
    bundle = ReqIFBundle(
        namespace_info=ReqIFNamespaceInfo.create_default(),
        req_if_header=ReqIFReqIFHeader(
            identifier="H", creation_time=_STAMP, title="Unparsed"
        ),
        core_content=ReqIFCoreContent(req_if_content=content),
        tool_extensions_tag_exists=False,
        lookup=ReqIFObjectLookup.empty(),
        exceptions=[],
    )
    text: str = ReqIFUnparser.unparse(bundle)
    return text


def test_three_origins_import_with_their_object_and_relation_counts(
    empty_project: Project, tmp_path: Path
) -> None:
    profile = empty_project.profile
    unparsed = tmp_path / "unparsed.reqif"
    unparsed.write_text(_unparsed_reqif(), encoding="utf-8")
    read = read_reqif(unparsed, same_name_mapping(profile), profile)
    assert (read.objects_read, read.relations_read, len(read.items)) == (3, 2, 3)
    assert [item.links for item in read.items] == [
        (),
        (("refines", ("UN-001",)),),
        (("refines", ("UN-001",)),),
    ]
    assert read.items[0].content == "Text 1"

    doors = read_reqif(
        DATA / "doors.reqif", load_mapping(DATA / "doors.toml", profile), profile
    )
    assert (doors.objects_read, doors.relations_read, len(doors.items)) == (3, 1, 2)
    first = doors.items[0]
    assert first.section == ("Reading the results",)  # the heading object
    assert first.fields == (("status", "approved"),)
    assert first.title == "Abnormal results at a glance"
    assert first.content == (
        "The patient wants to see which results are outside the reference range."
        "\n\nSource: interviews & complaints."
    )
    assert [s.reason for s in doors.skipped] == [
        "type 'Heading' is not in the mapping (a heading)"
    ]

    polarion = read_reqif(
        DATA / "polarion.reqif", load_mapping(DATA / "polarion.toml", profile), profile
    )
    assert (polarion.objects_read, polarion.relations_read) == (3, 3)
    assert [item.id for item in polarion.items] == ["UN-101", "REQ-201", "REQ-202"]
    assert polarion.items[1].fields == (
        ("status", "in_review"),
        ("kind", "functional"),
        ("level", "software"),
    )
    assert polarion.items[2].links == (("satisfies", ("UN-101",)),)
    assert polarion.skipped[0].where == f"{DATA / 'polarion.reqif'}:80"


def _broken(tmp_path: Path, old: str, new: str, name: str = "bad.reqif") -> Path:
    path = tmp_path / name
    text = (DATA / "polarion.reqif").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '<DATATYPE-DEFINITION-DATE IDENTIFIER="polarion-date"',
            '<DATATYPE-DEFINITION-COLOUR IDENTIFIER="polarion-date"',
            ":30: unknown datatype <DATATYPE-DEFINITION-COLOUR> 'polarion-date'",
        ),
        (
            "<TARGET><SPEC-OBJECT-REF>SER-101</SPEC-OBJECT-REF></TARGET>",
            "<TARGET><SPEC-OBJECT-REF>SER-999</SPEC-OBJECT-REF></TARGET>",
            ":78: dangling relation 'polarion-link-SER-102-satisfies-SER-101': its "
            "target 'SER-999' is not a SPEC-OBJECT of the file",
        ),
        (
            '<SPEC-OBJECT IDENTIFIER="SER-103"',
            '<SPEC-OBJECT IDENTIFIER="SER-102"',
            ":70: duplicate identifier 'SER-102' (first on line 62)",
        ),
        (
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM '
            '"file:///etc/passwd">]>',
            ": refused: the XML declares a DTD or entities",
        ),
        (
            'THE-VALUE="REQ-202"',
            'THE-VALUE=""',
            ":70: object 'SER-103' has no 'ReqIF.ForeignID' value (the item id)",
        ),
    ],
    ids=[
        "unknown-datatype",
        "dangling-relation",
        "duplicate-identifier",
        "xxe",
        "no-id",
    ],
)
def test_bad_reqif_is_one_line(
    empty_project: Project, tmp_path: Path, old: str, new: str, message: str
) -> None:
    profile = empty_project.profile
    path = _broken(tmp_path, old, new)
    with pytest.raises(InputError) as raised:
        read_reqif(path, load_mapping(DATA / "polarion.toml", profile), profile)
    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith(str(path))
    assert message in text


def test_an_attribute_that_names_no_datatype_is_an_unknown_datatype(
    empty_project: Project, tmp_path: Path
) -> None:
    path = _broken(
        tmp_path,
        "<DATATYPE-DEFINITION-DATE-REF>polarion-date</DATATYPE-DEFINITION-DATE-REF>",
        "<DATATYPE-DEFINITION-DATE-REF>nowhere</DATATYPE-DEFINITION-DATE-REF>",
    )
    with pytest.raises(InputError, match=r"bad\.reqif:40: unknown datatype 'nowhere'"):
        read_reqif(
            path, same_name_mapping(empty_project.profile), empty_project.profile
        )


def test_reqifz_reads_its_one_reqif_and_refuses_a_zip_bomb(
    empty_project: Project, tmp_path: Path
) -> None:
    profile = empty_project.profile
    mapping = load_mapping(DATA / "polarion.toml", profile)
    good = tmp_path / "export.reqifz"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(DATA / "polarion.reqif", "srs.reqif")
        archive.writestr("attachments/logo.png", b"\x89PNG")
    assert len(read_reqif(good, mapping, profile).items) == 3

    bomb = tmp_path / "bomb.reqifz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("srs.reqif", b" " * (2 * 1024 * 1024))
    assert bomb.stat().st_size < 20_000
    with limits_scope():
        configure_limits({"report": 1024 * 1024})
        with pytest.raises(InputError) as raised:
            read_reqif(bomb, mapping, profile)
    assert str(raised.value) == (
        f"{bomb}: srs.reqif inflates to more than the 1048576 byte limit for a "
        "report file (a zip bomb?); refused"
    )

    two = tmp_path / "two.reqifz"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.reqif", "<REQ-IF/>")
        archive.writestr("b.reqif", "<REQ-IF/>")
    with pytest.raises(InputError, match=r"must hold one \.reqif file \(found 2"):
        read_reqif(two, mapping, profile)
