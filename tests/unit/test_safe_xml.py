"""Untrusted XML: DTDs and entities refused, and only the encodings XML parsers
must know are read; anything else is one line, never a crash."""

from __future__ import annotations

import pytest

from qmsdoc.errors import InputError
from qmsdoc.safe_xml import parse_untrusted_xml


def _declared(encoding: str) -> bytes:
    return f'<?xml version="1.0" encoding="{encoding}"?><a/>'.encode("ascii")


@pytest.mark.parametrize("encoding", ["utf-32", "UTF-7", "cp1252", "bogus", ""])
def test_an_encoding_other_than_the_required_ones_is_refused(encoding: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_untrusted_xml(_declared(encoding), source="r.xml")
    assert str(caught.value) == (
        f"r.xml:1: XML encoding {encoding!r} is not supported "
        "(use UTF-8, UTF-16, US-ASCII or ISO-8859-1)"
    )


@pytest.mark.parametrize("encoding", ["UTF-8", "us-ascii", "ISO-8859-1", "latin1"])
def test_the_required_encodings_are_read(encoding: str) -> None:
    assert parse_untrusted_xml(_declared(encoding), source="r.xml").tag == "a"


def test_utf16_with_its_byte_order_mark_is_read() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16")
    assert parse_untrusted_xml(data, source="r.xml").tag == "a"


def test_utf32_without_a_declaration_is_one_line() -> None:
    with pytest.raises(InputError, match=r"^r\.xml"):
        parse_untrusted_xml("<a/>".encode("utf-32"), source="r.xml")


def test_a_dtd_is_still_refused() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    with pytest.raises(InputError, match="declares a DTD or entities"):
        parse_untrusted_xml(data, source="r.xml")
