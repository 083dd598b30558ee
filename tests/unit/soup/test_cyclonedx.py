"""CycloneDX SBOMs: a real one made by cyclonedx-py, and the shapes other tools write."""

from __future__ import annotations

import importlib.metadata
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.soup import Component
from qmsdoc.soup.cyclonedx_reader import supported_versions
from qmsdoc.soup.sbom import read_sbom

from ._soup_support import cyclonedx, library, write_json

if TYPE_CHECKING:
    from pathlib import Path

    from .conftest import EnvironmentSboms


# -- a real SBOM of this environment --------------------------------------------------


def test_the_environment_sbom_lists_every_distribution(
    environment_sboms: EnvironmentSboms,
) -> None:
    record = read_sbom(environment_sboms.json_file)
    assert record.name == "environment"
    assert record.source == "environment.cdx.json"
    assert (record.format, record.spec_version) == ("CycloneDX", "1.6")
    listed = Counter((c.name, c.version) for c in record.components)
    assert listed == Counter(environment_sboms.distributions)
    assert len(record.components) == len(environment_sboms.distributions)
    tool_version = importlib.metadata.version("cyclonedx-bom")
    assert f"cyclonedx-py {tool_version}" in record.tools
    assert record.serial is not None
    assert record.serial.startswith("urn:uuid:")
    assert record.created is not None
    assert record.subject is None  # no --pyproject: the environment has no root


@pytest.mark.parametrize("distribution", ["sphinx", "openpyxl", "cyclonedx-python-lib"])
def test_known_packages_have_their_installed_versions(
    environment_sboms: EnvironmentSboms, distribution: str
) -> None:
    record = read_sbom(environment_sboms.json_file)
    by_key = {component.key: component for component in record.components}
    component = by_key[f"pkg:pypi/{distribution}"]
    installed = importlib.metadata.version(distribution)
    assert component.version == installed
    assert component.purl == f"pkg:pypi/{distribution}@{installed}"
    assert component.kind == "library"
    assert component.reference == f"{component.name}=={installed}"
    assert component.licenses  # every one of these declares its licence


def test_json_and_xml_of_the_same_environment_agree(
    environment_sboms: EnvironmentSboms,
) -> None:
    from_json = read_sbom(environment_sboms.json_file)
    from_xml = read_sbom(environment_sboms.xml_file)
    assert from_xml.name == "environment"
    assert from_xml.spec_version == "1.6"
    assert from_xml.components == from_json.components
    assert from_xml.tools == from_json.tools
    assert from_xml.digest != from_json.digest


# -- fields ---------------------------------------------------------------------------


def test_nested_components_are_flattened_and_the_metadata_component_is_the_subject(
    tmp_path: Path,
) -> None:
    inner = library("inner", "0.1", **{"bom-ref": "inner"})
    outer = library("outer", "2.0", components=[inner], **{"bom-ref": "outer"})
    document = cyclonedx(
        [outer, library("alone", "1.0")],
        metadata={
            "timestamp": "2024-05-02T10:11:12Z",
            "component": {
                "type": "application",
                "name": "serenya-api",
                "version": "3.1",
            },
            "tools": {
                "components": [
                    {"type": "application", "name": "syft", "version": "1.4.1"}
                ]
            },
        },
        serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    )
    record = read_sbom(write_json(tmp_path / "serenya-api.cdx.json", document))
    assert [c.name for c in record.components] == ["alone", "inner", "outer"]
    assert record.subject == "serenya-api 3.1"
    assert record.tools == ("syft 1.4.1",)
    assert record.created == "2024-05-02T10:11:12Z"
    assert record.serial == "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
    assert record.name == "serenya-api"


def test_serial_and_time_come_only_from_the_file(tmp_path: Path) -> None:
    # the library makes up a serial number and a timestamp when there are none
    record = read_sbom(write_json(tmp_path / "bare.json", cyclonedx([])))
    assert record.serial is None
    assert record.created is None
    assert record.components == ()


@pytest.mark.parametrize(
    ("fields", "supplier"),
    [
        ({"supplier": {"name": "Pallets"}, "publisher": "someone"}, "Pallets"),
        ({"manufacturer": {"name": "Acme GmbH"}, "publisher": "someone"}, "Acme GmbH"),
        ({"publisher": "Pallets Projects", "group": "org.pallets"}, "Pallets Projects"),
        ({"group": "org.apache.logging"}, "org.apache.logging"),
        ({"author": "Armin Ronacher"}, "Armin Ronacher"),
        ({"authors": [{"name": "Ronacher"}, {"name": "Lord"}]}, "Lord"),
        ({"supplier": {"url": ["https://example.invalid"]}}, None),
        ({}, None),
    ],
)
def test_supplier_is_the_first_stated_of_supplier_publisher_group_author(
    tmp_path: Path, fields: dict[str, object], supplier: str | None
) -> None:
    document = cyclonedx([library("flask", "3.0.3", **fields)])
    record = read_sbom(write_json(tmp_path / "bom.json", document))
    assert record.components[0].supplier == supplier


def test_licences_hashes_and_type(tmp_path: Path) -> None:
    component = library(
        "openssl",
        "3.0.13",
        purl="pkg:generic/openssl@3.0.13",
        type="framework",
        licenses=[
            {"license": {"name": "OpenSSL License"}},
            {"license": {"id": "Apache-2.0"}},
        ],
        hashes=[
            {"alg": "SHA-256", "content": "AB" * 32},
            {"alg": "MD5", "content": "cd" * 16},
        ],
    )
    expression = library(
        "pretty-env-logger",
        "0.4.0",
        licenses=[{"expression": "MIT OR Apache-2.0"}],
    )
    record = read_sbom(
        write_json(tmp_path / "bom.json", cyclonedx([component, expression]))
    )
    openssl, logger = sorted(record.components, key=lambda c: c.name)
    assert openssl == Component(
        name="openssl",
        version="3.0.13",
        supplier=None,
        purl="pkg:generic/openssl@3.0.13",
        licenses=("Apache-2.0", "OpenSSL License"),
        hashes=(("MD5", "cd" * 16), ("SHA-256", "ab" * 32)),
        reference="",
        kind="framework",
    )
    assert logger.licenses == ("MIT OR Apache-2.0",)


def test_legacy_tools_of_cyclonedx_1_4(tmp_path: Path) -> None:
    document = cyclonedx(
        [library("six", "1.16.0")],
        spec="1.4",
        metadata={
            "tools": [{"vendor": "aquasecurity", "name": "trivy", "version": "0.50.1"}]
        },
    )
    record = read_sbom(write_json(tmp_path / "trivy.json", document))
    assert record.spec_version == "1.4"
    assert record.tools == ("trivy 0.50.1",)


XML_1_4 = """\
<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4" serialNumber="urn:uuid:5d7b6e0c-6d3c-4e43-9b7c-0b6c1f8a2f11" version="1">
  <metadata>
    <timestamp>2024-03-01T08:00:00Z</timestamp>
    <component type="application"><name>serenya-gateway</name><version>1.2</version></component>
  </metadata>
  <components>
    <component type="library" bom-ref="requests">
      <supplier><name>Python Software Foundation</name></supplier>
      <name>requests</name>
      <version>2.32.3</version>
      <hashes><hash alg="SHA-256">0A1B</hash></hashes>
      <licenses><license><id>Apache-2.0</id></license></licenses>
      <purl>pkg:pypi/requests@2.32.3</purl>
      <components>
        <component type="library" bom-ref="urllib3">
          <name>urllib3</name><version>2.2.1</version><purl>pkg:pypi/urllib3@2.2.1</purl>
        </component>
      </components>
    </component>
  </components>
</bom>
"""


def test_xml_of_an_older_version_with_nested_components(tmp_path: Path) -> None:
    path = tmp_path / "gateway.cdx.xml"
    path.write_text(XML_1_4, encoding="utf-8")
    record = read_sbom(path)
    assert (record.name, record.format, record.spec_version) == (
        "gateway",
        "CycloneDX",
        "1.4",
    )
    assert record.subject == "serenya-gateway 1.2"
    assert record.created == "2024-03-01T08:00:00Z"
    assert record.serial == "urn:uuid:5d7b6e0c-6d3c-4e43-9b7c-0b6c1f8a2f11"
    requests, urllib3 = record.components
    assert requests.supplier == "Python Software Foundation"
    assert requests.hashes == (("SHA-256", "0a1b"),)
    assert requests.licenses == ("Apache-2.0",)
    assert requests.reference == "requests"
    assert (urllib3.name, urllib3.version, urllib3.key) == (
        "urllib3",
        "2.2.1",
        "pkg:pypi/urllib3",
    )


# -- refused --------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["9.9", "1.0", "1.1", None])
def test_an_unknown_json_spec_version_is_refused_with_the_supported_ones(
    tmp_path: Path, version: str | None
) -> None:
    document = cyclonedx([library("six", "1.16.0")])
    if version is None:
        del document["specVersion"]
    else:
        document["specVersion"] = version
    path = write_json(tmp_path / "bom.json", document)
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    shown = repr(version) if version is not None else "missing"
    assert str(raised.value) == (
        f"{path}: CycloneDX specVersion {shown} is not supported in JSON "
        "(supported: 1.2, 1.3, 1.4, 1.5, 1.6, 1.7)"
    )


def test_xml_knows_every_version_the_library_knows(tmp_path: Path) -> None:
    assert supported_versions("XML") == (
        "1.0",
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "1.6",
        "1.7",
    )
    path = tmp_path / "future.xml"
    path.write_text(XML_1_4.replace("bom/1.4", "bom/9.9"), encoding="utf-8")
    with pytest.raises(InputError, match=r"specVersion '9\.9' is not supported in XML"):
        read_sbom(path)


BILLION_LAUGHS = """\
<?xml version="1.0"?>
<!DOCTYPE bom [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
  <components><component type="library"><name>&lol9;</name></component></components>
</bom>
"""

EXTERNAL_ENTITY = """\
<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
  <components><component type="library"><name>&xxe;</name></component></components>
</bom>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_xml_with_entity_declarations_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value).startswith(
        f"{path}: refused: the XML declares a DTD or entities"
    )


def test_a_component_the_library_cannot_read_is_named(tmp_path: Path) -> None:
    document = cyclonedx([library("six", "1.16.0"), library("odd", "1", type="gadget")])
    path = write_json(tmp_path / "bom.json", document)
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    message = str(raised.value)
    assert message.startswith(
        f"{path}: component 'odd': not valid CycloneDX (ValueError: "
    )
    assert "gadget" in message
    assert "\n" not in message


def test_identical_components_are_duplicates_not_merged(tmp_path: Path) -> None:
    # the library's sorted set would quietly keep one of two equal entries
    six = library("six", "1.16.0", **{"bom-ref": "six"})
    path = write_json(tmp_path / "bom.json", cyclonedx([six, dict(six)]))
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value) == (
        f"{path}: duplicate component six 1.16.0 "
        "(pkg:pypi/six is listed twice with this version)"
    )


def test_a_bom_ref_used_twice_is_a_duplicate(tmp_path: Path) -> None:
    first = library("six", "1.16.0", **{"bom-ref": "ref-1"})
    nested = library("idna", "3.7", **{"bom-ref": "ref-1"})
    outer = library("requests", "2.32.3", components=[nested], **{"bom-ref": "r"})
    path = write_json(tmp_path / "bom.json", cyclonedx([first, outer]))
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value) == (
        f"{path}: duplicate component idna 3.7: its reference 'ref-1' is also six 1.16.0"
    )
