"""SOUP records on disk: one JSON file per imported SBOM under the SOUP folder.

A record is a header (what was imported, from where, its digest) and its components,
exactly one per line, sorted by key and version: the diff of a re-import is one line
per changed component, and a finding can point at the component's line. The file is
valid JSON as a whole; nothing in it changes unless the SBOM does.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import InputError
from qmsdoc.input_files import read_input_text
from qmsdoc.json_input import load_json
from qmsdoc.soup.records import Component, SbomRecord
from qmsdoc.storage.atomic import write_atomic
from qmsdoc.storage.locking import locked
from qmsdoc.storage.record_fields import as_list, as_optional_text, as_text

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "FORMAT",
    "component_document",
    "read_record",
    "read_records",
    "record_from_text",
    "record_text",
    "store_record",
    "write_record",
]

FORMAT = "qmsdoc-soup/1"
_COMPONENTS = ' "components": ['
#: header keys in the order they are written, with the record attribute of each
_HEADER = (
    ("name", "name"),
    ("source", "source"),
    ("sbom_format", "format"),
    ("spec_version", "spec_version"),
    ("digest", "digest"),
    ("serial", "serial"),
    ("created", "created"),
    ("tools", "tools"),
    ("subject", "subject"),
)


def write_record(directory: Path, record: SbomRecord) -> Path:
    """Write the record atomically as ``<directory>/<name>.json`` and return its path.

    :raises OutputError: If the folder or file cannot be written.
    """
    path, _ = store_record(directory, record)
    return path


def store_record(directory: Path, record: SbomRecord) -> tuple[Path, SbomRecord | None]:
    """Write the record atomically as ``<directory>/<name>.json`` under the folder's
    lock; return its path and the record it replaced, read under the same lock (so
    the changes an import lists are exactly the ones it made, even when another
    import of the same name ran at the same moment).

    :raises InputError: If the record it replaces is not valid (nothing is written).
    :raises OutputError: If the folder or file cannot be written, or another command
        held the lock for too long.
    """
    path = directory / f"{record.name}.json"
    with locked(directory, subject=path):
        previous = read_record(path) if path.is_file() else None
        write_atomic(path, record_text(record).encode("utf-8"))
    return path, previous


def record_text(record: SbomRecord) -> str:
    """The record file's text: the header, then one component per line."""
    lines = ["{", f' "format": {_dumps(FORMAT)},']
    for key, attribute in _HEADER:
        value = getattr(record, attribute)
        lines.append(f" {_dumps(key)}: {_dumps(value)},")
    lines.append(_COMPONENTS)
    components = sorted(record.components, key=lambda c: (c.key, c.version or ""))
    for index, component in enumerate(components):
        comma = "," if index < len(components) - 1 else ""
        lines.append(f"  {_dumps(component_document(component))}{comma}")
    lines.extend((" ]", "}"))
    return "\n".join(lines) + "\n"


def component_document(component: Component) -> dict[str, Any]:
    """The component as a JSON-ready mapping (one line of the record file)."""
    return {
        "name": component.name,
        "version": component.version,
        "supplier": component.supplier,
        "purl": component.purl,
        "licenses": list(component.licenses),
        "hashes": [list(pair) for pair in component.hashes],
        "reference": component.reference,
        "kind": component.kind,
    }


def read_record(path: Path) -> SbomRecord:
    """The record stored at ``path``, each component with its line in the file.

    :raises InputError: If the file cannot be read or is not a valid record.
    """
    text = read_input_text(path, kind="record")
    record = record_from_text(text, path=str(path))
    if record.name != path.stem:
        raise InputError(
            f"{path}: the record is named {record.name!r}; its file must be "
            f"{record.name}.json"
        )
    return record


def record_from_text(text: str, *, path: str) -> SbomRecord:
    """The record in ``text`` (a record file's content, e.g. read from git).

    :param path: Where the text came from, for messages and the record's ``path``.
    :raises InputError: If the text is not a valid record.
    """
    document = load_json(text, path)
    try:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            found = document.get("format") if isinstance(document, dict) else None
            raise ValueError(f"not a qmsdoc SOUP record (format {found!r})")
        entries = as_list(document["components"], "components")
        lines = _component_lines(text, len(entries))
        components = tuple(
            _component_at(entry, line=line, path=path)
            for entry, line in zip(entries, lines, strict=True)
        )
        return SbomRecord(
            name=as_text(document["name"], "name"),
            source=as_text(document["source"], "source"),
            format=as_text(document["sbom_format"], "sbom_format"),
            spec_version=as_text(document["spec_version"], "spec_version"),
            digest=as_text(document["digest"], "digest"),
            serial=as_optional_text(document.get("serial"), "serial"),
            created=as_optional_text(document.get("created"), "created"),
            tools=tuple(
                as_text(tool, "tools") for tool in as_list(document["tools"], "tools")
            ),
            subject=as_optional_text(document.get("subject"), "subject"),
            components=components,
            path=path,
        )
    except (ValueError, KeyError, TypeError) as error:
        problem = f"missing key {error}" if isinstance(error, KeyError) else str(error)
        raise InputError(f"{path}: not a valid SOUP record: {problem}") from None


def read_records(directory: Path) -> tuple[SbomRecord, ...]:
    """Every record in ``directory`` by name (none if the folder does not exist).

    :raises InputError: If a record is not valid.
    """
    if not directory.is_dir():
        return ()
    records = [read_record(path) for path in sorted(directory.glob("*.json"))]
    return tuple(sorted(records, key=lambda record: record.name))


def _component_lines(text: str, count: int) -> list[int]:
    """The line of each component: those after the ``"components": [`` line."""
    # only line feeds end lines: JSON keeps U+2028 and U+0085 as they are in strings,
    # and splitlines() would break a component's line there
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    try:
        start = lines.index(_COMPONENTS) + 1
    except ValueError:
        raise ValueError("the components do not start on a line of their own") from None
    numbers = list(range(start + 1, start + count + 1))
    body = lines[start : start + count]
    closing = lines[start + count] if start + count < len(lines) else ""
    if (
        len(body) != count
        or closing.strip() != "]"
        or any(not line.strip().startswith("{") for line in body)
    ):
        raise ValueError("components must be written one per line")
    return numbers


def _component_at(entry: object, *, line: int, path: str) -> Component:
    try:
        return replace(_component(entry), line=line)
    except (ValueError, KeyError, TypeError) as error:
        problem = f"missing key {error}" if isinstance(error, KeyError) else str(error)
        raise InputError(
            f"{path}:{line}: not a valid SOUP component: {problem}"
        ) from None


def _component(entry: object) -> Component:
    if not isinstance(entry, dict):
        raise ValueError(f"a component must be an object, not {type(entry).__name__}")
    hashes = []
    for pair in as_list(entry["hashes"], "hashes"):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError("a hash must be [algorithm, digest]")
        hashes.append((as_text(pair[0], "hashes"), as_text(pair[1], "hashes")))
    return Component(
        name=as_text(entry["name"], "name"),
        version=as_optional_text(entry["version"], "version"),
        supplier=as_optional_text(entry["supplier"], "supplier"),
        purl=as_optional_text(entry["purl"], "purl"),
        licenses=tuple(
            as_text(item, "licenses") for item in as_list(entry["licenses"], "licenses")
        ),
        hashes=tuple(hashes),
        reference=as_text(entry["reference"], "reference"),
        kind=as_text(entry["kind"], "kind"),
    )


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
