"""Parse untrusted XML (JUnit reports, CycloneDX SBOMs): the only module that imports
defusedxml. DTDs, entity declarations and external references are refused, so no
entity expansion ("billion laughs") and no external entity can reach the parser.
Only the encodings XML parsers must know are read (UTF-8, UTF-16, ASCII,
ISO-8859-1); any other encoding declaration is refused in one line."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from qmsdoc.errors import InputError
from qmsdoc.input_files import excerpt

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["ENCODINGS", "parse_untrusted_xml"]

#: the encodings an XML declaration may name (compared in lower case)
ENCODINGS = frozenset(
    {
        "utf-8",
        "utf8",
        "utf-16",
        "utf-16le",
        "utf-16be",
        "us-ascii",
        "ascii",
        "iso-8859-1",
        "iso8859-1",
        "latin-1",
        "latin1",
    }
)
_DECLARATION = re.compile(
    rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']"""
)


def parse_untrusted_xml(data: bytes, *, source: str) -> Element:
    """The root element of ``data``, parsed with DTDs and entities refused.

    :param source: The file name, for messages.
    :raises InputError: If the XML is not well-formed (with the line) or declares a
        DTD or entities.
    """
    _check_encoding(data, source)
    try:
        return fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise InputError(
            f"{source}: refused: the XML declares a DTD or entities ({type(error).__name__})"
        ) from None
    except (ValueError, LookupError) as error:
        # expat refuses some encodings only once it meets them (a UTF-32 BOM)
        raise InputError(
            f"{source}: the XML cannot be read: {excerpt(str(error))}"
        ) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        where = f"{source}:{line}" if line else source
        raise InputError(
            f"{where}: not well-formed XML: {error.msg if hasattr(error, 'msg') else error}"
        ) from None


def _check_encoding(data: bytes, source: str) -> None:
    match = _DECLARATION.match(data[:1024])
    if match is None:
        return
    declared = match.group(1).decode("ascii", "replace")
    if declared.strip().lower() not in ENCODINGS:
        raise InputError(
            f"{source}:1: XML encoding {excerpt(declared, 40)!r} is not supported "
            "(use UTF-8, UTF-16, US-ASCII or ISO-8859-1)"
        )
