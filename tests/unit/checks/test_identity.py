"""Identity checks: every item has one well-formed, unique id."""

from __future__ import annotations

import pytest

from qmsdoc.checks import Finding

from .._rst import VALID_CHAIN, findings_of, rst


def _finding(check_id: str, item_id: str, line: int, message: str) -> Finding:
    return Finding(
        check_id=check_id,
        severity="error",
        item_id=item_id,
        path="items.rst",
        line=line,
        docname="items",
        message=message,
    )


@pytest.mark.parametrize("check_id", ["id_missing", "id_malformed", "id_duplicate"])
def test_a_valid_chain_has_no_identity_finding(check_id: str) -> None:
    assert findings_of(VALID_CHAIN, check_id) == []


def test_id_missing() -> None:
    text = rst("""\
        .. requirement:: Has an id
           :id: REQ-001

        .. requirement:: No id here
           :status: draft

        .. hazard:: Empty id
           :id:
        """)
    assert findings_of(text, "id_missing") == [
        _finding("id_missing", "", 4, "requirement 'No id here' has no :id:"),
        _finding("id_missing", "", 7, "hazard 'Empty id' has no :id:"),
    ]


@pytest.mark.parametrize(
    ("directive", "item_id", "pattern"),
    [
        ("requirement", "REQ-1", "REQ-[0-9]{3,4}"),
        ("requirement", "REQ-12345", "REQ-[0-9]{3,4}"),
        ("requirement", "req-001", "REQ-[0-9]{3,4}"),
        ("requirement", "UN-001", "REQ-[0-9]{3,4}"),
        ("requirement", "REQ-001a", "REQ-[0-9]{3,4}"),
        ("standard_clause", "STD-iec62304", "STD-[A-Z0-9]+(-[A-Z0-9.]+)*"),
    ],
)
def test_id_malformed(directive: str, item_id: str, pattern: str) -> None:
    text = f"Intro.\n\n.. {directive}:: Item\n   :id: {item_id}\n"
    item_type = directive
    assert findings_of(text, "id_malformed") == [
        _finding(
            "id_malformed",
            item_id,
            3,
            f"id {item_id!r} does not match the {item_type} pattern {pattern!r}",
        )
    ]


@pytest.mark.parametrize(
    ("directive", "item_id"),
    [
        ("requirement", "REQ-001"),
        ("requirement", "REQ-9999"),
        ("harm", "HARM-042"),
        ("standard_clause", "STD-ISO14971-7.1"),
        ("standard_clause", "STD-MDR"),
    ],
)
def test_well_formed_ids_are_not_malformed(directive: str, item_id: str) -> None:
    assert (
        findings_of(f".. {directive}:: Item\n   :id: {item_id}\n", "id_malformed") == []
    )


def test_a_missing_id_is_not_also_malformed() -> None:
    assert findings_of(".. requirement:: No id\n", "id_malformed") == []


def test_id_duplicate_reports_each_later_item_naming_the_first() -> None:
    text = rst("""\
        .. requirement:: First
           :id: REQ-001

        .. requirement:: Second
           :id: REQ-001

        .. user_need:: Third, another type
           :id: REQ-001
        """)
    assert findings_of(text, "id_duplicate") == [
        _finding(
            "id_duplicate", "REQ-001", 4, "id 'REQ-001' is already used at items.rst:1"
        ),
        _finding(
            "id_duplicate", "REQ-001", 7, "id 'REQ-001' is already used at items.rst:1"
        ),
    ]


def test_items_without_id_are_not_duplicates() -> None:
    text = ".. requirement:: A\n\n.. requirement:: B\n"
    assert findings_of(text, "id_duplicate") == []


def test_a_malformed_id_of_5000_digits_is_quoted_as_an_excerpt() -> None:
    # int() refuses digit runs over 4,300 digits; the id is reported, short
    huge = "REQ-" + "1" * 5_000
    (finding,) = findings_of(f".. requirement:: Item\n   :id: {huge}\n", "id_malformed")
    assert finding.item_id == huge
    assert len(finding.message) < 200
    assert finding.message.startswith("id 'REQ-1111")
    assert "..." in finding.message
    assert "5004 characters long" in finding.message


def test_an_id_the_pattern_allows_is_malformed_past_128_characters() -> None:
    # the standard_clause pattern allows any length; no id may exceed MAX_ID_LENGTH
    longest, too_long = "STD-" + "A" * 124, "STD-" + "A" * 125
    assert (
        findings_of(f".. standard_clause:: S\n   :id: {longest}\n", "id_malformed")
        == []
    )
    (finding,) = findings_of(
        f".. standard_clause:: S\n   :id: {too_long}\n", "id_malformed"
    )
    assert "is 129 characters long; an id has at most 128" in finding.message
