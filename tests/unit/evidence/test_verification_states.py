"""The one verification state: every state reached from records, never from links.

Each test builds the device file through the real reader and judges records through
:func:`qmsdoc.evidence.evaluate_evidence`, as ``load_evidence`` does for a project.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from qmsdoc.evidence import (
    EvidenceRun,
    TestResult,
    import_reports,
    read_runs,
    write_run,
)
from qmsdoc.evidence.status import LABELS, STATES, combine_states
from qmsdoc.trace import TraceGraph

from .._rst import PATH, rst
from ._evidence_support import COMMIT, evaluate, manual, result, run

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.evidence import EvidenceView
    from qmsdoc.evidence.records import Outcome
    from qmsdoc.evidence.status import State

#: REQ-001 has two verifiers (an automated and a manual test); REQ-002 has none;
#: RC-001 is verified by VT-002 and validated in use by VAL-001; UN-001 by VAL-001
DEVICE = rst(
    """\
    Items
    =====

    .. user_need:: See which results are abnormal
       :id: UN-001
       :status: approved

    .. requirement:: Flag results outside the reference range
       :id: REQ-001
       :status: approved
       :kind: functional
       :satisfies: UN-001

       The software shall flag a result below or above the reference range.

    .. requirement:: Show the reference range next to each result
       :id: REQ-002
       :status: approved
       :kind: functional

    .. risk_control:: Independent flag of values outside the range
       :id: RC-001
       :status: approved
       :option: inherent_safety

    .. verification_test:: Flagging at the range limits
       :id: VT-001
       :status: approved
       :test_level: unit
       :method: test
       :automated_test: tests/unit/test_flags.py::test_limits
       :verifies: REQ-001

    .. verification_test:: Flags on the results screen
       :id: VT-002
       :status: approved
       :test_level: system
       :method: test
       :verifies: REQ-001, RC-001

       Open a panel with a low and a high value; both are flagged.

    .. validation:: Summative usability study
       :id: VAL-001
       :status: approved
       :validation_method: summative_usability
       :validates: UN-001
       :verifies: RC-001
    """
)
MODULE = "tests.unit.test_flags"
WAIVER = (
    "   :waiver: evidence_not_executed: covered by the supplier's certified "
    "analyser validation report\n"
)


def _automated(outcome: Outcome = "passed") -> TestResult:
    """A result of VT-001's automated test ``tests/unit/test_flags.py::test_limits``."""
    return result("test_limits", outcome, classname=MODULE)


def _view(*runs: EvidenceRun, now: str = DEVICE, then: str = DEVICE) -> EvidenceView:
    """The view of ``runs``, every run produced from a commit holding ``then``."""
    _, view = evaluate(runs, now=now, history={COMMIT: {PATH: then}})
    return view


def _state(view: EvidenceView, item_id: str) -> State:
    state = view.state_of(item_id)
    assert state is not None, item_id
    return state.state


def _edit(old: str, new: str, text: str = DEVICE) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_not_planned_when_no_verifier_is_linked() -> None:
    view = _view()
    state = view.state_of("REQ-002")
    assert state is not None
    assert state.state == "not_planned"
    assert not state.traced
    assert state.verifiers == ()
    assert state.describe() == (
        "not planned: no verification test or validation is linked"
    )
    assert state.release_problem == state.describe()


def test_planned_when_one_of_two_verifiers_has_executed() -> None:
    view = _view(run("ci-1", _automated(), commit=COMMIT))
    state = view.state_of("REQ-001")
    assert state is not None
    assert state.state == "planned"
    assert state.traced
    assert [(v.verifier_id, v.state) for v in state.verifiers] == [
        ("VT-001", "passed"),
        ("VT-002", "planned"),
    ]
    assert state.describe() == (
        "planned, not executed: 1 of 2 verifiers have a result; no result for VT-002"
    )
    assert state.release_problem == state.describe()
    # a passed result of one verifier is not verification of the item
    assert state.label == "planned, not executed"


def test_passed_when_every_verifier_passed() -> None:
    view = _view(
        run("ci-1", _automated()), manual("m-1", "VT-002"), manual("s-1", "VAL-001")
    )
    assert {i: _state(view, i) for i in ("REQ-001", "RC-001", "UN-001")} == {
        "REQ-001": "passed",
        "RC-001": "passed",
        "UN-001": "passed",
    }
    state = view.state_of("REQ-001")
    assert state is not None
    assert state.describe() == "passed: run ci-1, run m-1"
    assert [r.via for r in state.executed] == ["VT-001", "VT-002"]


def test_failed_when_any_verifier_failed() -> None:
    view = _view(run("ci-1", _automated("failed")), manual("m-1", "VT-002"))
    state = view.state_of("REQ-001")
    assert state is not None
    assert state.state == "failed"
    assert state.describe() == "failed: test_limits (run ci-1)"
    # RC-001 does not rest on VT-001: its failure does not reach it
    assert _state(view, "RC-001") == "planned"


def test_a_failure_outranks_a_missing_result() -> None:
    view = _view(manual("m-1", "VT-002", outcome="failed"))
    assert _state(view, "REQ-001") == "failed"
    assert _state(view, "RC-001") == "failed"


def test_stale_after_the_item_changed() -> None:
    now = _edit("below or above the reference range", "outside the reference range")
    view = _view(run("ci-1", _automated()), manual("m-1", "VT-002"), now=now)
    state = view.state_of("REQ-001")
    assert state is not None
    assert state.state == "stale"
    assert state.describe() == "stale: REQ-001 changed after commit 0123456789ab"
    # the verifiers themselves are unchanged and still passed on their own
    assert _state(view, "VT-001") == "passed"
    assert _state(view, "VT-002") == "passed"
    assert [v.state for v in state.verifiers] == ["stale", "stale"]


def test_stale_after_the_test_changed() -> None:
    now = _edit("both are flagged.", "both are flagged in red.")
    view = _view(run("ci-1", _automated()), manual("m-1", "VT-002"), now=now)
    assert _state(view, "VT-002") == "stale"
    assert _state(view, "REQ-001") == "stale"
    assert _state(view, "VT-001") == "passed"


def test_waived_with_a_justified_waiver_of_evidence_not_executed() -> None:
    now = _edit(
        "   :option: inherent_safety\n", "   :option: inherent_safety\n" + WAIVER
    )
    view = _view(now=now, then=now)
    state = view.state_of("RC-001")
    assert state is not None
    assert state.state == "waived"
    assert state.waiver == (
        "covered by the supplier's certified analyser validation report"
    )
    assert state.describe() == f"waived: {state.waiver}"
    assert state.release_problem is None


def test_a_waiver_of_fewer_than_five_words_does_not_waive() -> None:
    short = "   :waiver: evidence_not_executed: done by supplier\n"
    now = _edit(
        "   :option: inherent_safety\n", "   :option: inherent_safety\n" + short
    )
    view = _view(now=now, then=now)
    assert _state(view, "RC-001") == "planned"


def test_a_waiver_does_not_hide_a_failure() -> None:
    now = _edit(
        "   :option: inherent_safety\n", "   :option: inherent_safety\n" + WAIVER
    )
    view = _view(manual("m-1", "VT-002", outcome="failed"), now=now, then=now)
    assert _state(view, "RC-001") == "failed"


def test_a_waiver_of_another_check_does_not_waive() -> None:
    other = WAIVER.replace("evidence_not_executed", "evidence_stale")
    now = _edit(
        "   :option: inherent_safety\n", "   :option: inherent_safety\n" + other
    )
    view = _view(now=now, then=now)
    assert _state(view, "RC-001") == "planned"


def test_every_state_is_reached_and_counted() -> None:
    now = _edit(
        "   :option: inherent_safety\n", "   :option: inherent_safety\n" + WAIVER
    )
    changed = _edit("below or above the reference range", "outside the range", now)
    cases: dict[State, tuple[tuple[EvidenceRun, ...], str, str]] = {
        "not_planned": ((), "REQ-002", now),
        "planned": ((run("ci-1", _automated()),), "REQ-001", now),
        "passed": ((run("ci-1", _automated()), manual("m-1", "VT-002")), "REQ-001", now),
        "failed": ((manual("m-1", "VT-002", outcome="error"),), "REQ-001", now),
        "stale": ((run("ci-1", _automated()), manual("m-1", "VT-002")), "REQ-001", changed),
        "waived": ((), "RC-001", now),
    }  # fmt: skip
    reached = set()
    for expected, (runs, item_id, text) in cases.items():
        items, view = evaluate(runs, now=text, history={COMMIT: {PATH: now}})
        assert _state(view, item_id) == expected, expected
        counts = view.counts(TraceGraph(items))
        assert list(counts) == list(STATES)
        assert counts[expected] >= 1
        reached.add(expected)
    assert reached == set(STATES) == set(LABELS)


def test_gated_lists_only_the_verified_types() -> None:
    items, view = evaluate([], now=DEVICE, history={COMMIT: {PATH: DEVICE}})
    gated = view.gated(TraceGraph(items))
    assert [s.item_id for s in gated] == ["RC-001", "REQ-001", "REQ-002", "UN-001"]
    assert view.counts(TraceGraph(items)) == {
        "not_planned": 1,
        "planned": 3,
        "passed": 0,
        "failed": 0,
        "stale": 0,
        "waived": 0,
    }
    # the verifiers have a state of their own, but are not gated
    assert _state(view, "VT-001") == "planned"


def test_a_manual_execution_record_propagates_to_what_the_test_verifies() -> None:
    execution = EvidenceRun(
        run_id="VT-002-20240503T090000Z",
        commit=COMMIT,
        date="2024-05-03T09:00:00Z",
        source="protocol.xlsx",
        results=(
            TestResult(
                suite="manual",
                classname="VT-002",
                name="VT-002",
                outcome="passed",
                duration=0.0,
                message="",
                verifies=("VT-002",),
            ),
        ),
        kind="manual",
        environment="iPhone 15, iOS 18.1",
        executor="A. Tester",
    )
    view = _view(execution)
    assert _state(view, "VT-002") == "passed"
    rc = view.state_of("RC-001")
    assert rc is not None
    assert [(v.verifier_id, v.state) for v in rc.verifiers] == [
        ("VAL-001", "planned"),
        ("VT-002", "passed"),
    ]
    (through,) = rc.results
    assert (through.via, through.run.kind) == ("VT-002", "manual")
    # with the automated test of VT-001 as well, REQ-001 passes on both
    clean = dataclasses.replace(run("ci-1", _automated()), tree_clean=True)
    both = _view(execution, clean)
    assert _state(both, "REQ-001") == "passed"
    state = both.state_of("REQ-001")
    assert state is not None
    assert state.release_problem is None  # a manual record names its commit


def test_a_study_report_validates_the_user_need() -> None:
    study = dataclasses.replace(manual("study-1", "VAL-001"), kind="study", commit=None)
    view = _view(study)
    assert _state(view, "UN-001") == "passed"
    state = view.state_of("UN-001")
    assert state is not None
    assert state.release_problem is None


@pytest.mark.parametrize("outcome", ["disabled", "skipped"])
def test_a_disabled_or_skipped_case_does_not_verify(outcome: Outcome) -> None:
    view = _view(run("ci-1", result("test_x", outcome, verifies=["REQ-002"])))
    assert _state(view, "REQ-002") != "passed"
    view = _view(run("ci-1", _automated(outcome)), manual("m-1", "VT-002"))
    assert _state(view, "VT-001") == "planned"
    assert _state(view, "REQ-001") == "planned"


def test_a_disabled_junit_case_read_from_a_report_does_not_verify(
    tmp_path: Path,
) -> None:
    report = tmp_path / "ctest.xml"
    report.write_text(
        '<testsuite name="flags" tests="2">\n'
        f'  <testcase classname="{MODULE}" name="test_limits" status="disabled"/>\n'
        '  <testcase classname="c" name="range_shown" status="disabled">\n'
        '    <properties><property name="verifies" value="REQ-002"/></properties>\n'
        "  </testcase>\n"
        "</testsuite>\n",
        encoding="utf-8",
    )
    imported = import_reports(
        [report], commit=COMMIT, run_id="ci-9", date=None, tree_clean=True
    )
    assert [r.outcome for r in imported.results] == ["disabled", "disabled"]
    write_run(tmp_path / "evidence", imported)
    runs = read_runs(tmp_path / "evidence")
    view = _view(*runs, manual("m-1", "VT-002"))
    assert _state(view, "VT-001") == "planned"
    assert _state(view, "REQ-001") == "planned"
    assert _state(view, "REQ-002") != "passed"


def _passed_on(*runs: EvidenceRun) -> str | None:
    view = _view(*runs, manual("m-1", "VT-002"))
    state = view.state_of("REQ-001")
    assert state is not None
    assert state.state == "passed"
    return state.release_problem


def test_a_clean_automated_run_counts_for_a_release() -> None:
    clean = dataclasses.replace(run("ci-1", _automated()), tree_clean=True)
    assert _passed_on(clean) is None


@pytest.mark.parametrize(
    ("local", "tree_clean"),
    [
        pytest.param(True, True, id="local"),
        pytest.param(False, None, id="tree-clean-unknown"),
        pytest.param(False, False, id="uncommitted-changes"),
    ],
)
def test_a_pass_resting_on_a_run_that_does_not_count_is_a_release_problem(
    local: bool, tree_clean: bool | None
) -> None:
    ci = dataclasses.replace(
        run("ci-1", _automated()), local=local, tree_clean=tree_clean
    )
    assert _passed_on(ci) == (
        "passed only on runs that do not count for a release "
        "(local, unknown commit or uncommitted changes): ci-1"
    )


def test_a_run_of_an_unknown_commit_is_stale_not_passed() -> None:
    ci = dataclasses.replace(run("ci-1", _automated(), commit=None), tree_clean=True)
    view = _view(ci, manual("m-1", "VT-002"))
    state = view.state_of("REQ-001")
    assert state is not None
    assert state.state == "stale"
    assert state.release_problem == (
        "stale: the commit the result was produced from is unknown"
    )


def test_a_local_manual_execution_does_not_count_for_a_release() -> None:
    clean = dataclasses.replace(run("ci-1", _automated()), tree_clean=True)
    local = dataclasses.replace(manual("m-1", "VT-002"), local=True)
    view = _view(clean, local)
    state = view.state_of("REQ-001")
    assert state is not None
    assert state.state == "passed"
    assert state.release_problem is not None
    assert state.release_problem.endswith(": m-1")


@pytest.mark.parametrize(
    ("states", "combined"),
    [
        ((), "not_planned"),
        (("passed",), "passed"),
        (("passed", "passed"), "passed"),
        (("passed", "planned"), "planned"),
        (("planned", "stale"), "stale"),
        (("stale", "failed", "planned"), "failed"),
        (("passed", "failed"), "failed"),
    ],
)
def test_combine_states(states: tuple[State, ...], combined: State) -> None:
    assert combine_states(states) == combined
