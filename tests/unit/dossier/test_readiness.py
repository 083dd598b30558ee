"""Section states and the gate: each condition fails on its own input."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from qmsdoc.checks import Finding
from qmsdoc.dossier import gate_conditions, load_pathway, section_states
from qmsdoc.dossier.readiness import ALL_CONDITIONS, EVERYDAY_CONDITIONS, GateCondition
from qmsdoc.evidence.status import EvidenceView, State, VerificationState
from qmsdoc.risk.estimate import estimate_risks
from qmsdoc.trace import TraceGraph

from .._rst import PATH, VALID_CHAIN, check, default_profile, items_from
from ..evidence._evidence_support import COMMIT, evaluate, manual

if TYPE_CHECKING:
    from qmsdoc.evidence import EvidenceRun
    from qmsdoc.model import Item


#: the approved design review a release needs (ISO 13485 7.3.5)
DESIGN_REVIEW = """
.. design_review:: Review of the first release
   :id: DR-001
   :status: approved
   :baseline: v1
   :review_date: 2026-01-10
   :participants: alice (quality, independent)
   :outcome: approved
   :reviews: REQ-001
"""


def _reviewed(text: str) -> tuple[Item, ...]:
    """The items of ``text`` with an approved design review of them."""
    return items_from(text + DESIGN_REVIEW)


def _graph() -> TraceGraph:
    """The valid chain with every item released (its change request approved)."""
    return TraceGraph(_reviewed(VALID_CHAIN.replace("in_review", "approved")))


def test_a_section_is_missing_when_a_named_source_is_absent() -> None:
    graph = _graph()
    states = section_states(
        load_pathway("fda-denovo"),
        graph=graph,
        profile=default_profile(),
        pages={"pages/indications"},
        records=set(),
        roles={"intended-use": ("pages/indications",)},
    )
    by_id = {state.plan.section_id: state for state in states}
    assert by_id["7"].state == "filled"
    assert by_id["7"].sources == ("intended-use: pages/indications",)
    assert by_id["7"].pages == ("pages/indications",)
    assert by_id["6"].state == "missing"
    assert by_id["6"].detail == (
        "missing: document role 'device-description' (Device description (MDR Annex"
        " II 1.1; FDA premarket guidance); no page declares it); document role"
        " 'use-specification' (Users, use environment and user interface (IEC 62366-1"
        " 5.1); no page declares it)"
    )
    assert by_id["12"].state == "missing"  # a device declares it not applicable
    assert by_id["2"].state == "external"
    assert by_id["14"].state == "missing"
    assert "record findings" in by_id["14"].detail


def _conditions(**changes: object) -> dict[str, GateCondition]:
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


def _view(*states: VerificationState) -> EvidenceView:
    profile = default_profile()
    assert profile.evidence is not None
    return EvidenceView(
        runs=(),
        states={state.item_id: state for state in states},
        verified_types=profile.evidence.verified_types,
    )


def test_no_input_fails_nothing() -> None:
    approved = TraceGraph(_reviewed(VALID_CHAIN.replace("in_review", "approved")))
    conditions = _conditions(graph=approved, evidence=_view())
    assert not any(c.fails for c in conditions.values())


def test_an_item_in_review_fails_the_release_naming_it() -> None:
    in_review = TraceGraph(_reviewed(VALID_CHAIN))
    conditions = _conditions(graph=in_review, evidence=_view())
    assert [name for name, c in conditions.items() if c.fails] == ["status"]
    assert conditions["status"].failures == ("CR-001: status in_review, not released",)
    everyday = _conditions(
        graph=in_review, evidence=_view(), checked=EVERYDAY_CONDITIONS
    )
    assert not everyday["status"].fails
    assert everyday["status"].failures  # reported, not enforced


def test_an_approved_item_citing_an_unapproved_one_fails_the_release() -> None:
    text = VALID_CHAIN.replace("in_review", "approved")
    draft = text.replace(
        ":id: UN-001\n   :status: approved", ":id: UN-001\n   :status: draft"
    )
    assert draft != text
    failures = _conditions(graph=TraceGraph(items_from(draft)), evidence=_view())[
        "status"
    ].failures
    assert "UN-001: status draft, not released" in failures
    assert any(f.startswith("REQ-001: approved but satisfies UN-001, which is draft")
               for f in failures)  # fmt: skip


def test_retired_items_are_outside_the_release() -> None:
    text = VALID_CHAIN.replace(":status: in_review", ":status: obsolete")
    conditions = _conditions(graph=TraceGraph(items_from(text)), evidence=_view())
    assert not conditions["status"].failures


def test_without_evidence_records_only_the_unverified_condition_fails() -> None:
    conditions = _conditions()
    failing = [name for name, c in conditions.items() if c.fails]
    assert failing == ["unverified"]
    assert conditions["unverified"].failures == ("no evidence records were read",)


def test_findings_fail_the_findings_condition() -> None:
    broken = VALID_CHAIN.replace(":status: approved", ":status: finished", 1)
    conditions = _conditions(findings=check(broken), evidence=_view())
    assert conditions["findings"].fails


def test_failed_stale_and_unexecuted_evidence_fail_their_conditions() -> None:
    graph = _graph()
    requirement = next(item for item in graph if item.item_type == "requirement")
    cases: tuple[tuple[State, str], ...] = (
        ("failed", "failed_evidence"),
        ("stale", "stale_evidence"),
        ("planned", "unverified"),
        ("not_planned", "unverified"),
    )
    for state, condition in cases:
        view = _view(VerificationState(item_id=requirement.id, state=state, results=()))
        result = _conditions(evidence=view)
        assert result[condition].fails, condition
        (failure,) = result[condition].failures
        assert failure.startswith(f"{requirement.id}: "), failure
        others = [n for n, c in result.items() if c.fails]
        assert others == [condition]


def test_passed_and_waived_items_fail_nothing() -> None:
    graph = _graph()
    requirement = next(item for item in graph if item.item_type == "requirement")
    for state in ("passed", "waived"):
        view = _view(
            VerificationState(
                item_id=requirement.id,
                state=state,
                results=(),
                waiver="accepted by the board" if state == "waived" else None,
            )
        )
        assert not any(c.fails for c in _conditions(evidence=view).values())


def test_unchecked_conditions_report_but_do_not_fail() -> None:
    graph = _graph()
    requirement = next(item for item in graph if item.item_type == "requirement")
    view = _view(VerificationState(item_id=requirement.id, state="planned", results=()))
    result = _conditions(evidence=view, checked=("findings",))
    assert result["unverified"].failures
    assert not result["unverified"].fails


def test_an_unjustified_residual_risk_fails_the_residual_condition() -> None:
    text = VALID_CHAIN
    graph = TraceGraph(items_from(text))
    model = default_profile().risk
    assert model is not None
    risks = estimate_risks(graph, model)
    assert not _conditions(risks=risks, evidence=_view())["residual_risk"].fails


def _gate_of(
    runs: list[EvidenceRun], now: str = VALID_CHAIN
) -> dict[str, GateCondition]:
    items, view = evaluate(runs, now=now, history={COMMIT: {PATH: VALID_CHAIN}})
    return _conditions(graph=TraceGraph(items), evidence=view)


def test_the_gate_names_each_failed_item_with_its_record() -> None:
    failing = manual("m-1", "VT-001", outcome="failed")
    conditions = _gate_of([failing, manual("m-2", "VAL-001")])
    assert conditions["failed_evidence"].failures == (
        "RC-001: failed: VT-001 (run m-1)",
        "REQ-001: failed: VT-001 (run m-1)",
    )
    assert conditions["unverified"].failures == ()


def test_the_gate_names_each_stale_item_and_what_changed() -> None:
    now = VALID_CHAIN.replace("within 2 seconds", "within 1 second")
    conditions = _gate_of([manual("m-1", "VT-001", "VAL-001")], now=now)
    assert conditions["stale_evidence"].failures == (
        "REQ-001: stale: REQ-001 changed after commit 0123456789ab",
    )
    assert not conditions["failed_evidence"].fails
    assert not conditions["unverified"].fails


def test_the_gate_names_each_item_planned_but_not_executed() -> None:
    conditions = _gate_of([manual("m-1", "VT-001")])
    # VAL-001 has no record: RC-001 (also verified by it) and UN-001 are not done
    assert conditions["unverified"].failures == (
        "RC-001: planned, not executed: 1 of 2 verifiers have a result; "
        "no result for VAL-001",
        "UN-001: planned, not executed: 0 of 1 verifiers have a result; "
        "no result for VAL-001",
    )
    assert not conditions["failed_evidence"].fails


def test_the_gate_refuses_a_pass_resting_on_a_local_run() -> None:
    local = dataclasses.replace(manual("dev-1", "VT-001", "VAL-001"), local=True)
    conditions = _gate_of([local])
    assert conditions["unverified"].failures == tuple(
        f"{item_id}: passed only on runs that do not count for a release "
        "(local, unknown commit or uncommitted changes): dev-1"
        for item_id in ("RC-001", "REQ-001", "UN-001")
    )


def test_evidence_findings_that_are_not_states_fail_the_findings_condition() -> None:
    # a missing automated test or a changed attachment is a finding of its own; the
    # failed, stale and not-executed findings restate states and stay with them
    def finding(check_id: str) -> Finding:
        return Finding(
            check_id=check_id, severity="error", item_id="VT-001", path=PATH,
            line=3, docname="items", message=f"VT-001: {check_id}",
        )  # fmt: skip

    for check_id in ("evidence_test_missing", "evidence_attachment"):
        conditions = _conditions(findings=[finding(check_id)], evidence=_view())
        assert conditions["findings"].failures == (
            f"{PATH}:3: VT-001: {check_id} [qms.{check_id}]",
        )
    for check_id in ("evidence_failed", "evidence_stale", "evidence_not_executed"):
        conditions = _conditions(findings=[finding(check_id)], evidence=_view())
        assert not conditions["findings"].failures
