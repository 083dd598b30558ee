"""SPDX 2.3 JSON written by real tools (kept in tests/data/sbom), and broken variants."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest

from qmsdoc.errors import InputError
from qmsdoc.soup import Component
from qmsdoc.soup.sbom import read_sbom

from ._soup_support import DATA, write_json

if TYPE_CHECKING:
    from pathlib import Path

#: written by sigs.k8s.io/bom (Kubernetes release tooling)
K8S_BOM = DATA / "k8s-bom-hello-server.spdx.json"
#: written by spdx-maven-plugin
MAVEN = DATA / "examplemaven-0.0.1.spdx.json"


def _document(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return copy.deepcopy(loaded)


def test_k8s_bom_output_the_described_package_is_the_subject() -> None:
    record = read_sbom(K8S_BOM)
    assert record.name == "k8s-bom-hello-server"
    assert record.source == "k8s-bom-hello-server.spdx.json"
    assert (record.format, record.spec_version) == ("SPDX", "SPDX-2.3")
    assert record.serial == (
        "https://spdx.org/spdxdocs/k8s-releng-bom-7c6a33ab-bd76-4b06-b291-a850e0815b07"
    )
    assert record.created == "2022-11-03T07:10:10Z"
    assert record.tools == ("sigs.k8s.io/bom/pkg/spdx",)
    # it describes one package (and a file); the package depends on the other three
    assert record.subject == "hello-server-src 0.1.0"
    assert [(c.name, c.version) for c in record.components] == [
        ("hyper", "0.14"),
        ("pretty_env_logger", "0.4.0"),
        ("tokio", "1.19.2"),
    ]
    hyper, logger, tokio = record.components
    assert hyper == Component(
        name="hyper",
        version="0.14",
        supplier=None,
        purl="pkg:cargo/hyper@0.14",
        licenses=("MIT",),
        hashes=(
            (
                "SHA-256",
                "02c929dc5c39e335a03c405292728118860721b10190d98c2a0f0efd5baafbac",
            ),
        ),
        reference="SPDXRef-Package-SPDXRef-Package-cargo-hyper-0.14",
        kind="library",
    )
    assert logger.licenses == ("MIT OR Apache-2.0",)
    assert tokio.key == "pkg:cargo/tokio"


def test_spdx_maven_plugin_output() -> None:
    record = read_sbom(MAVEN)
    assert record.name == "examplemaven-0.0.1"
    assert record.subject == "examplemaven 0.0.1"
    assert record.tools == ("spdx-maven-plugin",)
    assert record.serial == "http://spdx.org/documents/examplemaven-0.0.1"
    assert [(c.name, c.version, c.licenses) for c in record.components] == [
        ("Apache Log4j API", None, ()),
        ("Apache Log4j Core", None, ()),
        ("Apache Log4j SLF4J Binding", None, ()),
        ("JUnit", "3.8.1", ("CPL-1.0",)),
        ("SLF4J API Module", None, ()),
    ]
    # no purl: the name is the identity
    assert [c.key for c in record.components][3] == "junit"
    assert all(c.supplier is None and c.purl is None for c in record.components)


@pytest.mark.parametrize(
    ("supplier", "expected"),
    [
        ("Organization: Apache Software Foundation", "Apache Software Foundation"),
        ("Person: Jane Doe (jane@example.invalid)", "Jane Doe"),
        ("NOASSERTION", None),
    ],
)
def test_supplier(tmp_path: Path, supplier: str, expected: str | None) -> None:
    document = _document(MAVEN)
    document["packages"][0]["supplier"] = supplier
    record = read_sbom(write_json(tmp_path / "maven.spdx.json", document))
    junit = next(c for c in record.components if c.name == "JUnit")
    assert junit.supplier == expected


def test_purpose_checksums_and_declared_and_concluded_licences(tmp_path: Path) -> None:
    document = _document(K8S_BOM)
    tokio = document["packages"][2]
    tokio["primaryPackagePurpose"] = "OPERATING-SYSTEM"
    tokio["licenseDeclared"] = "Apache-2.0"
    tokio["checksums"].append({"algorithm": "SHA3-256", "checksumValue": "aa" * 32})
    tokio["checksums"].append({"algorithm": "BLAKE2b-256", "checksumValue": "bb" * 32})
    record = read_sbom(write_json(tmp_path / "bom.spdx.json", document))
    component = next(c for c in record.components if c.name == "tokio")
    assert component.kind == "operating-system"
    assert component.licenses == ("Apache-2.0", "MIT")
    assert [algorithm for algorithm, _ in component.hashes] == [
        "BLAKE2b-256",
        "SHA-256",
        "SHA3-256",
    ]
    assert dict(component.hashes)["SHA3-256"] == "aa" * 32


def test_a_document_describing_several_packages_keeps_them_all(tmp_path: Path) -> None:
    document = _document(K8S_BOM)
    document["documentDescribes"] = [p["SPDXID"] for p in document["packages"]]
    record = read_sbom(write_json(tmp_path / "list.spdx.json", document))
    assert record.subject is None
    assert len(record.components) == 4


def test_a_described_package_nothing_relates_to_stays_a_component(
    tmp_path: Path,
) -> None:
    document = _document(K8S_BOM)
    document["relationships"] = [
        r for r in document["relationships"] if r["relationshipType"] != "DEPENDS_ON"
    ]
    record = read_sbom(write_json(tmp_path / "flat.spdx.json", document))
    assert record.subject is None
    assert "hello-server-src" in [c.name for c in record.components]


@pytest.mark.parametrize("version", ["SPDX-9.9", "SPDX-2.1", 3])
def test_an_unknown_spdx_version_is_refused(tmp_path: Path, version: object) -> None:
    document = _document(K8S_BOM)
    document["spdxVersion"] = version
    path = write_json(tmp_path / "bom.spdx.json", document)
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value) == (
        f"{path}: spdxVersion {version!r} is not supported "
        "(supported: SPDX-2.2, SPDX-2.3)"
    )


def test_parser_errors_become_one_line(tmp_path: Path) -> None:
    document = _document(K8S_BOM)
    document["packages"][1]["checksums"][0]["algorithm"] = "CRC32"
    document["packages"][2]["versionInfo"] = 5
    path = write_json(tmp_path / "bom.spdx.json", document)
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: not a valid SPDX document: ")
    assert "Invalid ChecksumAlgorithm: CRC32" in message
    assert "\n" not in message


def test_validation_errors_become_one_line_with_the_first_few(tmp_path: Path) -> None:
    document = _document(K8S_BOM)
    for number in range(5):
        document["relationships"].append(
            {
                "spdxElementId": "SPDXRef-Package-hello-server-src",
                "relationshipType": "DEPENDS_ON",
                "relatedSpdxElement": f"SPDXRef-missing-{number}",
            }
        )
    path = write_json(tmp_path / "bom.spdx.json", document)
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: SPDX validation failed: ")
    assert "SPDXRef-missing-0" in message
    assert "SPDXRef-missing-2" in message
    assert "SPDXRef-missing-3" not in message
    assert message.endswith("(and 2 more)")
    assert "\n" not in message


def test_a_package_listed_twice_is_named(tmp_path: Path) -> None:
    document = _document(K8S_BOM)
    document["packages"].append(copy.deepcopy(document["packages"][2]))
    path = write_json(tmp_path / "bom.spdx.json", document)
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value) == (
        f"{path}: duplicate component tokio 1.19.2: "
        "SPDXID SPDXRef-Package-SPDXRef-Package-cargo-tokio-1 appears twice"
    )


def test_the_same_package_under_two_ids_is_a_duplicate(tmp_path: Path) -> None:
    document = _document(K8S_BOM)
    twin = copy.deepcopy(document["packages"][2])
    twin["SPDXID"] = "SPDXRef-tokio-again"
    document["packages"].append(twin)
    path = write_json(tmp_path / "bom.spdx.json", document)
    with pytest.raises(InputError) as raised:
        read_sbom(path)
    assert str(raised.value) == (
        f"{path}: duplicate component tokio 1.19.2 "
        "(pkg:cargo/tokio is listed twice with this version)"
    )


@pytest.mark.parametrize(
    ("path", "value", "expect"),
    [
        (("packages",), ["left-pad"], "packages[0] is a string, not an object"),
        (("packages",), {"a": 1}, "packages is an object, not a list"),
        (("creationInfo",), "x", "creationInfo is a string, not an object"),
        (("creationInfo", "creators"), [1], "creationInfo.creators[0] is a number"),
        (("packages", 1, "checksums"), "x", "packages[1].checksums is a string"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_before_spdx_tools(
    tmp_path: Path, path: tuple[str | int, ...], value: object, expect: str
) -> None:
    document: Any = _document(K8S_BOM)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    sbom = write_json(tmp_path / "bom.spdx.json", document)
    with pytest.raises(InputError) as raised:
        read_sbom(sbom)
    assert str(raised.value).startswith(f"{sbom}: not a valid SPDX document: {expect}")
