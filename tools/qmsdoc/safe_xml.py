"""Parse untrusted XML (JUnit reports, CycloneDX SBOMs): the only module that imports
defusedxml. DTDs, entity declarations and external references are refused, so no
entity expansion ("billion laughs") and no external entity can reach the parser."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from qmsdoc.errors import InputError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["parse_untrusted_xml"]


def parse_untrusted_xml(data: bytes, *, source: str) -> Element:
    """The root element of ``data``, parsed with DTDs and entities refused.

    :param source: The file name, for messages.
    :raises InputError: If the XML is not well-formed (with the line) or declares a
        DTD or entities.
    """
    try:
        return fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise InputError(
            f"{source}: refused: the XML declares a DTD or entities ({type(error).__name__})"
        ) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        where = f"{source}:{line}" if line else source
        raise InputError(
            f"{where}: not well-formed XML: {error.msg if hasattr(error, 'msg') else error}"
        ) from None
