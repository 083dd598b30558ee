"""ISO 14971 checks: one positive and one negative case per risk check id."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.checks import Finding
from qmsdoc.processes import registered_checks, run_checks
from qmsdoc.profile import load_profile

from .._rst import PATH, default_profile, items_from, rst

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.profile import Profile, Severity

RISK_CHECKS = (
    "risk_file_empty",
    "risk_estimate",
    "risk_uncontrolled",
    "risk_information_only",
    "risk_control_unverified",
    "risk_residual_missing",
    "risk_residual_unjustified",
    "risk_new_hazard",
    "risk_value_mismatch",
    "risk_overall_evaluation",
)

#: a complete risk file on which no risk check reports anything: the initial risk
#: S4/P4 is unacceptable, controlled by RC-001 (verified for implementation and
#: effectiveness) down to an acceptable residual S4/P1
QUIET = """\
.. hazard:: Stale lab result shown
   :id: HAZ-001
   :status: approved
   :hazard_category: data_integrity

.. harm:: Delayed treatment
   :id: HARM-001
   :status: approved
   :severity: 4

.. hazardous_situation:: Clinician acts on a stale result
   :id: HS-001
   :status: approved
   :sequence: Cache not refreshed; clinician reads the old value
   :p1: 3
   :p2: 4
   :residual_p1: 1
   :residual_p2: 2
   :arises_from: HAZ-001
   :leads_to: HARM-001

.. risk_control:: Show a staleness banner
   :id: RC-001
   :status: approved
   :option: protective_measure
   :mitigates: HS-001

.. verification_test:: Banner test
   :id: VT-001
   :status: approved
   :test_level: system
   :method: test
   :verification_scope: both
   :verifies: RC-001

.. risk_evaluation:: Overall residual risk
   :id: ORR-001
   :status: approved
   :conclusion: acceptable
"""

#: line of each item's directive in QUIET (edits below keep these lines)
LINE = {"HAZ-001": 1, "HS-001": 11, "RC-001": 22, "VT-001": 28, "ORR-001": 36}

#: a second control, appended to QUIET
SECOND_CONTROL = """
.. risk_control:: Warn in the instructions for use
   :id: RC-002
   :status: approved
   :option: {option}
   :mitigates: HS-001
"""

#: the evaluation block at the end of QUIET
EVALUATION = """
.. risk_evaluation:: Overall residual risk
   :id: ORR-001
   :status: approved
   :conclusion: acceptable
"""


def _edit(old: str, new: str = "", text: str = QUIET) -> str:
    """``text`` with one unique passage replaced."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _risk_findings(
    text: str, check_id: str, profile: Profile | None = None
) -> list[Finding]:
    active = profile or default_profile()
    return [
        finding
        for finding in run_checks(items_from(text, active), active)
        if finding.check_id == check_id
    ]


def _finding(
    check_id: str,
    item_id: str,
    message: str,
    *,
    severity: Severity = "error",
    justification: str | None = None,
) -> Finding:
    return Finding(
        check_id=check_id,
        severity=severity,
        item_id=item_id,
        path=PATH,
        line=LINE[item_id],
        docname="items",
        message=message,
        justification=justification,
    )


def test_the_quiet_risk_file_has_no_risk_finding() -> None:
    profile = default_profile()
    findings = run_checks(items_from(QUIET), profile)
    assert [f for f in findings if f.check_id.startswith("risk_")] == []
    located = {f.id: f.location.line for f in items_from(QUIET)}
    assert {item_id: located[item_id] for item_id in LINE} == LINE


def test_every_risk_check_is_registered() -> None:
    registered = {check.check_id for check in registered_checks()}
    assert set(RISK_CHECKS) <= registered
    assert {c for c in registered if c.startswith("risk_")} == set(RISK_CHECKS)


# -- risk_estimate ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "problem", "line"),
    [
        pytest.param("   :p2: 4\n", "", "p2 is missing", 11, id="p2-missing"),
        pytest.param("   :p1: 3\n", "", "p1 is missing", 11, id="p1-missing"),
        pytest.param(
            ":p1: 3", ":p1: 7", "p1 '7' is not on the scale 1-5", 11, id="p1-off-scale"
        ),
        pytest.param(
            ":residual_p2: 2",
            ":residual_p2: 0",
            "residual_p2 '0' is not on the scale 1-5",
            11,
            id="residual-off-scale",
        ),
        pytest.param(
            ":severity: 4",
            ":severity: 6",
            "harm HARM-001 has no severity on the scale 1-5",
            11,
            id="severity-off-scale",
        ),
        pytest.param(
            # one line of the harm above is removed: HS-001 moves up to line 10
            "   :severity: 4\n",
            "",
            "harm HARM-001 has no severity on the scale 1-5",
            10,
            id="severity-missing",
        ),
    ],
)
def test_risk_estimate_reports_a_missing_or_off_scale_value(
    old: str, new: str, problem: str, line: int
) -> None:
    text = _edit(old, new)
    assert _risk_findings(text, "risk_estimate") == [
        Finding(
            check_id="risk_estimate",
            severity="error",
            item_id="HS-001",
            path=PATH,
            line=line,
            docname="items",
            message=f"HS-001: {problem}",
        )
    ]


def test_risk_estimate_reports_every_problem_of_a_situation() -> None:
    text = _edit("   :p1: 3\n   :p2: 4\n", "   :p1: 9\n")
    assert [f.message for f in _risk_findings(text, "risk_estimate")] == [
        "HS-001: p1 '9' is not on the scale 1-5",
        "HS-001: p2 is missing",
    ]


def test_risk_estimate_is_quiet_when_every_value_is_on_the_scale() -> None:
    text = _edit(":p1: 3", ":p1: 5", _edit(":severity: 4", ":severity: 5"))
    assert _risk_findings(text, "risk_estimate") == []


# -- risk_uncontrolled -----------------------------------------------------------------


def test_risk_uncontrolled_reports_an_unacceptable_risk_without_control() -> None:
    text = _edit("   :mitigates: HS-001\n")
    assert _risk_findings(text, "risk_uncontrolled") == [
        _finding(
            "risk_uncontrolled",
            "HS-001",
            "HS-001: initial risk S4/P4 is unacceptable and no risk control mitigates it",
        )
    ]


def test_risk_uncontrolled_reports_a_reduce_as_far_as_possible_risk() -> None:
    text = _edit("   :mitigates: HS-001\n", text=_edit(":p2: 4", ":p2: 2"))
    assert _risk_findings(text, "risk_uncontrolled") == [
        _finding(
            "risk_uncontrolled",
            "HS-001",
            "HS-001: initial risk S4/P2 is reduce as far as possible and no risk "
            "control mitigates it",
        )
    ]


def test_risk_uncontrolled_is_quiet_for_an_acceptable_or_controlled_risk() -> None:
    acceptable = _edit("   :mitigates: HS-001\n", text=_edit(":p2: 4", ":p2: 1"))
    assert _risk_findings(acceptable, "risk_uncontrolled") == []
    assert _risk_findings(QUIET, "risk_uncontrolled") == []


def test_risk_uncontrolled_is_quiet_when_the_risk_cannot_be_estimated() -> None:
    text = _edit("   :mitigates: HS-001\n", text=_edit("   :p2: 4\n"))
    assert _risk_findings(text, "risk_uncontrolled") == []


# -- risk_information_only -------------------------------------------------------------

INFORMATION_ONLY = _edit(
    ":option: protective_measure", ":option: information_for_safety"
)


def test_risk_information_only_warns() -> None:
    assert _risk_findings(INFORMATION_ONLY, "risk_information_only") == [
        _finding(
            "risk_information_only",
            "HS-001",
            "HS-001: only information for safety controls this situation; add a design "
            "or protective control or state why none is feasible "
            "(field 'design_control_infeasible')",
            severity="warning",
        )
    ]


def test_risk_information_only_warns_for_several_information_controls() -> None:
    text = INFORMATION_ONLY + SECOND_CONTROL.format(option="information_for_safety")
    [finding] = _risk_findings(text, "risk_information_only")
    assert (finding.item_id, finding.severity) == ("HS-001", "warning")


def test_risk_information_only_is_silenced_by_design_control_infeasible() -> None:
    text = _edit(
        "   :residual_p1: 1\n",
        "   :residual_p1: 1\n"
        "   :design_control_infeasible: The lab system is outside our design\n",
        INFORMATION_ONLY,
    )
    assert _risk_findings(text, "risk_information_only") == []


def test_risk_information_only_is_quiet_with_a_design_control() -> None:
    text = INFORMATION_ONLY + SECOND_CONTROL.format(option="inherent_safety")
    assert _risk_findings(text, "risk_information_only") == []
    assert _risk_findings(QUIET, "risk_information_only") == []


# -- risk_control_unverified -----------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "missing"),
    [
        pytest.param(
            "   :verification_scope: both\n", "", "effectiveness", id="no-scope"
        ),
        pytest.param(
            ":verification_scope: both",
            ":verification_scope: implementation",
            "effectiveness",
            id="implementation",
        ),
        pytest.param(
            ":verification_scope: both",
            ":verification_scope: effectiveness",
            "implementation",
            id="effectiveness",
        ),
        pytest.param(
            "   :verifies: RC-001\n",
            "",
            "implementation or effectiveness",
            id="not-verified",
        ),
    ],
)
def test_risk_control_unverified_reports_what_is_not_shown(
    old: str, new: str, missing: str
) -> None:
    assert _risk_findings(_edit(old, new), "risk_control_unverified") == [
        _finding(
            "risk_control_unverified",
            "RC-001",
            f"RC-001: no verification of {missing} of this risk control",
        )
    ]


def test_risk_control_unverified_is_quiet_for_a_test_and_a_validation() -> None:
    text = _edit("   :verification_scope: both\n") + rst("""\

        .. validation:: Summative usability study
           :id: VAL-001
           :status: approved
           :validation_method: summative_usability
           :verifies: RC-001
        """)
    assert _risk_findings(text, "risk_control_unverified") == []
    assert _risk_findings(QUIET, "risk_control_unverified") == []


# -- risk_residual_missing -------------------------------------------------------------


def test_risk_residual_missing_reports_a_controlled_situation() -> None:
    text = _edit("   :residual_p1: 1\n   :residual_p2: 2\n")
    assert _risk_findings(text, "risk_residual_missing") == [
        _finding(
            "risk_residual_missing",
            "HS-001",
            "HS-001: controlled by RC-001 but the residual risk is not estimated "
            "(residual_p1, residual_p2)",
        )
    ]


def test_risk_residual_missing_names_every_control() -> None:
    text = _edit("   :residual_p2: 2\n") + SECOND_CONTROL.format(
        option="inherent_safety"
    )
    [finding] = _risk_findings(text, "risk_residual_missing")
    assert finding.message.startswith("HS-001: controlled by RC-001, RC-002 but")


def test_risk_residual_missing_names_only_residual_p2_in_p2_only_mode(
    tmp_path: Path,
) -> None:
    config = tmp_path / "qms.toml"
    config.write_text(
        'extends = "medical-device"\n\n[risk]\nmethod = "p2_only"\n', encoding="utf-8"
    )
    text = _edit("   :residual_p1: 1\n   :residual_p2: 2\n")
    [finding] = _risk_findings(text, "risk_residual_missing", load_profile(config))
    assert finding.message.endswith("the residual risk is not estimated (residual_p2)")


def test_risk_residual_missing_is_quiet_without_control_or_with_values() -> None:
    assert _risk_findings(QUIET, "risk_residual_missing") == []
    uncontrolled = _edit(
        "   :mitigates: HS-001\n",
        text=_edit("   :residual_p1: 1\n   :residual_p2: 2\n"),
    )
    assert _risk_findings(uncontrolled, "risk_residual_missing") == []


def test_risk_residual_missing_leaves_an_off_scale_value_to_risk_estimate() -> None:
    text = _edit(":residual_p2: 2", ":residual_p2: 8")
    assert _risk_findings(text, "risk_residual_missing") == []
    assert len(_risk_findings(text, "risk_estimate")) == 1


def test_risk_residual_missing_is_quiet_when_the_initial_risk_is_unknown() -> None:
    text = _edit("   :p1: 3\n", text=_edit("   :residual_p1: 1\n   :residual_p2: 2\n"))
    assert _risk_findings(text, "risk_residual_missing") == []


# -- risk_residual_unjustified ---------------------------------------------------------

#: residual S4/P4 (3 + 4 - 3): unacceptable, still needs a benefit-risk justification
UNJUSTIFIED = _edit(
    "   :residual_p1: 1\n   :residual_p2: 2\n",
    "   :residual_p1: 3\n   :residual_p2: 4\n",
)
UNJUSTIFIED_MESSAGE = (
    "HS-001: residual risk S4/P4 is unacceptable and has no benefit-risk "
    "justification (field 'benefit_risk')"
)


def _with_situation_field(line: str, text: str = UNJUSTIFIED) -> str:
    return _edit(
        "   :arises_from: HAZ-001\n", f"   {line}\n   :arises_from: HAZ-001\n", text
    )


def test_risk_residual_unjustified_reports_a_residual_risk_without_justification() -> (
    None
):
    assert _risk_findings(UNJUSTIFIED, "risk_residual_unjustified") == [
        _finding("risk_residual_unjustified", "HS-001", UNJUSTIFIED_MESSAGE)
    ]


def test_risk_residual_unjustified_reports_an_uncontrolled_afap_risk() -> None:
    # no control: the residual risk is the initial S4/P2, reduce as far as possible
    text = _edit("   :mitigates: HS-001\n", text=_edit(":p2: 4", ":p2: 2"))
    assert _risk_findings(text, "risk_residual_unjustified") == [
        _finding(
            "risk_residual_unjustified",
            "HS-001",
            "HS-001: residual risk S4/P2 is reduce as far as possible and has no "
            "benefit-risk justification (field 'benefit_risk')",
        )
    ]


def test_risk_residual_unjustified_needs_five_words() -> None:
    short = _with_situation_field(":benefit_risk: Benefits outweigh the risk")
    assert _risk_findings(short, "risk_residual_unjustified") == [
        _finding("risk_residual_unjustified", "HS-001", UNJUSTIFIED_MESSAGE)
    ]


def test_risk_residual_unjustified_is_quiet_with_a_justification() -> None:
    justified = _with_situation_field(
        ":benefit_risk: Clinical benefit of faster results outweighs the residual risk"
    )
    assert _risk_findings(justified, "risk_residual_unjustified") == []
    assert _risk_findings(QUIET, "risk_residual_unjustified") == []


def test_a_justified_waiver_turns_risk_residual_unjustified_into_a_deviation() -> None:
    reason = "Accepted by the risk review board in meeting RRB-12"
    waived = _with_situation_field(f":waiver: risk_residual_unjustified: {reason}")
    findings = [
        f
        for f in run_checks(items_from(waived), default_profile())
        if f.check_id.startswith(("risk_residual_unjustified", "waiver_"))
    ]
    assert findings == [
        _finding(
            "risk_residual_unjustified",
            "HS-001",
            UNJUSTIFIED_MESSAGE,
            justification=reason,
        )
    ]
    assert findings[0].waived
    assert not findings[0].fails_gate


def test_a_short_waiver_does_not_excuse_risk_residual_unjustified() -> None:
    waived = _with_situation_field(":waiver: risk_residual_unjustified: Board accepted")
    findings = run_checks(items_from(waived), default_profile())
    [finding] = [f for f in findings if f.check_id == "risk_residual_unjustified"]
    assert not finding.waived
    assert [f.check_id for f in findings if f.check_id.startswith("waiver_")] == [
        "waiver_invalid"
    ]


# -- risk_new_hazard -------------------------------------------------------------------

NEW_HAZARD = """
.. hazard:: Banner hides the result
   :id: HAZ-002
   :status: approved
   :hazard_category: use_error
"""

INTRODUCES = _edit(
    "   :mitigates: HS-001\n", "   :mitigates: HS-001\n   :introduces: HAZ-002\n"
)


def test_risk_new_hazard_reports_a_hazard_without_situation() -> None:
    assert _risk_findings(INTRODUCES + NEW_HAZARD, "risk_new_hazard") == [
        _finding(
            "risk_new_hazard",
            "RC-001",
            "RC-001: introduces HAZ-002, which has no hazardous situation analysed",
        )
    ]


def test_risk_new_hazard_is_quiet_once_the_hazard_is_analysed() -> None:
    analysed = rst("""\

        .. hazardous_situation:: Clinician misses the result under the banner
           :id: HS-002
           :status: approved
           :sequence: Banner overlaps the value
           :p1: 1
           :p2: 1
           :arises_from: HAZ-002
           :leads_to: HARM-001
        """)
    assert _risk_findings(INTRODUCES + NEW_HAZARD + analysed, "risk_new_hazard") == []
    assert _risk_findings(QUIET, "risk_new_hazard") == []


def test_risk_new_hazard_ignores_an_unknown_target() -> None:
    assert _risk_findings(INTRODUCES, "risk_new_hazard") == []


# -- risk_value_mismatch ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "computed", "cell"),
    [
        pytest.param(
            "initial_risk", "acceptable", "Unacceptable", "S4/P4", id="initial"
        ),
        pytest.param(
            "residual_risk", "Unacceptable", "Acceptable", "S4/P1", id="residual"
        ),
        pytest.param(
            "initial_risk", "high", "Unacceptable", "S4/P4", id="not-a-region"
        ),
    ],
)
def test_risk_value_mismatch_reports_a_typed_region_that_disagrees(
    field: str, typed: str, computed: str, cell: str
) -> None:
    text = _with_situation_field(f":{field}: {typed}", QUIET)
    assert _risk_findings(text, "risk_value_mismatch") == [
        _finding(
            "risk_value_mismatch",
            "HS-001",
            f"HS-001: {field} says {typed!r} but the plan's matrix gives "
            f"{computed!r} for {cell}",
        )
    ]


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        pytest.param("initial_risk", "unacceptable", id="name"),
        pytest.param("initial_risk", "UNACCEPTABLE", id="name-upper-case"),
        pytest.param("initial_risk", "Unacceptable", id="label"),
        pytest.param("residual_risk", "acceptable", id="residual-name"),
        pytest.param("residual_risk", "ACCEPTABLE", id="residual-upper-case"),
    ],
)
def test_risk_value_mismatch_accepts_the_region_name_or_label(
    field: str, typed: str
) -> None:
    text = _with_situation_field(f":{field}: {typed}", QUIET)
    assert _risk_findings(text, "risk_value_mismatch") == []


@pytest.mark.parametrize(
    "typed",
    ["afap", "Reduce as far as possible", "reduce AS FAR as possible", "AFAP"],
)
def test_risk_value_mismatch_accepts_afap_by_name_or_label(typed: str) -> None:
    # residual S4/P2 (1 + 4 - 3) is reduce as far as possible
    text = _with_situation_field(
        f":residual_risk: {typed}", _edit(":residual_p2: 2", ":residual_p2: 4")
    )
    assert _risk_findings(text, "risk_value_mismatch") == []


def test_risk_value_mismatch_is_quiet_when_the_risk_cannot_be_computed() -> None:
    text = _with_situation_field(":initial_risk: acceptable", _edit("   :p2: 4\n"))
    assert _risk_findings(text, "risk_value_mismatch") == []


# -- risk_overall_evaluation -----------------------------------------------------------


def test_risk_overall_evaluation_reports_a_missing_evaluation() -> None:
    text = _edit(EVALUATION)
    assert _risk_findings(text, "risk_overall_evaluation") == [
        _finding(
            "risk_overall_evaluation",
            "HS-001",
            "the risk file has 1 hazardous situations but no risk_evaluation item "
            "evaluating the overall residual risk",
        )
    ]


def test_risk_overall_evaluation_is_quiet_with_an_evaluation_or_no_situation() -> None:
    assert _risk_findings(QUIET, "risk_overall_evaluation") == []
    hazard_only = QUIET.split("\n\n", maxsplit=1)[0] + "\n"
    assert _risk_findings(hazard_only, "risk_overall_evaluation") == []


# -- without a risk model --------------------------------------------------------------


def test_no_risk_check_runs_without_a_risk_model(tmp_path: Path) -> None:
    config = tmp_path / "qms.toml"
    config.write_text(
        rst("""\
            [profile]
            name = "no-risk"
            version = "1"

            [fields.status]
            kind = "choice"
            values = ["draft", "approved"]

            [links.verifies]
            incoming = "verified by"

            [types.hazardous_situation]
            title = "Hazardous situation"
            prefix = "HS-"
            required = ["status"]
            """),
        encoding="utf-8",
    )
    profile = load_profile(config)
    assert profile.risk is None
    text = ".. hazardous_situation:: Unrated\n   :id: HS-001\n   :status: draft\n"
    findings = run_checks(items_from(text, profile), profile)
    assert [f for f in findings if f.check_id.startswith("risk_")] == []
