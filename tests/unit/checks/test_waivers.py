"""Waivers: a justified waiver turns a finding into a recorded deviation."""

from __future__ import annotations

import pytest

from qmsdoc.checks import Finding
from qmsdoc.checks.waivers import MINIMUM_JUSTIFICATION_WORDS, apply_waivers
from qmsdoc.project import PROJECT_FILE

from .._rst import check, findings_of, items_from, rst

REQUIREMENT = """\
Intro.

.. requirement:: Waived requirement
   :id: REQ-001
   :status: approved
   :kind: functional
   :level: software
   :waiver: {waiver}
"""


def _requirement(waiver: str) -> str:
    return REQUIREMENT.format(waiver=waiver)


def _verified(findings: list[Finding]) -> Finding:
    [finding] = [f for f in findings if f.check_id == "coverage_requirement_verified"]
    return finding


def test_a_justified_waiver_turns_the_finding_into_a_deviation() -> None:
    findings = check(
        _requirement(
            "coverage_requirement_verified: Verified by inspection of the\n"
            "      release record signed by QA."
        )
    )
    verified = _verified(findings)
    assert verified.waived
    assert verified.justification == (
        "Verified by inspection of the release record signed by QA."
    )
    assert not verified.fails_gate
    assert (verified.item_id, verified.path, verified.line) == (
        "REQ-001",
        "items.rst",
        3,
    )
    # the other finding of the same item is not waived
    [implemented] = [
        f for f in findings if f.check_id == "coverage_requirement_implemented"
    ]
    assert not implemented.waived
    assert implemented.fails_gate
    assert [f for f in findings if f.check_id.startswith("waiver_")] == []


def test_a_waiver_may_name_the_check_with_its_qms_prefix() -> None:
    findings = check(
        _requirement(
            "qms.coverage_requirement_verified: Verified by inspection of the release record."
        )
    )
    assert _verified(findings).waived
    assert [f for f in findings if f.check_id.startswith("waiver_")] == []


def test_several_waivers_on_one_item() -> None:
    findings = _about_items(
        check(
            _requirement(
                "\n      coverage_requirement_verified: Verified by inspection of the release record.\n"
                "      coverage_requirement_implemented: Implemented by the vendor's device firmware."
            )
        )
    )
    assert [(f.check_id, f.justification) for f in findings] == [
        (
            "coverage_requirement_implemented",
            "Implemented by the vendor's device firmware.",
        ),
        (
            "coverage_requirement_verified",
            "Verified by inspection of the release record.",
        ),
    ]
    assert not any(f.fails_gate for f in findings)


def _waiver_findings(waiver: str) -> list[Finding]:
    return [f for f in check(_requirement(waiver)) if f.check_id.startswith("waiver_")]


def _invalid(message: str, line: int = 3) -> Finding:
    return Finding(
        check_id="waiver_invalid",
        severity="error",
        item_id="REQ-001",
        path="items.rst",
        line=line,
        docname="items",
        message=message,
    )


def test_a_too_short_justification_is_invalid() -> None:
    waiver = "coverage_requirement_verified: Checked by hand, fine."
    assert _waiver_findings(waiver) == [
        _invalid(
            "REQ-001: waiver of 'coverage_requirement_verified': "
            "the justification needs at least 5 words"
        )
    ]
    assert not _verified(check(_requirement(waiver))).waived


@pytest.mark.parametrize(
    ("words", "valid"),
    [(MINIMUM_JUSTIFICATION_WORDS - 1, False), (MINIMUM_JUSTIFICATION_WORDS, True)],
)
def test_the_minimum_justification_length(words: int, valid: bool) -> None:
    justification = " ".join(["word"] * words)
    findings = check(_requirement(f"coverage_requirement_verified: {justification}"))
    assert _verified(findings).waived is valid
    assert any(f.check_id == "waiver_invalid" for f in findings) is not valid


@pytest.mark.parametrize(
    "check_id",
    ["coverage_requirement_tested", "coverage", "qms.nothing", "link_selfie"],
)
def test_a_waiver_of_an_unknown_check_is_invalid(check_id: str) -> None:
    assert _waiver_findings(f"{check_id}: This check does not exist at all.") == [
        _invalid(f"REQ-001: waiver of {check_id.removeprefix('qms.')!r}: no such check")
    ]


@pytest.mark.parametrize(
    "check_id", ["id_malformed", "id_duplicate", "waiver_unused", "waiver_invalid"]
)
def test_identity_and_waiver_checks_cannot_be_waived(check_id: str) -> None:
    assert _waiver_findings(f"{check_id}: We would really like to hide this one.") == [
        _invalid(f"REQ-001: waiver of {check_id!r}: this check cannot be waived")
    ]


def test_an_unwaivable_finding_stays_open() -> None:
    text = rst("""\
        .. requirement:: Malformed id
           :id: REQ-1
           :status: approved
           :kind: functional
           :level: software
           :waiver: id_malformed: The legacy numbering is kept for this item.
        """)
    [malformed] = findings_of(text, "id_malformed")
    assert not malformed.waived
    assert malformed.fails_gate
    [invalid] = findings_of(text, "waiver_invalid")
    assert (
        invalid.message
        == "REQ-1: waiver of 'id_malformed': this check cannot be waived"
    )


def test_a_malformed_waiver_line_is_invalid() -> None:
    assert _waiver_findings("Verified by inspection in the release record") == [
        _invalid(
            "REQ-001: waiver 'Verified by inspection in the release record' "
            "does not read 'check_id: justification'"
        )
    ]


def test_an_unused_waiver_is_a_warning() -> None:
    findings = _waiver_findings("link_self: There is no self link on this item.")
    assert findings == [
        Finding(
            check_id="waiver_unused",
            severity="warning",
            item_id="REQ-001",
            path="items.rst",
            line=3,
            docname="items",
            message="REQ-001: waiver of 'link_self' matches no finding; remove it",
        )
    ]
    assert findings[0].fails_gate


def test_a_waiver_applies_only_to_its_own_item() -> None:
    text = rst("""\
        .. requirement:: Waived
           :id: REQ-001
           :status: approved
           :kind: functional
           :level: software
           :waiver: coverage_requirement_verified: Verified by inspection of the release record.

        .. requirement:: Not waived
           :id: REQ-002
           :status: approved
           :kind: functional
           :level: software
        """)
    found = [
        (f.item_id, f.waived)
        for f in findings_of(text, "coverage_requirement_verified")
    ]
    assert found == [("REQ-001", True), ("REQ-002", False)]


def test_a_waiver_on_an_item_without_id_does_not_waive_another_item() -> None:
    text = rst("""\
        .. requirement:: First, without id
           :status: approved
           :kind: functional
           :level: software
           :waiver: field_missing: The level is decided in the next design review.

        .. requirement:: Second, without id and level
           :status: approved
           :kind: functional
        """)
    [missing] = findings_of(text, "field_missing")
    assert missing.line == 7
    assert not missing.waived


def test_apply_waivers_keeps_findings_and_adds_waiver_findings() -> None:
    items = items_from(_requirement("link_self: There is no self link on this item."))
    finding = Finding(
        check_id="field_value",
        severity="info",
        item_id="REQ-001",
        path="items.rst",
        line=3,
        docname="items",
        message="m",
    )
    result = apply_waivers([finding], items, check_ids={"field_value", "link_self"})
    assert result[0] == finding
    assert [f.check_id for f in result[1:]] == ["waiver_unused"]


def test_an_info_finding_never_fails_the_gate() -> None:
    finding = Finding(
        check_id="x",
        severity="info",
        item_id="REQ-001",
        path="a.rst",
        line=1,
        docname="a",
        message="m",
    )
    assert not finding.fails_gate
    assert not finding.waived
    waived = finding.with_waiver("Accepted for a good documented reason.")
    assert waived.waived
    assert waived.justification == "Accepted for a good documented reason."
    assert finding.justification is None


def _about_items(findings: list[Finding]) -> list[Finding]:
    """``findings`` without those about the file as a whole (a one-item file has
    coverage rules with nothing to cover)."""
    return [f for f in findings if f.path != PROJECT_FILE]
