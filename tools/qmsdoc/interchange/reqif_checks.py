"""Checks of a ReqIF document before the ``reqif`` library reads it.

The document has been parsed by :func:`qmsdoc.safe_xml.parse_untrusted_xml` (no DTD,
no entities, so no XXE); here its structure is checked on that tree, each problem
one line with the file and the line it is on: identifiers used twice, datatypes
qmsdoc does not know (a DATATYPE-DEFINITION other than ReqIF's seven, or an
attribute definition naming a datatype that is not defined), and references that
lead nowhere (a SPEC-RELATION whose source, target or type is missing, a hierarchy
entry naming no object, an object of an undefined type). What passes is a file the
library reads without guessing.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["DATATYPES", "check_document", "identifier_lines", "line_of"]

#: the datatypes of ReqIF 1.2 (OMG formal/16-07-01, 10.8)
_CONTENT = ("CORE-CONTENT", "REQ-IF-CONTENT")
DATATYPES = frozenset(
    f"DATATYPE-DEFINITION-{kind}"
    for kind in ("STRING", "BOOLEAN", "INTEGER", "REAL", "ENUMERATION", "DATE", "XHTML")
)


_IDENTIFIER = re.compile(r"IDENTIFIER\s*=\s*([\"'])(.*?)\1")


def identifier_lines(text: str) -> dict[str, list[int]]:
    """The lines of every ``IDENTIFIER="..."`` in ``text``, by identifier (one pass
    over the text)."""
    lines: dict[str, list[int]] = {}
    line, position = 1, 0
    for match in _IDENTIFIER.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.setdefault(match.group(2), []).append(line)
    return lines


def line_of(
    lines: dict[str, list[int]], identifier: str, occurrence: int = 1
) -> int | None:
    """The line of the ``occurrence``-th ``IDENTIFIER="identifier"`` (from
    :func:`identifier_lines`)."""
    found = lines.get(identifier, [])
    return found[occurrence - 1] if len(found) >= occurrence else None


def check_document(root: Element, text: str, *, source: str) -> None:
    """Refuse a ReqIF document whose structure does not hold together.

    :param root: The document's root element (namespaces in the tags).
    :param text: The document's text, to find lines.
    :param source: The file, for messages.
    :raises InputError: One line with the file and line of the first problem.
    """
    if _local(root.tag) != "REQ-IF":
        raise InputError(f"{source}:1: not a ReqIF file (root <{_local(root.tag)}>)")
    lines = identifier_lines(text)
    _check_identifiers(root, lines, source)
    _check_datatypes(root, text, lines, source)
    _check_references(root, lines, source)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _where(
    source: str, lines: dict[str, list[int]], identifier: str, occurrence: int = 1
) -> str:
    line = line_of(lines, identifier, occurrence)
    return f"{source}:{line}" if line is not None else source


def _check_identifiers(root: Element, lines: dict[str, list[int]], source: str) -> None:
    counts: Counter[str] = Counter()
    for element in root.iter():
        identifier = element.get("IDENTIFIER")
        if identifier is None:
            continue
        counts[identifier] += 1
        if counts[identifier] == 2:
            raise InputError(
                f"{_where(source, lines, identifier, 2)}: duplicate identifier "
                f"{identifier!r} (first on line {line_of(lines, identifier)})"
            )


def _children(root: Element, *path: str) -> list[Element]:
    found = [root]
    for name in path:
        found = [
            child for parent in found for child in parent if _local(child.tag) == name
        ]
    return found


def _check_datatypes(
    root: Element, text: str, lines: dict[str, list[int]], source: str
) -> None:
    defined: set[str] = set()
    for datatype in _children(root, *_CONTENT, "DATATYPES"):
        for element in datatype:
            name = _local(element.tag)
            identifier = element.get("IDENTIFIER", "")
            if name not in DATATYPES:
                raise InputError(
                    f"{_where(source, lines, identifier)}: unknown datatype <{name}> "
                    f"{identifier!r}; ReqIF defines {', '.join(sorted(DATATYPES))}"
                )
            defined.add(identifier)
    for element in root.iter():
        name = _local(element.tag) if isinstance(element.tag, str) else ""
        if name.startswith("DATATYPE-DEFINITION-") and name.endswith("-REF"):
            reference = (element.text or "").strip()
            if reference not in defined:
                raise InputError(
                    f"{source}:{_text_line(text, reference)}: unknown datatype "
                    f"{reference!r} (no DATATYPE-DEFINITION has this identifier)"
                )


def _text_line(text: str, reference: str) -> int:
    position = text.find(f">{reference}<")
    return 1 if position < 0 else text.count("\n", 0, position) + 1


def _ref(element: Element, child: str) -> str:
    for part in element.iter():
        if isinstance(part.tag, str) and _local(part.tag) == child:
            return (part.text or "").strip()
    return ""


def _check_references(root: Element, lines: dict[str, list[int]], source: str) -> None:
    objects = {
        element.get("IDENTIFIER", "")
        for element in _children(root, *_CONTENT, "SPEC-OBJECTS", "SPEC-OBJECT")
    }
    types = {
        element.get("IDENTIFIER", "")
        for holder in _children(root, *_CONTENT, "SPEC-TYPES")
        for element in holder
    }
    for element in _children(root, *_CONTENT, "SPEC-OBJECTS", "SPEC-OBJECT"):
        kind = _ref(element, "SPEC-OBJECT-TYPE-REF")
        if kind not in types:
            identifier = element.get("IDENTIFIER", "")
            raise InputError(
                f"{_where(source, lines, identifier)}: object {identifier!r} has "
                f"unknown type {kind!r}"
            )
    for element in _children(root, *_CONTENT, "SPEC-RELATIONS", "SPEC-RELATION"):
        identifier = element.get("IDENTIFIER", "")
        for end in ("SOURCE", "TARGET"):
            reference = _ref(_one(element, end), "SPEC-OBJECT-REF")
            if reference not in objects:
                raise InputError(
                    f"{_where(source, lines, identifier)}: dangling relation "
                    f"{identifier!r}: its {end.lower()} {reference!r} is not a "
                    "SPEC-OBJECT of the file"
                )
        kind = _ref(element, "SPEC-RELATION-TYPE-REF")
        if kind not in types:
            raise InputError(
                f"{_where(source, lines, identifier)}: relation {identifier!r} has "
                f"unknown type {kind!r}"
            )
    for element in root.iter():
        if isinstance(element.tag, str) and _local(element.tag) == "SPEC-HIERARCHY":
            reference = _ref(_one(element, "OBJECT"), "SPEC-OBJECT-REF")
            if reference not in objects:
                identifier = element.get("IDENTIFIER", "")
                raise InputError(
                    f"{_where(source, lines, identifier)}: hierarchy entry "
                    f"{identifier!r} names no SPEC-OBJECT ({reference!r})"
                )


def _one(element: Element, child: str) -> Element:
    for part in element:
        if isinstance(part.tag, str) and _local(part.tag) == child:
            return part
    return element.makeelement(child, {})
