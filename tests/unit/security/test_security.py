"""Security risk: the [security] plan, computed security risk and its checks."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import ProfileError
from qmsdoc.processes import catalogue, run_checks
from qmsdoc.profile import load_profile
from qmsdoc.security import estimate_threats
from qmsdoc.trace import TraceGraph

from .._rst import default_profile, items_from, rst

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.checks import Finding

#: a threat at I4/E4 (unacceptable), mitigated by SC-001 down to I4/E1 (acceptable)
QUIET = rst(
    """\
    .. threat:: Stolen session token replayed against the results API
       :id: THR-001
       :status: approved
       :stride: spoofing
       :asset: Session tokens and the results API
       :security_impact: 4
       :exploitability: 4
       :residual_exploitability: 1
       :can_cause: HS-001

    .. security_control:: Short-lived tokens bound to the device key
       :id: SC-001
       :status: approved
       :control_category: authentication
       :mitigates: THR-001
    """
)


def _security_findings(text: str) -> list[Finding]:
    profile = default_profile()
    return [
        f
        for f in run_checks(items_from(text, profile), profile)
        if f.check_id.startswith("security_")
    ]


def test_the_packaged_plan_is_a_5x5_exploitability_matrix() -> None:
    model = default_profile().security
    assert model is not None
    assert (len(model.impact), len(model.exploitability)) == (5, 5)
    assert model.exploitability.label(4) == "E4 High"
    assert model.region(1, 5).name == "acceptable"
    assert model.region(3, 3).name == "afap"
    assert model.region(5, 3).name == "unacceptable"
    assert model.region(4, 1).name == "acceptable"


def test_initial_and_residual_security_risk_are_computed() -> None:
    profile = default_profile()
    assert profile.security is not None
    graph = TraceGraph(items_from(QUIET, profile))
    [estimate] = estimate_threats(graph, profile.security)
    assert estimate.controls == ("SC-001",)
    assert estimate.situations == ("HS-001",)
    assert estimate.initial is not None
    assert (estimate.initial.impact, estimate.initial.exploitability) == (4, 4)
    assert estimate.initial.region.name == "unacceptable"
    assert estimate.residual is not None
    assert estimate.residual.region.name == "acceptable"
    assert estimate.problems == ()


def test_a_controlled_acceptable_threat_gives_no_security_finding() -> None:
    assert _security_findings(QUIET) == []


def test_impact_off_the_scale_is_reported() -> None:
    findings = _security_findings(
        QUIET.replace(":security_impact: 4", ":security_impact: 7")
    )
    assert [(f.check_id, f.message) for f in findings] == [
        ("security_estimate", "no security_impact on the scale 1-5")
    ]


def test_a_threat_needing_control_without_one_is_reported() -> None:
    uncontrolled = QUIET[: QUIET.index(".. security_control::")]
    findings = _security_findings(uncontrolled)
    assert [(f.check_id, f.item_id, f.line) for f in findings] == [
        ("security_uncontrolled", "THR-001", 1)
    ]
    assert "'Unacceptable' (I4 x E4)" in findings[0].message


def test_a_controlled_threat_needs_its_residual_exploitability() -> None:
    findings = _security_findings(QUIET.replace("   :residual_exploitability: 1\n", ""))
    assert [f.check_id for f in findings] == ["security_residual_missing"]
    assert "mitigated by SC-001" in findings[0].message


def test_a_residual_not_acceptable_needs_a_justification() -> None:
    reduced = QUIET.replace(
        ":residual_exploitability: 1", ":residual_exploitability: 3"
    )
    assert [f.check_id for f in _security_findings(reduced)] == [
        "security_residual_unjustified"
    ]
    justified = reduced.replace(
        "   :can_cause: HS-001\n",
        "   :can_cause: HS-001\n   :benefit_risk: Remaining exposure needs a stolen"
        " unlocked phone; further binding would lock out shared family devices\n",
    )
    assert _security_findings(justified) == []


def test_a_typed_security_risk_must_agree_with_the_matrix() -> None:
    typed = QUIET.replace(
        "   :can_cause: HS-001\n",
        "   :can_cause: HS-001\n   :security_risk: acceptable\n"
        "   :residual_security_risk: Acceptable\n",
    )
    findings = _security_findings(typed)
    assert [(f.check_id, f.message) for f in findings] == [
        (
            "security_value_mismatch",
            "security_risk says 'acceptable' but the security matrix gives"
            " 'Unacceptable' for I4 x E4",
        )
    ]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "qms.toml"
    path.write_text('extends = "medical-device"\n' + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[security]\nthreat_type = "attack"\n', "security.threat_type", "unknown item type 'attack'"),
        ('[security]\nhazard_link = "causes"\n', "security.hazard_link", "unknown link type 'causes'"),
        ('[security.fields]\nimpact = "severity"\n', "security.fields.impact", "'severity' is not a field of the threat type"),
        ('[security.matrix]\nrows = [["acceptable"]]\n', "security.matrix.rows", "needs 5 rows"),
        ('[soup]\nversion_field = "release"\n', "soup.version_field", "'release' is not a field of 'soup'"),
        ('[soup]\ncomponent_link = "touches"\n', "soup.component_link", "unknown link type 'touches'"),
        ('[soup]\nwhere = "x"\n', "soup.where", "unknown key"),
    ],
)  # fmt: skip
def test_an_invalid_security_or_soup_table_names_the_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.key == key
    assert problem in caught.value.problem


def test_the_checks_follow_the_profile_tables() -> None:
    profile = default_profile()
    ids = {check_id for check_id, _ in catalogue(profile)}
    assert {"security_uncontrolled", "soup_unlisted", "vulnerability_unassessed"} <= ids
    bare = replace(profile, soup=None, security=None)
    bare_ids = {check_id for check_id, _ in catalogue(bare)}
    assert not {i for i in bare_ids if i.startswith(("security_", "soup_", "vuln"))}
