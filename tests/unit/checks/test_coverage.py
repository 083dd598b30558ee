"""Coverage of the design-control chain: one check id per rule of the profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.checks import Finding
from qmsdoc.profile import load_profile
from qmsdoc.project import PROJECT_FILE

from .._rst import VALID_CHAIN, check, findings_of, rst

if TYPE_CHECKING:
    from pathlib import Path

#: line of each item in VALID_CHAIN
LINE = {"UN-001": 1, "REQ-001": 5, "HAZ-001": 19, "HS-001": 29, "RC-001": 40}


def _coverage(
    rule: str, item_id: str, message: str, line: int | None = None
) -> Finding:
    return Finding(
        check_id=f"coverage_{rule}",
        severity="error",
        item_id=item_id,
        path="items.rst",
        line=LINE[item_id] if line is None else line,
        docname="items",
        message=message,
    )


def _without(old: str, new: str = "") -> str:
    """VALID_CHAIN with one link edited away."""
    assert VALID_CHAIN.count(old) == 1, old
    return VALID_CHAIN.replace(old, new)


def _coverage_findings(text: str) -> list[Finding]:
    """The coverage findings about items (a rule with no item to cover is reported
    about the file, at the project file: tests/unit/checks/test_nothing_to_check.py)."""
    return [
        f
        for f in check(text)
        if f.check_id.startswith("coverage_") and f.path != PROJECT_FILE
    ]


def test_a_valid_chain_meets_every_coverage_rule() -> None:
    assert _coverage_findings(VALID_CHAIN) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            _without("   :satisfies: UN-001\n"),
            [
                _coverage(
                    "user_need_satisfied",
                    "UN-001",
                    "UN-001: no requirement satisfies this user_need (ISO 13485 7.3.3 via 21 CFR 820.10)",
                )
            ],
            id="user_need_satisfied",
        ),
        pytest.param(
            _without("   :validates: UN-001\n"),
            [
                _coverage(
                    "user_need_validated",
                    "UN-001",
                    "UN-001: no validation validates this user_need (ISO 13485 7.3.7 via 21 CFR 820.10)",
                )
            ],
            id="user_need_validated",
        ),
        pytest.param(
            _without(":implements: REQ-001, RC-001", ":implements: RC-001"),
            [
                _coverage(
                    "requirement_implemented",
                    "REQ-001",
                    "REQ-001: no design_output implements this requirement (ISO 13485 7.3.4 via 21 CFR 820.10; IEC 62304 5.3.1)",
                )
            ],
            id="requirement_implemented",
        ),
        pytest.param(
            _without(":verifies: REQ-001, RC-001", ":verifies: RC-001"),
            [
                _coverage(
                    "requirement_verified",
                    "REQ-001",
                    "REQ-001: no verification_test verifies this requirement (ISO 13485 7.3.6 via 21 CFR 820.10; IEC 62304 5.7.1)",
                )
            ],
            id="requirement_verified",
        ),
        pytest.param(
            _without("   :arises_from: HAZ-001\n"),
            [
                _coverage(
                    "hazard_analysed",
                    "HAZ-001",
                    "HAZ-001: no hazardous_situation arises_from this hazard (ISO 14971 5.4)",
                ),
                _coverage(
                    "situation_has_hazard",
                    "HS-001",
                    "HS-001: this hazardous_situation has no arises_from link to a hazard (ISO 14971 5.4)",
                ),
            ],
            id="hazard_analysed+situation_has_hazard",
        ),
        pytest.param(
            _without("   :leads_to: HARM-001\n"),
            [
                _coverage(
                    "situation_has_harm",
                    "HS-001",
                    "HS-001: this hazardous_situation has no leads_to link to a harm (ISO 14971 5.4, 5.5)",
                )
            ],
            id="situation_has_harm",
        ),
        pytest.param(
            _without("   :mitigates: HS-001\n"),
            [
                _coverage(
                    "situation_controlled",
                    "HS-001",
                    "HS-001: no risk_control mitigates this hazardous_situation (ISO 14971 7.1)",
                )
            ],
            id="situation_controlled",
        ),
        pytest.param(
            _without(":implements: REQ-001, RC-001", ":implements: REQ-001"),
            [
                _coverage(
                    "control_implemented",
                    "RC-001",
                    "RC-001: no requirement or design_output implements this risk_control (ISO 14971 7.2; IEC 62304 5.2.3)",
                )
            ],
            id="control_implemented",
        ),
        pytest.param(
            _without(":verifies: REQ-001, RC-001", ":verifies: REQ-001").replace(
                "   :verifies: RC-001\n", ""
            ),
            [
                _coverage(
                    "control_verified",
                    "RC-001",
                    "RC-001: no verification_test or validation verifies this risk_control (ISO 14971 7.2)",
                )
            ],
            id="control_verified",
        ),
    ],
)
def test_each_coverage_rule_reports_its_gap(text: str, expected: list[Finding]) -> None:
    assert _coverage_findings(text) == expected


def test_lone_items_miss_every_rule_of_the_chain() -> None:
    lone_items = rst("""\
        .. user_need:: N
           :id: UN-001

        .. requirement:: R
           :id: REQ-001

        .. hazard:: H
           :id: HAZ-001

        .. hazardous_situation:: S
           :id: HS-001

        .. risk_control:: C
           :id: RC-001
        """)
    found = [(f.item_id, f.check_id) for f in _coverage_findings(lone_items)]
    assert found == [
        ("UN-001", "coverage_user_need_satisfied"),
        ("UN-001", "coverage_user_need_validated"),
        ("REQ-001", "coverage_requirement_implemented"),
        ("REQ-001", "coverage_requirement_verified"),
        ("HAZ-001", "coverage_hazard_analysed"),
        ("HS-001", "coverage_situation_controlled"),
        ("HS-001", "coverage_situation_has_harm"),
        ("HS-001", "coverage_situation_has_hazard"),
        ("RC-001", "coverage_control_implemented"),
        ("RC-001", "coverage_control_verified"),
    ]


def test_a_link_of_the_wrong_counterpart_type_does_not_cover() -> None:
    text = rst("""\
        .. requirement:: Only validated, not verified
           :id: REQ-001
           :status: draft

        .. validation:: Validation that claims to verify a requirement
           :id: VAL-001
           :verifies: REQ-001
        """)
    assert findings_of(text, "coverage_requirement_verified") == [
        _coverage(
            "requirement_verified",
            "REQ-001",
            "REQ-001: no verification_test verifies this requirement (ISO 13485 7.3.6 via 21 CFR 820.10; IEC 62304 5.7.1)",
            line=1,
        )
    ]
    assert [f.item_id for f in findings_of(text, "link_not_allowed")] == ["VAL-001"]


def test_a_link_of_another_type_does_not_cover() -> None:
    text = rst("""\
        .. requirement:: Implemented only by a part_of link
           :id: REQ-001

        .. design_output:: Output
           :id: DO-001
           :part_of: REQ-001
        """)
    assert [
        f.item_id for f in findings_of(text, "coverage_requirement_implemented")
    ] == ["REQ-001"]


def test_items_without_id_are_not_judged_for_coverage() -> None:
    assert _coverage_findings(".. requirement:: No id\n") == []


def test_a_rule_takes_severity_and_description_from_the_profile(tmp_path: Path) -> None:
    config = tmp_path / "qms.toml"
    config.write_text(
        rst("""\
            extends = "medical-device"

            [coverage.soup_used]
            description = "Every SOUP component is used by a design output"
            type = "soup"
            incoming = "uses"
            from = ["design_output"]
            severity = "warning"
            """),
        encoding="utf-8",
    )
    text = ".. soup:: Unused library\n   :id: SOUP-001\n"
    assert findings_of(text, "coverage_soup_used", load_profile(config)) == [
        Finding(
            check_id="coverage_soup_used",
            severity="warning",
            item_id="SOUP-001",
            path="items.rst",
            line=1,
            docname="items",
            message="SOUP-001: no design_output uses this soup "
            "(Every SOUP component is used by a design output)",
        )
    ]
