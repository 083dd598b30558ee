"""A check with nothing to check is a finding, not a pass: an empty risk file, no
SOUP at all, a coverage rule whose item type has no item (issue 18, part 4)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from qmsdoc.processes import run_checks
from qmsdoc.soup.records import Component, SbomRecord
from qmsdoc.trace import TraceGraph
from qmsdoc.trace.gaps import gap_report

from .._rst import SECURITY_CHAIN, VALID_CHAIN, default_profile, items_from, rst

if TYPE_CHECKING:
    from qmsdoc.checks import Finding

#: findings about the device file as a whole are at line 1 of the project file
WHERE = ("qms.toml", 1)

NEEDS_ONLY = rst(
    """\
    .. user_need:: Clinician sees the latest lab results
       :id: UN-001
       :status: approved
    """
)

HAZARD_ONLY = rst(
    """\
    .. hazard:: Stale lab result shown
       :id: HAZ-001
       :status: approved
       :hazard_category: data_integrity
    """
)

SOUP_ITEM = VALID_CHAIN[
    VALID_CHAIN.index(".. soup::") : VALID_CHAIN.index(".. design_output::")
]


def _findings(
    text: str, *records: SbomRecord, check_id: str | None = None, prefix: str = ""
) -> list[Finding]:
    profile = default_profile()
    return [
        finding
        for finding in run_checks(items_from(text, profile), profile, sboms=records)
        if (
            finding.check_id == check_id
            if check_id
            else finding.check_id.startswith(prefix)
        )
    ]


def _record(name: str, *components: Component) -> SbomRecord:
    return SbomRecord(
        name=name,
        source=f"{name}.cdx.json",
        format="CycloneDX",
        spec_version="1.6",
        digest="0" * 64,
        components=components,
    )


def _component(name: str, version: str) -> Component:
    return Component(
        name=name,
        version=version,
        supplier=None,
        purl=f"pkg:pypi/{name}@{version}",
        line=7,
    )


# -- the risk file -------------------------------------------------------------------


def test_a_file_without_hazards_and_situations_has_an_empty_risk_file() -> None:
    (finding,) = _findings(NEEDS_ONLY, check_id="risk_file_empty")
    assert (finding.path, finding.line, finding.item_id) == (*WHERE, "")
    assert finding.severity == "error"
    assert finding.fails_gate
    assert finding.message == (
        "the risk file is empty: no hazard and no hazardous_situation item; identify"
        " the hazards and hazardous situations of the device (ISO 14971 5.4)"
    )


def test_one_hazard_makes_the_risk_file_not_empty() -> None:
    assert _findings(HAZARD_ONLY, check_id="risk_file_empty") == []
    assert _findings(VALID_CHAIN, check_id="risk_file_empty") == []


def test_without_a_risk_model_there_is_no_risk_file_to_be_empty() -> None:
    profile = dataclasses.replace(default_profile(), risk=None)
    findings = run_checks(items_from(NEEDS_ONLY, profile), profile)
    assert not [f for f in findings if f.check_id == "risk_file_empty"]


def test_the_everyday_gate_can_list_it_as_advisory_and_a_release_still_fails() -> None:
    profile = dataclasses.replace(
        default_profile(),
        advisory_checks=(*default_profile().advisory_checks, "risk_file_empty"),
    )
    (finding,) = [
        f
        for f in run_checks(items_from(NEEDS_ONLY, profile), profile)
        if f.check_id == "risk_file_empty"
    ]
    assert finding.advisory
    assert not finding.fails_gate
    assert finding.fails_strict_gate


# -- SOUP --------------------------------------------------------------------------


def test_no_soup_item_and_no_sbom_is_an_empty_soup_list() -> None:
    (finding,) = _findings(NEEDS_ONLY, check_id="soup_list_empty")
    assert (finding.path, finding.line, finding.severity) == (*WHERE, "error")
    assert finding.message == (
        "no SBOM imported and no soup item: list the software of unknown provenance"
        " or import an SBOM (IEC 62304 5.3.3, 8.1.2)"
    )


def test_an_sbom_without_components_does_not_fill_the_list() -> None:
    (finding,) = _findings(
        NEEDS_ONLY, _record("api"), _record("ui"), check_id="soup_list_empty"
    )
    assert finding.message.startswith(
        "the imported SBOMs (api, ui) list no component and no soup item:"
    )


def test_sbom_components_without_soup_items_are_reported_one_by_one() -> None:
    record = _record("api", _component("requests", "2.31.0"), _component("idna", "3.7"))
    findings = _findings(NEEDS_ONLY, record, prefix="soup_")
    assert [f.check_id for f in findings] == ["soup_unlisted", "soup_unlisted"]


def test_a_soup_item_fills_the_list_without_an_sbom() -> None:
    assert _findings(NEEDS_ONLY + "\n" + SOUP_ITEM, check_id="soup_list_empty") == []


def test_without_soup_tracking_there_is_no_soup_list() -> None:
    profile = dataclasses.replace(default_profile(), soup=None)
    findings = run_checks(items_from(NEEDS_ONLY, profile), profile)
    assert not [f for f in findings if f.check_id == "soup_list_empty"]


# -- coverage rules with nothing to cover ----------------------------------------------


def test_a_rule_whose_type_has_no_item_is_reported_once_at_the_project_file() -> None:
    findings = _findings(NEEDS_ONLY, prefix="coverage_")
    empty = {f.check_id: f for f in findings if f.item_id == ""}
    assert "coverage_requirement_verified" in empty
    finding = empty["coverage_requirement_verified"]
    assert (finding.path, finding.line, finding.severity) == (*WHERE, "error")
    assert finding.message == (
        "no requirement item: rule 'requirement_verified' has nothing to cover (Every"
        " requirement is verified by a test; ISO 13485 7.3.6 via 21 CFR 820.10; IEC"
        " 62304 5.7.1); write the requirement items, or set allow_empty = true on"
        " [coverage.requirement_verified] with a comment saying why"
    )
    # the user need's own rules report the need itself, not an empty rule
    assert "coverage_user_need_satisfied" not in empty
    assert [
        f.item_id for f in findings if f.check_id == "coverage_user_need_satisfied"
    ] == ["UN-001"]


def test_rules_allowed_to_be_empty_say_nothing() -> None:
    allowed = {rule.check_id for rule in default_profile().coverage if rule.allow_empty}
    assert "coverage_vulnerability_located" in allowed
    reported = {f.check_id for f in _findings(NEEDS_ONLY, prefix="coverage_")}
    assert not allowed & reported


def test_check_reports_exactly_the_empty_rules_the_gap_report_fails() -> None:
    profile = default_profile()
    for text in (NEEDS_ONLY, VALID_CHAIN, VALID_CHAIN + SECURITY_CHAIN):
        items = items_from(text, profile)
        report = gap_report(TraceGraph(items), profile)
        failing = {
            figure.rule.check_id
            for figure in report.figures
            if figure.empty and not figure.rule.allow_empty
        }
        reported = {
            f.check_id
            for f in run_checks(items, profile)
            if f.check_id.startswith("coverage_") and f.item_id == ""
        }
        assert reported == failing, text[:40]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            VALID_CHAIN,
            {
                "coverage_security_control_implemented",
                "coverage_security_control_verified",
            },
            id="no security control",
        ),
        pytest.param(VALID_CHAIN + SECURITY_CHAIN, set(), id="complete"),
    ],
)
def test_the_valid_chain_misses_only_what_it_does_not_have(
    text: str, expected: set[str]
) -> None:
    reported = {
        f.check_id for f in _findings(text, prefix="") if (f.path, f.line) == WHERE
    }
    assert reported == expected
