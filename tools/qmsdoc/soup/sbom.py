"""Read an SBOM file of either format into a checked :class:`SbomRecord`.

The format is recognised from the content, not the file name: JSON with
``bomFormat: CycloneDX``, JSON with ``spdxVersion``, or XML in a CycloneDX
namespace. Everything is checked before anything is returned, so a caller that writes
the record writes nothing for bad input.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import InputError
from qmsdoc.input_files import read_input_bytes
from qmsdoc.json_input import load_json
from qmsdoc.soup.cyclonedx_reader import (
    is_cyclonedx_xml,
    parse_xml,
    read_cyclonedx_json,
    read_cyclonedx_xml,
)
from qmsdoc.soup.spdx_reader import read_spdx_json

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from qmsdoc.soup.records import Component, SbomRecord

__all__ = ["RECORD_NAME", "check_components", "read_sbom", "record_name"]

#: what a record name may be (it names the file ``<name>.json``)
RECORD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_SUFFIXES = (".json", ".xml", ".cdx", ".spdx")
_NOT_AN_SBOM = "not a CycloneDX or SPDX SBOM"


def read_sbom(path: Path, *, name: str | None = None) -> SbomRecord:
    """Read a CycloneDX (JSON, XML) or SPDX (JSON) file into a record.

    :param path: The SBOM file.
    :param name: The record's name; default: the file name without its
        ``.json``, ``.xml``, ``.cdx`` and ``.spdx`` suffixes.
    :raises InputError: If the file cannot be read, is not an SBOM of a supported
        format and version, is invalid, lists a component twice, or the name is not
        usable as a file name.
    :returns: The record, components sorted by key and version.
    """
    # readers name the file in messages by its path; the record keeps its name only
    source = str(path)
    chosen = record_name(name if name is not None else _default_name(path))
    data = read_input_bytes(path, kind="sbom")
    digest = hashlib.sha256(data).hexdigest()
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not text_start:
        raise InputError(f"{path}: empty file, {_NOT_AN_SBOM}")
    if text_start == b"<":
        root = parse_xml(data, source=source)
        if not is_cyclonedx_xml(root):
            raise InputError(f"{path}: {_NOT_AN_SBOM} (XML root <{root.tag}>)")
        record = read_cyclonedx_xml(root, source=source, digest=digest, name=chosen)
    elif text_start in (b"{", b"["):
        document = _json(data, path)
        if document.get("bomFormat") == "CycloneDX":
            record = read_cyclonedx_json(
                document, source=source, digest=digest, name=chosen
            )
        elif "spdxVersion" in document:
            record = read_spdx_json(document, source=source, digest=digest, name=chosen)
        else:
            raise InputError(
                f"{path}: {_NOT_AN_SBOM} (JSON without 'bomFormat' or 'spdxVersion')"
            )
    else:
        raise InputError(f"{path}: {_NOT_AN_SBOM} (neither JSON nor XML)")
    components = check_components(record.components, source=source)
    return replace(record, source=path.name, components=components)


def record_name(name: str) -> str:
    """``name`` if it can name a record file.

    :raises InputError: If it has characters other than letters, digits, ``.``,
        ``_`` and ``-``, does not start with a letter or digit, or is too long.
    """
    if not RECORD_NAME.fullmatch(name):
        raise InputError(
            f"record name {name!r}: use letters, digits, '.', '_' or '-' only, "
            "starting with a letter or digit, at most 100 characters"
        )
    return name


def check_components(
    components: Sequence[Component], *, source: str
) -> tuple[Component, ...]:
    """The components sorted by key and version, once none is listed twice.

    :raises InputError: If two components share their key and version, or their
        bom-ref / SPDXID; the message names the component.
    """
    by_identity: dict[tuple[str, str], Component] = {}
    by_reference: dict[str, Component] = {}
    for component in components:
        identity = (component.key, component.version or "")
        if identity in by_identity:
            raise InputError(
                f"{source}: duplicate component {_label(component)} "
                f"({component.key} is listed twice with this version)"
            )
        by_identity[identity] = component
        if component.reference:
            if component.reference in by_reference:
                raise InputError(
                    f"{source}: duplicate component {_label(component)}: its "
                    f"reference {component.reference!r} is also "
                    f"{_label(by_reference[component.reference])}"
                )
            by_reference[component.reference] = component
    return tuple(sorted(components, key=lambda item: (item.key, item.version or "")))


def _default_name(path: Path) -> str:
    name = path.name
    while True:
        stem = next(
            (
                name[: -len(suffix)]
                for suffix in _SUFFIXES
                if name.lower().endswith(suffix)
            ),
            None,
        )
        if not stem:
            return name
        name = stem


def _json(data: bytes, path: Path) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not UTF-8 (byte {error.start}: {error.reason})"
        ) from None
    document = load_json(text, path)
    if not isinstance(document, dict):
        raise InputError(f"{path}: {_NOT_AN_SBOM} (the JSON is not an object)")
    return document


def _label(component: Component) -> str:
    return (
        f"{component.name} {component.version}" if component.version else component.name
    )
