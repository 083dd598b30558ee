"""Read CycloneDX SBOMs (JSON and XML): the only module that imports ``cyclonedx``.

The documents are deserialized by cyclonedx-python-lib. XML is parsed first with
qmsdoc.safe_xml (defusedxml), refusing DTDs and entity declarations, and the element is handed to the
library. Nested components are flattened; the metadata component is what the SBOM
describes (the record's subject), not one of its components.
"""

from __future__ import annotations

import re
import warnings
from functools import partial
from typing import TYPE_CHECKING, Any

from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.license import LicenseExpression
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator

from qmsdoc.errors import InputError
from qmsdoc.safe_xml import parse_untrusted_xml
from qmsdoc.soup.records import Component, SbomRecord

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from xml.etree.ElementTree import Element

__all__ = [
    "CYCLONEDX_NAMESPACE",
    "is_cyclonedx_xml",
    "parse_xml",
    "read_cyclonedx_json",
    "read_cyclonedx_xml",
    "supported_versions",
]

#: XML namespaces of CycloneDX documents are this followed by the spec version
CYCLONEDX_NAMESPACE = "http://cyclonedx.org/schema/bom/"
_FORMAT = "CycloneDX"
_MESSAGE_LIMIT = 300
#: the bom-ref cyclonedx-python-lib invents (BomRefDiscriminator: prefix, 2 randoms)
_GENERATED_REFERENCE = re.compile(r"BomRef\.\d+\.\d+")


def supported_versions(output_format: str) -> tuple[str, ...]:
    """The CycloneDX versions the library reads in ``output_format`` (JSON or XML).

    JSON exists from CycloneDX 1.2 on; the library says so by having no JSON schema
    (hence no validator) for older versions.
    """
    selected = OutputFormat.JSON if output_format == "JSON" else OutputFormat.XML
    versions = []
    for version in sorted(SchemaVersion, key=lambda v: v.value):
        try:
            make_schemabased_validator(selected, version)
        except ValueError:
            continue
        versions.append(version.to_version())
    return tuple(versions)


def read_cyclonedx_json(
    document: dict[str, Any], *, source: str, digest: str, name: str
) -> SbomRecord:
    """Read a CycloneDX JSON document (already decoded) into a record.

    :param document: The decoded JSON object (``bomFormat`` is ``CycloneDX``).
    :param source: The file as messages name it (also the record's ``source``).
    :param digest: SHA-256 of the file's bytes.
    :param name: The record's name.
    :raises InputError: If the spec version is unknown or the document is invalid.
    :returns: The record, components in document order (not yet sorted or checked).
    """
    version = document.get("specVersion")
    _check_version(version, "JSON", source=source)
    raw_components = document.get("components", [])
    if not isinstance(raw_components, list):
        raise InputError(f"{source}: 'components' must be a list")
    components = tuple(
        _convert(component, source=source)
        for component in _json_components(raw_components, source=source)
    )
    # the library keeps components in a sorted set, which silently merges two equal
    # entries; each entry is deserialized on its own so that a duplicate stays visible.
    # The dependency graph is not part of a record, and building the library's
    # sorted sets for it costs more than all the rest
    rest = {**document, "components": [], "dependencies": []}
    bom = _deserialize(
        partial(Bom.from_json, rest),  # type: ignore[attr-defined]
        source=source,
        what="document",
    )
    # serial number and timestamp come from the file: the library invents them when
    # the document has none
    metadata = document.get("metadata")
    created = metadata.get("timestamp") if isinstance(metadata, dict) else None
    serial = document.get("serialNumber")
    return SbomRecord(
        name=name,
        source=source,
        format=_FORMAT,
        spec_version=str(version),
        digest=digest,
        serial=serial if isinstance(serial, str) else None,
        created=created if isinstance(created, str) else None,
        tools=_tools(bom),
        subject=_subject(bom),
        components=components,
    )


def parse_xml(data: bytes, *, source: str) -> Element:
    """Parse XML safely: DTDs, entity declarations and external references refused.

    :raises InputError: If the XML is not well-formed or declares a DTD or entities.
    """
    return parse_untrusted_xml(data, source=source)


def read_cyclonedx_xml(
    root: Element, *, source: str, digest: str, name: str
) -> SbomRecord:
    """Read a CycloneDX XML document (its parsed root ``bom`` element) into a record.

    The element is consumed: its component elements are detached while reading.

    :raises InputError: If the spec version is unknown or the document is invalid.
    :returns: The record, components in document order (not yet sorted or checked).
    """
    if not is_cyclonedx_xml(root):
        raise InputError(f"{source}: not a CycloneDX XML document")
    namespace = _namespace(root)
    version = namespace[len(CYCLONEDX_NAMESPACE) :]
    _check_version(version, "XML", source=source)
    if _local(root.tag) != "bom":
        raise InputError(
            f"{source}: not a CycloneDX BOM (root element <{_local(root.tag)}>)"
        )
    container = root.find(f"{{{namespace}}}components")
    components: tuple[Component, ...] = ()
    if container is not None:
        root.remove(container)
        components = tuple(
            _convert(component, source=source)
            for component in _xml_components(container, namespace, source=source)
        )
    # as for JSON: components are read one by one, the dependency graph not at all
    for graph in root.findall(f"{{{namespace}}}dependencies"):
        root.remove(graph)
    bom = _deserialize(
        partial(Bom.from_xml, root),  # type: ignore[attr-defined]
        source=source,
        what="document",
    )
    timestamp = root.find(f"{{{namespace}}}metadata/{{{namespace}}}timestamp")
    created = (timestamp.text or "").strip() if timestamp is not None else ""
    return SbomRecord(
        name=name,
        source=source,
        format=_FORMAT,
        spec_version=version,
        digest=digest,
        serial=root.get("serialNumber"),
        created=created or None,
        tools=_tools(bom),
        subject=_subject(bom),
        components=components,
    )


def is_cyclonedx_xml(root: Element) -> bool:
    """Whether the root element is in a CycloneDX namespace (of any version)."""
    return _namespace(root).startswith(CYCLONEDX_NAMESPACE)


def _check_version(version: object, output_format: str, *, source: str) -> None:
    supported = supported_versions(output_format)
    if version not in supported:
        shown = repr(version) if version is not None else "missing"
        raise InputError(
            f"{source}: CycloneDX specVersion {shown} is not supported in "
            f"{output_format} (supported: {', '.join(supported)})"
        )


def _json_components(entries: list[Any], *, source: str) -> Iterator[CdxComponent]:
    """Depth first: each component, then the components nested in it."""
    for entry in entries:
        if not isinstance(entry, dict):
            raise InputError(
                f"{source}: a component is not a JSON object: {entry!r:.80}"
            )
        nested = entry.get("components", [])
        if not isinstance(nested, list):
            raise InputError(
                f"{source}: component {entry.get('name')!r}: 'components' must be a list"
            )
        flat = {key: value for key, value in entry.items() if key != "components"}
        yield _deserialize(
            partial(CdxComponent.from_json, flat),  # type: ignore[attr-defined]
            source=source,
            what=f"component {entry.get('name')!r}",
        )
        yield from _json_components(nested, source=source)


def _xml_components(
    container: Element, namespace: str, *, source: str
) -> Iterator[CdxComponent]:
    for element in list(container):
        if _local(element.tag) != "component":
            continue
        nested = element.find(f"{{{namespace}}}components")
        if nested is not None:
            element.remove(nested)
        title = element.findtext(f"{{{namespace}}}name")
        yield _deserialize(
            partial(CdxComponent.from_xml, element),  # type: ignore[attr-defined]
            source=source,
            what=f"component {title!r}",
        )
        if nested is not None:
            yield from _xml_components(nested, namespace, source=source)


def _deserialize(build: Callable[[], Any], *, source: str, what: str) -> Any:
    try:
        with warnings.catch_warnings():
            # a document using fields deprecated by later versions is still valid
            warnings.simplefilter("ignore", DeprecationWarning)
            result = build()
    except Exception as error:
        # the library raises whatever its deserializer meets (ValueError, KeyError,
        # TypeError, AttributeError, its own exceptions): any of them is bad input
        message = " ".join(str(error).split())[:_MESSAGE_LIMIT]
        raise InputError(
            f"{source}: {what}: not valid CycloneDX ({type(error).__name__}: {message})"
        ) from None
    if result is None:
        raise InputError(f"{source}: {what}: not valid CycloneDX (empty)")
    return result


def _subject(bom: Bom) -> str | None:
    subject = bom.metadata.component
    return None if subject is None else _label(str(subject.name), subject.version)


def _tools(bom: Bom) -> tuple[str, ...]:
    tools = bom.metadata.tools
    labels = [_label(str(tool.name or ""), tool.version) for tool in tools.tools]
    labels.extend(_label(str(tool.name), tool.version) for tool in tools.components)
    labels.extend(_label(str(tool.name), tool.version) for tool in tools.services)
    return tuple(sorted({label for label in labels if label}))


def _label(name: str, version: str | None) -> str:
    return f"{name} {version}".strip() if version else name.strip()


def _convert(component: CdxComponent, *, source: str) -> Component:
    name = str(component.name or "").strip()
    reference = component.bom_ref.value or ""
    if _GENERATED_REFERENCE.fullmatch(reference):
        # made up at random by the library's serializer for a component without
        # one (cyclonedx-py does so for a local package): it would change the
        # record at every import while nothing changed
        reference = ""
    if not name:
        raise InputError(f"{source}: a component has no name (bom-ref {reference!r})")
    licenses = set()
    for license_ in component.licenses:
        if isinstance(license_, LicenseExpression):
            licenses.add(license_.value)
        elif license_.id or license_.name:
            licenses.add(str(license_.id or license_.name))
    return Component(
        name=name,
        version=str(component.version) if component.version else None,
        supplier=_supplier(component),
        purl=str(component.purl) if component.purl is not None else None,
        licenses=tuple(sorted(licenses)),
        hashes=tuple(
            sorted((item.alg.value, item.content.lower()) for item in component.hashes)
        ),
        reference=reference,
        kind=component.type.value,
    )


def _supplier(component: CdxComponent) -> str | None:
    """Supplier, else manufacturer (1.6), publisher, group, author: the first stated."""
    for entity in (component.supplier, component.manufacturer):
        if entity is not None and entity.name and entity.name.strip():
            return entity.name.strip()
    authors = sorted(str(author.name) for author in component.authors if author.name)
    for candidate in (
        component.publisher,
        component.group,
        component.author,
        authors[0] if authors else None,
    ):
        if candidate and candidate.strip():
            return candidate.strip()
    return None


def _namespace(element: Element) -> str:
    tag = str(element.tag)
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]
