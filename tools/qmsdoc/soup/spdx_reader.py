"""Read SPDX 2.2 and 2.3 JSON SBOMs: the only module that imports ``spdx_tools``.

spdx-tools parses and validates the document; its packages become components. The
package the document describes becomes the record's subject instead, when there is
exactly one and other packages are related to it (the product and its SOUP); a
document that describes several packages, or a bare list, keeps them all.
spdx-tools is imported when a document is read: importing it takes a while.
The JSON's shape (which keys hold objects, lists or strings) is checked before
spdx-tools sees it: spdx-tools assumes the schema's types and crashes otherwise.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from qmsdoc.errors import InputError
from qmsdoc.input_files import excerpt
from qmsdoc.soup.records import Component, SbomRecord

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["SUPPORTED_SPDX_VERSIONS", "read_spdx_json"]

SUPPORTED_SPDX_VERSIONS = ("SPDX-2.2", "SPDX-2.3")
_FORMAT = "SPDX"
_SHOWN_MESSAGES = 3
_MESSAGE_LIMIT = 200
#: relationships that say what the document describes, not how packages relate
_DESCRIBING = ("DESCRIBES", "DESCRIBED_BY")
_Shape = Literal["object", "objects", "strings"]
#: the JSON type of each SPDX 2.2/2.3 key holding an object or a list, wherever it
#: appears (spdx-tools reports wrong scalars itself, but crashes on wrong containers)
_SHAPES: dict[str, _Shape] = {
    "creationInfo": "object",
    "packageVerificationCode": "object",
    "checksum": "object",
    "startPointer": "object",
    "endPointer": "object",
    **dict.fromkeys(
        (
            "packages",
            "files",
            "snippets",
            "relationships",
            "annotations",
            "hasExtractedLicensingInfos",
            "externalDocumentRefs",
            "checksums",
            "externalRefs",
            "ranges",
        ),
        "objects",
    ),
    **dict.fromkeys(
        (
            "creators",
            "documentDescribes",
            "attributionTexts",
            "hasFiles",
            "licenseInfoFromFiles",
            "fileTypes",
            "licenseInfoInFiles",
            "fileContributors",
            "licenseInfoInSnippets",
            "seeAlsos",
            "packageVerificationCodeExcludedFiles",
        ),
        "strings",
    ),
}


def read_spdx_json(
    document: dict[str, Any], *, source: str, digest: str, name: str
) -> SbomRecord:
    """Read an SPDX JSON document (already decoded) into a record.

    :param document: The decoded JSON object (it has ``spdxVersion``).
    :param source: The file as messages name it (also the record's ``source``).
    :param digest: SHA-256 of the file's bytes.
    :param name: The record's name.
    :raises InputError: If the SPDX version is unknown or spdx-tools finds the
        document invalid (the first few of its messages, on one line).
    :returns: The record, components in document order (not yet sorted).
    """
    version = document.get("spdxVersion")
    if version not in SUPPORTED_SPDX_VERSIONS:
        raise InputError(
            f"{source}: spdxVersion {version!r} is not supported "
            f"(supported: {', '.join(SUPPORTED_SPDX_VERSIONS)})"
        )
    _check_shape(document, source=source)
    try:
        parsed = _parse(document, source=source)
        _reject_duplicate_ids(parsed.packages, source=source)
        _validate(parsed, source=source)
        subject = _subject(parsed)
        components = tuple(
            _convert(package)
            for package in parsed.packages
            if subject is None or package.spdx_id != subject.spdx_id
        )
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
        # a shape the check above does not know still ends in one line
        raise InputError(
            f"{source}: not a valid SPDX document: spdx-tools cannot read it "
            f"({type(error).__name__}: {excerpt(str(error))})"
        ) from None
    creation = document.get("creationInfo")
    created = creation.get("created") if isinstance(creation, dict) else None
    tools = sorted(
        {
            str(creator.name)
            for creator in parsed.creation_info.creators
            if creator.actor_type.name == "TOOL"
        }
    )
    return SbomRecord(
        name=name,
        source=source,
        format=_FORMAT,
        spec_version=str(version),
        digest=digest,
        serial=parsed.creation_info.document_namespace or None,
        created=created if isinstance(created, str) else None,
        tools=tuple(tools),
        subject=None if subject is None else _label(subject),
        components=components,
    )


def _check_shape(document: dict[str, Any], *, source: str) -> None:
    """Refuse a key whose value has the wrong JSON type, naming its place."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        place, value = stack.pop()
        if isinstance(value, list):
            stack.extend(
                (f"{place}[{index}]", item) for index, item in enumerate(value)
            )
            continue
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            where = f"{place}.{key}" if place else str(key)
            shape = _SHAPES.get(key)
            problem = None if shape is None else _mismatch(item, shape)
            if problem is not None:
                raise InputError(
                    f"{source}: not a valid SPDX document: {excerpt(where + problem)}"
                )
            stack.append((where, item))


def _mismatch(value: Any, shape: _Shape) -> str | None:
    """What is wrong with ``value`` for ``shape`` (its place and types), if anything."""
    if shape == "object":
        return (
            None
            if isinstance(value, dict)
            else f" is {_json_type(value)}, not an object"
        )
    if not isinstance(value, list):
        return f" is {_json_type(value)}, not a list"
    wanted, name = (dict, "an object") if shape == "objects" else (str, "a string")
    for index, item in enumerate(value):
        if not isinstance(item, wanted):
            return f"[{index}] is {_json_type(item)}, not {name}"
    return None


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _parse(document: dict[str, Any], *, source: str) -> Any:
    from spdx_tools.spdx.parser.error import SPDXParsingError  # noqa: PLC0415
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import (  # noqa: PLC0415
        JsonLikeDictParser,
    )

    try:
        return JsonLikeDictParser().parse(document)  # type: ignore[no-untyped-call]
    except SPDXParsingError as error:
        raise InputError(
            f"{source}: not a valid SPDX document: {_summary(error.get_messages())}"  # type: ignore[no-untyped-call]
        ) from None


def _validate(parsed: Any, *, source: str) -> None:
    from spdx_tools.spdx.validation.document_validator import (  # noqa: PLC0415
        validate_full_spdx_document,
    )

    messages = validate_full_spdx_document(parsed)
    if messages:
        raise InputError(
            f"{source}: SPDX validation failed: "
            + _summary([message.validation_message for message in messages])
        )


def _reject_duplicate_ids(packages: Sequence[Any], *, source: str) -> None:
    """A clearer message than the validator's for a package listed twice."""
    seen: set[str] = set()
    for package in packages:
        if package.spdx_id in seen:
            raise InputError(
                f"{source}: duplicate component {_label(package)}: "
                f"SPDXID {package.spdx_id} appears twice"
            )
        seen.add(package.spdx_id)


def _summary(messages: Sequence[str]) -> str:
    shown = [
        " ".join(str(message).split())[:_MESSAGE_LIMIT]
        for message in messages[:_SHOWN_MESSAGES]
    ]
    more = len(messages) - len(shown)
    return "; ".join(shown) + (f" (and {more} more)" if more > 0 else "")


def _subject(parsed: Any) -> Any:
    """The one described package other packages relate to, else None."""
    document_id = parsed.creation_info.spdx_id
    packages = {package.spdx_id: package for package in parsed.packages}
    described: set[str] = set()
    related: set[str] = set()
    for relationship in parsed.relationships:
        kind = relationship.relationship_type.name
        element = relationship.spdx_element_id
        target = str(relationship.related_spdx_element_id)
        if kind == "DESCRIBES" and element == document_id:
            described.add(target)
        elif kind == "DESCRIBED_BY" and target == document_id:
            described.add(element)
        elif kind not in _DESCRIBING and element in packages and target in packages:
            related.update((element, target))
    described &= packages.keys()
    if len(described) != 1:
        return None
    (subject_id,) = described
    return packages[subject_id] if subject_id in related else None


def _convert(package: Any) -> Component:
    licenses = {
        str(expression)
        for expression in (package.license_declared, package.license_concluded)
        if expression is not None and str(expression) not in ("NOASSERTION", "NONE")
    }
    purls = sorted(
        reference.locator
        for reference in package.external_references
        if reference.reference_type == "purl"
    )
    return Component(
        name=str(package.name).strip(),
        version=package.version or None,
        supplier=_supplier(package.supplier),
        purl=purls[0] if purls else None,
        licenses=tuple(sorted(licenses)),
        hashes=tuple(
            sorted(
                (_algorithm(checksum.algorithm.name), checksum.value.lower())
                for checksum in package.checksums
            )
        ),
        reference=package.spdx_id,
        kind=_kind(package.primary_package_purpose),
    )


def _supplier(actor: Any) -> str | None:
    """``Organization: X`` and ``Person: X (mail)`` give X; NOASSERTION gives None."""
    name = getattr(actor, "name", None)
    if not isinstance(name, str) or not name.strip():
        return None
    return name.strip()


def _kind(purpose: Any) -> str:
    # the SPDX purposes name the CycloneDX component types (OPERATING_SYSTEM is
    # operating-system); an unstated purpose is a library, as CycloneDX assumes
    if purpose is None:
        return "library"
    return str(purpose.name).lower().replace("_", "-")


def _algorithm(name: str) -> str:
    """SPDX checksum names spelt as CycloneDX spells them (SHA256 is SHA-256)."""
    if match := re.fullmatch(r"SHA3_(\d+)", name):
        return f"SHA3-{match.group(1)}"
    if match := re.fullmatch(r"SHA(\d+)", name):
        return f"SHA-{match.group(1)}"
    if match := re.fullmatch(r"BLAKE2B_(\d+)", name):
        return f"BLAKE2b-{match.group(1)}"
    return name


def _label(package: Any) -> str:
    name = str(package.name).strip()
    return f"{name} {package.version}" if package.version else name
