"""Field checks: only declared fields, required ones present, values allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.checks import Finding
from qmsdoc.profile import load_profile

from .._rst import VALID_CHAIN, findings_of, rst

if TYPE_CHECKING:
    from pathlib import Path

REQUIREMENT_FIELDS = "status, kind, level, tags, waiver, rationale"


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


@pytest.mark.parametrize("check_id", ["field_unknown", "field_missing", "field_value"])
def test_a_valid_chain_has_no_field_finding(check_id: str) -> None:
    assert findings_of(VALID_CHAIN, check_id) == []


def test_field_unknown() -> None:
    text = rst("""\
        .. requirement:: Misspelt and foreign fields
           :id: REQ-001
           :status: draft
           :kind: functional
           :level: software
           :colour: red
           :severity: 9
        """)
    assert findings_of(text, "field_unknown") == [
        _finding(
            "field_unknown",
            "REQ-001",
            1,
            f"REQ-001: field 'colour' is not a field of requirement; its fields are {REQUIREMENT_FIELDS}",
        ),
        _finding(
            "field_unknown",
            "REQ-001",
            1,
            f"REQ-001: field 'severity' is not a field of requirement; its fields are {REQUIREMENT_FIELDS}",
        ),
    ]
    # a field foreign to the type is reported once, not also for its value
    assert findings_of(text, "field_value") == []


def test_optional_fields_are_not_unknown() -> None:
    text = rst("""\
        .. requirement:: All optional fields
           :id: REQ-001
           :status: draft
           :kind: functional
           :level: software
           :tags: results, speed
           :rationale: Clinicians asked for it.
           :waiver: link_self: kept on purpose for this unit test case
        """)
    assert findings_of(text, "field_unknown") == []


def test_field_missing() -> None:
    text = rst("""\
        Intro.

        .. requirement:: Missing and empty fields
           :id: REQ-001
           :status: draft
           :level:
        """)
    assert findings_of(text, "field_missing") == [
        _finding(
            "field_missing",
            "REQ-001",
            3,
            "REQ-001: required field 'kind' of requirement is missing",
        ),
        _finding(
            "field_missing",
            "REQ-001",
            3,
            "REQ-001: required field 'level' of requirement is missing",
        ),
    ]
    # an empty value is missing, not a wrong value
    assert findings_of(text, "field_value") == []


def test_field_missing_names_an_item_without_id_by_title() -> None:
    [finding] = findings_of(".. user_need:: Untitled need\n", "field_missing")
    assert (finding.item_id, finding.line, finding.message) == (
        "",
        1,
        "Untitled need: required field 'status' of user_need is missing",
    )


@pytest.mark.parametrize(
    ("status", "p1", "p2", "field", "problem"),
    [
        (
            "finished",
            "1",
            "1",
            "status",
            "'finished' is not one of draft, in_review, approved, obsolete",
        ),
        ("draft", "0", "1", "p1", "0 is below the minimum 1"),
        ("draft", "1", "likely", "p2", "'likely' is not a whole number"),
        ("draft", "1", "2.5", "p2", "'2.5' is not a whole number"),
    ],
)
def test_field_value(status: str, p1: str, p2: str, field: str, problem: str) -> None:
    text = rst(f"""\
        Intro.

        .. hazardous_situation:: Bad value
           :id: HS-001
           :status: {status}
           :sequence: Something happens
           :p1: {p1}
           :p2: {p2}
        """)
    assert findings_of(text, "field_value") == [
        _finding("field_value", "HS-001", 3, f"HS-001: field {field!r}: {problem}")
    ]


def test_field_value_above_the_maximum(tmp_path: Path) -> None:
    config = tmp_path / "qms.toml"
    config.write_text(
        'extends = "medical-device"\n[fields.severity]\nmin = 1\nmax = 5\n',
        encoding="utf-8",
    )
    text = rst("""\
        .. harm:: Severity off the scale
           :id: HARM-001
           :status: approved
           :severity: 6
        """)
    assert findings_of(text, "field_value", load_profile(config)) == [
        _finding(
            "field_value",
            "HARM-001",
            1,
            "HARM-001: field 'severity': 6 is above the maximum 5",
        )
    ]


def test_allowed_values_are_accepted() -> None:
    text = rst("""\
        .. hazardous_situation:: Edge values
           :id: HS-001
           :status: obsolete
           :sequence: Something happens
           :p1: 1
           :p2: 3
           :residual_p1:  1
           :residual_p2: +1
        """)
    assert findings_of(text, "field_value") == []


def test_the_rendering_tools_options_are_not_fields() -> None:
    # [profile] rendering_options: sphinx-needs' template, style, ... pass through
    text = rst("""\
        .. requirement:: Drawn with a template
           :id: REQ-001
           :status: draft
           :kind: functional
           :level: software
           :template: flagging
           :style: green_bar
           :colour: blue
        """)
    (unknown,) = findings_of(text, "field_unknown")
    assert "field 'colour' is not a field of requirement" in unknown.message
