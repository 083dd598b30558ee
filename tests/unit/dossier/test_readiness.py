"""Section states and the gate: each condition fails on its own input."""

from __future__ import annotations

from qmsdoc.dossier import gate_conditions, load_pathway, section_states
from qmsdoc.dossier.readiness import ALL_CONDITIONS
from qmsdoc.evidence.status import EvidenceView, State, VerificationState
from qmsdoc.risk.estimate import estimate_risks
from qmsdoc.trace import TraceGraph

from .._rst import VALID_CHAIN, check, default_profile, items_from


def _graph() -> TraceGraph:
    return TraceGraph(items_from(VALID_CHAIN))


def test_a_section_is_missing_when_a_named_source_is_absent() -> None:
    graph = _graph()
    states = section_states(
        load_pathway("fda-denovo"),
        graph=graph,
        profile=default_profile(),
        pages={"source/intended-use"},
        records=set(),
    )
    by_id = {state.plan.section_id: state for state in states}
    assert by_id["7"].state == "filled"
    assert by_id["6"].state == "missing"
    assert "page source/device-description" in by_id["6"].detail
    assert by_id["12"].state == "not applicable"
    assert by_id["2"].state == "external"
    assert by_id["14"].state == "missing"
    assert "record findings" in by_id["14"].detail


def _conditions(**changes: object) -> dict[str, object]:
    graph = _graph()
    arguments: dict[str, object] = {
        "graph": graph,
        "findings": [],
        "evidence": None,
        "risks": [],
        "profile": default_profile(),
        "sections": [],
        "checked": ALL_CONDITIONS,
    }
    arguments.update(changes)
    conditions = gate_conditions(**arguments)  # type: ignore[arg-type]
    return {condition.name: condition for condition in conditions}


def test_no_input_fails_nothing() -> None:
    assert not any(c.fails for c in _conditions().values())  # type: ignore[attr-defined]


def test_findings_fail_the_findings_condition() -> None:
    broken = VALID_CHAIN.replace(":status: approved", ":status: finished", 1)
    conditions = _conditions(findings=check(broken))
    assert conditions["findings"].fails  # type: ignore[attr-defined]


def test_failed_stale_and_not_run_evidence_fail_their_conditions() -> None:
    graph = _graph()
    requirement = next(item for item in graph if item.item_type == "requirement")
    cases: tuple[tuple[State, str], ...] = (
        ("failed", "failed_evidence"),
        ("stale", "stale_evidence"),
        ("not_run", "unverified"),
    )
    for state, condition in cases:
        view = EvidenceView(
            runs=(),
            states={
                requirement.id: VerificationState(
                    item_id=requirement.id, state=state, results=()
                )
            },
        )
        result = _conditions(evidence=view)
        assert result[condition].fails, condition  # type: ignore[attr-defined]


def test_unchecked_conditions_report_but_do_not_fail() -> None:
    graph = _graph()
    requirement = next(item for item in graph if item.item_type == "requirement")
    view = EvidenceView(
        runs=(),
        states={
            requirement.id: VerificationState(
                item_id=requirement.id, state="not_run", results=()
            )
        },
    )
    result = _conditions(evidence=view, checked=("findings",))
    assert result["unverified"].failures  # type: ignore[attr-defined]
    assert not result["unverified"].fails  # type: ignore[attr-defined]


def test_an_unjustified_residual_risk_fails_the_residual_condition() -> None:
    text = VALID_CHAIN
    graph = TraceGraph(items_from(text))
    model = default_profile().risk
    assert model is not None
    risks = estimate_risks(graph, model)
    assert not _conditions(risks=risks)["residual_risk"].fails  # type: ignore[attr-defined]
