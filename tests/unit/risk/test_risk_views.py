"""Risk views: heat-map, control verification status, risk table rows and summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.risk.estimate import estimate_risks
from qmsdoc.risk.views import (
    ControlStatus,
    control_verification,
    heat_map,
    risk_rows,
    risk_summary,
)
from qmsdoc.trace import TraceGraph

from .._rst import PATH, default_profile, items_from, rst
from ..evidence._evidence_support import COMMIT, evaluate, manual

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.evidence import EvidenceRun, EvidenceView
    from qmsdoc.evidence.records import Outcome
    from qmsdoc.evidence.status import State
    from qmsdoc.risk import RiskModel

#: three situations placed in distinct cells, one controlled, and one that cannot be
#: placed (no p2)
RISK_FILE = rst("""\
    .. hazard:: Stale lab result shown
       :id: HAZ-001
       :status: approved
       :hazard_category: data_integrity

    .. hazard:: Wrong patient shown
       :id: HAZ-002
       :status: approved
       :hazard_category: clinical_information

    .. harm:: Delayed treatment
       :id: HARM-001
       :status: approved
       :severity: 4

    .. harm:: Discomfort
       :id: HARM-002
       :status: approved
       :severity: 1

    .. hazardous_situation:: Clinician acts on a stale result
       :id: HS-001
       :status: approved
       :sequence: Cache not refreshed; clinician reads the old value
       :p1: 4
       :p2: 4
       :residual_p1: 1
       :residual_p2: 4
       :benefit_risk: Timely results outweigh the remaining stale data risk
       :arises_from: HAZ-001
       :leads_to: HARM-001

    .. hazardous_situation:: Clinician reads another patient
       :id: HS-003
       :status: approved
       :sequence: Patient banner hidden
       :p1: 2
       :p2: 4
       :arises_from: HAZ-002
       :leads_to: HARM-001

    .. hazardous_situation:: Clinician rereads a slow page
       :id: HS-002
       :status: approved
       :sequence: Slow page
       :p1: 3
       :p2: 3
       :arises_from: HAZ-001
       :leads_to: HARM-002

    .. hazardous_situation:: Not yet estimated
       :id: HS-004
       :status: draft
       :sequence: Unknown
       :p1: 3
       :arises_from: HAZ-002
       :leads_to: HARM-001

    .. risk_control:: Staleness banner
       :id: RC-001
       :status: approved
       :option: protective_measure
       :mitigates: HS-001

    .. risk_control:: Refresh before display
       :id: RC-002
       :status: approved
       :option: inherent_safety
       :mitigates: HS-001, HS-003

    .. verification_test:: Banner test
       :id: VT-001
       :status: approved
       :test_level: system
       :method: test
       :verification_scope: both
       :verifies: RC-001

    .. verification_test:: Refresh unit test
       :id: VT-002
       :status: approved
       :test_level: unit
       :method: test
       :verifies: RC-002

    .. risk_evaluation:: Overall residual risk
       :id: ORR-001
       :status: approved
       :conclusion: acceptable
    """)


def _model() -> RiskModel:
    model = default_profile().risk
    assert model is not None
    return model


def _graph(text: str = RISK_FILE) -> TraceGraph:
    return TraceGraph(items_from(text))


def _placed(stage: str) -> dict[tuple[int, int], tuple[str, ...]]:
    graph = _graph()
    model = _model()
    estimates = estimate_risks(graph, model)
    result = heat_map(estimates, model, "initial" if stage == "initial" else "residual")
    return {
        (cell.severity, cell.probability): cell.situations
        for row in result.rows
        for cell in row
        if cell.situations
    }


def test_heat_map_covers_the_matrix_highest_severity_first() -> None:
    model = _model()
    result = heat_map(estimate_risks(_graph(), model), model, "initial")
    assert result.stage == "initial"
    assert len(result.rows) == 5
    assert all(len(row) == 5 for row in result.rows)
    assert [[(c.severity, c.probability) for c in row] for row in result.rows] == [
        [(s, p) for p in range(1, 6)] for s in range(5, 0, -1)
    ]
    assert all(
        cell.region == model.region(cell.severity, cell.probability)
        for row in result.rows
        for cell in row
    )


def test_heat_map_places_initial_risks() -> None:
    # HS-001: S4, P = 4+4-3 = 5; HS-003: S4, P = 2+4-3 = 3; HS-002: S1, P = 3
    assert _placed("initial") == {
        (4, 5): ("HS-001",),
        (4, 3): ("HS-003",),
        (1, 3): ("HS-002",),
    }


def test_heat_map_places_residual_risks() -> None:
    # HS-001 residual: S4, P = 1+4-3 = 2; HS-003 is controlled without residual values;
    # HS-002 has no control so its residual is its initial risk
    assert _placed("residual") == {(4, 2): ("HS-001",), (1, 3): ("HS-002",)}


def test_heat_map_lists_the_situations_it_cannot_place() -> None:
    model = _model()
    estimates = estimate_risks(_graph(), model)
    assert heat_map(estimates, model, "initial").not_estimated == ("HS-004",)
    assert heat_map(estimates, model, "residual").not_estimated == (
        "HS-003",
        "HS-004",
    )


def test_heat_map_sorts_the_situations_of_one_cell() -> None:
    situations = "\n".join(
        rst(f"""\
            .. hazardous_situation:: Situation {number}
               :id: HS-00{number}
               :status: approved
               :sequence: Sequence
               :p1: 3
               :p2: 3
               :leads_to: HARM-001
            """)
        for number in (3, 1, 2)
    )
    harm = ".. harm:: H\n   :id: HARM-001\n   :status: approved\n   :severity: 2\n\n"
    model = _model()
    result = heat_map(
        estimate_risks(_graph(harm + situations), model), model, "initial"
    )
    [cell] = [cell for row in result.rows for cell in row if cell.situations]
    assert (cell.severity, cell.probability) == (2, 3)
    assert cell.situations == ("HS-001", "HS-002", "HS-003")
    assert cell.region.name == "afap"


CONTROL = """\
.. risk_control:: Control
   :id: RC-001
   :status: approved
   :option: {option}
"""


def _evidence(text: str, *runs: EvidenceRun) -> tuple[TraceGraph, EvidenceView]:
    """The graph of ``text`` and the evidence view of ``runs`` over it (every run
    produced from a commit whose sources are ``text``)."""
    items, view = evaluate(runs, now=text, history={COMMIT: {PATH: text}})
    return TraceGraph(items), view


def _status(
    *verifiers: str, option: str = "protective_measure", passed: Sequence[str] = ()
) -> ControlStatus:
    """RC-001 with ``verifiers``; the test items in ``passed`` have a passed manual
    execution record. Without ``passed``, no evidence view at all."""
    text = "\n".join((CONTROL.format(option=option), *verifiers))
    if not passed:
        return control_verification(_graph(text), _model(), "RC-001", None)
    graph, view = _evidence(text, manual("m-1", *passed))
    return control_verification(graph, _model(), "RC-001", view)


def _test(scope: str | None, number: int = 1) -> str:
    scope_line = f"   :verification_scope: {scope}\n" if scope else ""
    return (
        f".. verification_test:: Test {number}\n"
        f"   :id: VT-00{number}\n"
        "   :status: approved\n"
        "   :test_level: system\n"
        "   :method: test\n"
        f"{scope_line}"
        "   :verifies: RC-001\n"
    )


def _validation(scope: str | None = None) -> str:
    scope_line = f"   :verification_scope: {scope}\n" if scope else ""
    return (
        ".. validation:: Usability study\n"
        "   :id: VAL-001\n"
        "   :status: approved\n"
        "   :validation_method: summative_usability\n"
        f"{scope_line}"
        "   :verifies: RC-001\n"
    )


@pytest.mark.parametrize(
    ("verifiers", "implementation", "effectiveness"),
    [
        pytest.param((), (), (), id="unverified"),
        pytest.param((_test(None),), ("VT-001",), (), id="test-without-scope"),
        pytest.param(
            (_test("implementation"),), ("VT-001",), (), id="test-implementation"
        ),
        pytest.param(
            (_test("effectiveness"),), (), ("VT-001",), id="test-effectiveness"
        ),
        pytest.param((_test("both"),), ("VT-001",), ("VT-001",), id="test-both"),
        pytest.param((_validation(),), (), ("VAL-001",), id="validation"),
        pytest.param(
            (_validation("implementation"),),
            ("VAL-001",),
            ("VAL-001",),
            id="validation-implementation",
        ),
        pytest.param(
            (_validation("both"),), ("VAL-001",), ("VAL-001",), id="validation-both"
        ),
        pytest.param(
            (_test(None), _validation()),
            ("VT-001",),
            ("VAL-001",),
            id="test-and-validation",
        ),
        pytest.param(
            (_test("implementation", 1), _test("effectiveness", 2)),
            ("VT-001",),
            ("VT-002",),
            id="two-tests",
        ),
    ],
)
def test_control_verification(
    verifiers: tuple[str, ...],
    implementation: tuple[str, ...],
    effectiveness: tuple[str, ...],
) -> None:
    # linked but without records: planned, never verified
    status = _status(*verifiers)
    assert status.control_id == "RC-001"
    assert status.option == "protective_measure"
    assert status.implementation_by == implementation
    assert status.effectiveness_by == effectiveness
    assert status.implementation == ("planned" if implementation else "not_planned")
    assert status.effectiveness == ("planned" if effectiveness else "not_planned")
    assert status.planned is bool(implementation and effectiveness)
    assert not status.verified
    assert not status.implementation_verified
    assert not status.effectiveness_verified
    # every verifier executed and passed: each linked aspect is verified
    ids = tuple(sorted({*implementation, *effectiveness}))
    if not ids:
        return
    executed = _status(*verifiers, passed=ids)
    assert executed.implementation_verified is bool(implementation)
    assert executed.effectiveness_verified is bool(effectiveness)
    assert executed.verified is bool(implementation and effectiveness)
    missing = "effectiveness" if implementation else "implementation"
    expected = (
        "verified" if executed.verified else f"not verified: {missing} not planned"
    )
    assert executed.describe() == expected


def test_implementation_passed_and_effectiveness_planned_is_not_verified() -> None:
    status = _status(_test("implementation"), _validation(), passed=["VT-001"])
    assert (status.implementation, status.effectiveness) == ("passed", "planned")
    assert status.implementation_verified
    assert not status.effectiveness_verified
    assert not status.verified
    assert status.planned
    assert status.describe() == ("not verified: effectiveness planned, not executed")


@pytest.mark.parametrize(
    ("outcome", "state", "phrase"),
    [
        pytest.param("failed", "failed", "implementation FAILED", id="failed"),
        pytest.param("error", "failed", "implementation FAILED", id="error"),
        pytest.param(
            "skipped", "planned", "implementation planned, not executed", id="skipped"
        ),
        pytest.param(
            "disabled",
            "planned",
            "implementation planned, not executed",
            id="disabled",
        ),
    ],
)
def test_an_aspect_takes_the_state_of_its_records(
    outcome: Outcome, state: State, phrase: str
) -> None:
    text = "\n".join(
        (
            CONTROL.format(option="inherent_safety"),
            _test("implementation", 1),
            _test("effectiveness", 2),
        )
    )
    graph, view = _evidence(
        text, manual("m-1", "VT-001", outcome=outcome), manual("m-2", "VT-002")
    )
    status = control_verification(graph, _model(), "RC-001", view)
    assert (status.implementation, status.effectiveness) == (state, "passed")
    assert not status.verified
    assert status.describe() == f"not verified: {phrase}"


def test_an_aspect_is_stale_when_the_control_changed() -> None:
    text = "\n".join((CONTROL.format(option="protective_measure"), _test("both")))
    before = text.replace("Control\n", "Earlier control\n", 1)
    items, view = evaluate(
        [manual("m-1", "VT-001")], now=text, history={COMMIT: {PATH: before}}
    )
    status = control_verification(TraceGraph(items), _model(), "RC-001", view)
    assert (status.implementation, status.effectiveness) == ("stale", "stale")
    assert not status.verified


def test_a_waived_control_is_verified_by_its_waiver() -> None:
    waiver = (
        "   :waiver: evidence_not_executed: verified by the supplier's certified "
        "test report\n"
    )
    text = "\n".join(
        (CONTROL.format(option="protective_measure") + waiver, _test("both"))
    )
    graph, view = _evidence(text)
    status = control_verification(graph, _model(), "RC-001", view)
    assert (status.implementation, status.effectiveness) == ("waived", "waived")
    assert status.verified


def test_a_link_of_another_type_does_not_verify() -> None:
    requirement = rst("""\
        .. requirement:: Implements the control
           :id: REQ-001
           :status: approved
           :kind: risk_control
           :level: software
           :implements: RC-001
        """)
    status = _status(requirement)
    assert (status.implementation, status.effectiveness) == (
        "not_planned",
        "not_planned",
    )
    assert not status.verified


def test_control_verification_of_an_unknown_control() -> None:
    status = control_verification(_graph(), _model(), "RC-404", None)
    assert status == ControlStatus(
        control_id="RC-404",
        option="",
        implementation="not_planned",
        effectiveness="not_planned",
    )


def test_risk_rows_follow_the_risk_file() -> None:
    # VT-001 (scope both, verifies RC-001) passed; VT-002 (RC-002) has no record
    graph, view = _evidence(RISK_FILE, manual("m-1", "VT-001"))
    model = _model()
    estimates = estimate_risks(graph, model)
    rows = risk_rows(estimates, graph, model, view)
    assert [row.situation.id for row in rows] == [
        "HS-001",
        "HS-003",
        "HS-002",
        "HS-004",
    ]
    first = rows[0]
    assert [item.id for item in first.hazards] == ["HAZ-001"]
    assert [item.id for item in first.harms] == ["HARM-001"]
    assert first.sequence == "Cache not refreshed; clinician reads the old value"
    assert first.initial == estimates[0].initial
    assert first.residual == estimates[0].residual
    assert first.benefit_risk == "Timely results outweigh the remaining stale data risk"
    assert first.controls == (
        ControlStatus(
            control_id="RC-001",
            option="protective_measure",
            implementation="passed",
            effectiveness="passed",
            implementation_by=("VT-001",),
            effectiveness_by=("VT-001",),
        ),
        ControlStatus(
            control_id="RC-002",
            option="inherent_safety",
            implementation="planned",
            effectiveness="not_planned",
            implementation_by=("VT-002",),
        ),
    )
    assert [c.control_id for c in rows[1].controls] == ["RC-002"]
    assert rows[2].controls == ()
    assert rows[2].benefit_risk is None
    assert rows[3].initial is None


def test_risk_rows_without_records_verify_nothing() -> None:
    graph = _graph()
    model = _model()
    rows = risk_rows(estimate_risks(graph, model), graph, model, None)
    controls = [control for row in rows for control in row.controls]
    assert controls
    assert not any(control.verified for control in controls)
    assert {c.implementation for c in controls} == {"planned"}


def test_risk_summary_counts() -> None:
    graph, view = _evidence(RISK_FILE, manual("m-1", "VT-001"))
    model = _model()
    summary = risk_summary(estimate_risks(graph, model), graph, model, view)
    assert (summary.hazards, summary.situations, summary.controls) == (2, 4, 2)
    # RC-001 verified by VT-001's record; RC-002 has no effectiveness verification
    assert summary.controls_verified == 1
    assert summary.controls_planned == 1
    assert [(region.name, count) for region, count in summary.initial_by_region] == [
        ("acceptable", 1),
        ("afap", 0),
        ("unacceptable", 2),
    ]
    assert [(region.name, count) for region, count in summary.residual_by_region] == [
        ("acceptable", 1),
        ("afap", 1),
        ("unacceptable", 0),
    ]
    # HS-004 (no initial) and HS-003 (no residual)
    assert summary.not_estimated == 2
    # HS-001's residual (S4/P2) is afap and it states a benefit-risk justification
    assert summary.benefit_risk_documented == 1
    assert [item.id for item in summary.evaluations] == ["ORR-001"]


def test_risk_summary_counts_links_as_planned_never_as_verified() -> None:
    graph = _graph()
    model = _model()
    summary = risk_summary(estimate_risks(graph, model), graph, model, None)
    assert summary.controls_verified == 0
    assert summary.controls_planned == 1
    failed = _evidence(RISK_FILE, manual("m-1", "VT-001", outcome="failed"))
    summary = risk_summary(
        estimate_risks(failed[0], model), failed[0], model, failed[1]
    )
    assert summary.controls_verified == 0


def test_risk_summary_of_an_empty_file() -> None:
    graph = _graph("")
    model = _model()
    summary = risk_summary([], graph, model, None)
    assert (summary.hazards, summary.situations, summary.controls) == (0, 0, 0)
    assert summary.controls_verified == 0
    assert summary.controls_planned == 0
    assert summary.not_estimated == 0
    assert summary.benefit_risk_documented == 0
    assert summary.evaluations == ()
    assert all(count == 0 for _, count in summary.initial_by_region)
