"""Linking results to items and judging their state, history from FakeHistory."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from qmsdoc.evidence import EvidenceView

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.evidence import TestResult
    from qmsdoc.evidence.records import Outcome

from .._rst import PATH, default_profile
from ._evidence_support import (
    COMMIT,
    ITEMS,
    OTHER_COMMIT,
    evaluate,
    result,
    run,
)

#: the module of the automated test VT-001 declares, as pytest reports it
MODULE = "tests.unit.test_flags"


def _automated(outcome: Outcome = "passed", verifies: Sequence[str] = ()) -> TestResult:
    """A result of VT-001's automated test, ``tests/unit/test_flags.py::test_limits``."""
    return result("test_limits", outcome, classname=MODULE, verifies=verifies)


def _states(view: EvidenceView) -> dict[str, str]:
    return {item_id: state.state for item_id, state in view.states.items()}


def _edit(old: str, new: str, text: str = ITEMS) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_without_results_linked_items_are_planned_and_others_not_planned() -> None:
    _, view = evaluate([])
    # states for the verified types and the test types; UN-001 and REQ-002 have no
    # verifier linked to them, REQ-001 and RC-001 are verified by VT-001
    assert _states(view) == {
        "UN-001": "not_planned",
        "REQ-001": "planned",
        "REQ-002": "not_planned",
        "RC-001": "planned",
        "VT-001": "planned",
    }
    assert all(state.results == () for state in view.states.values())
    assert view.unknown == ()
    assert view.runs == ()


def test_linked_by_the_verifies_property() -> None:
    case = result("test_a", verifies=["REQ-002", "RC-001"])
    ci = run("ci-1", case)
    _, view = evaluate([ci])
    # REQ-002 has no verifier: the result naming it decides; RC-001 also waits for
    # its verifier VT-001, which has no result
    assert _states(view) == {
        "UN-001": "not_planned",
        "REQ-001": "planned",
        "REQ-002": "passed",
        "RC-001": "planned",
        "VT-001": "planned",
    }
    assert [r.result for r in view.states["RC-001"].results] == [case]
    linked = view.states["REQ-002"].results
    assert len(linked) == 1
    assert linked[0].run == ci
    assert linked[0].result == case
    assert linked[0].via is None
    assert linked[0].stale_reason is None
    assert view.runs == (ci,)


def test_linked_by_an_id_in_the_name() -> None:
    jest = result(
        "flags REQ-002 shows the range",
        classname="flags REQ-002 shows the range",
        suite="flags",
    )
    _, view = evaluate([run("ci-1", jest)])
    assert view.states["REQ-002"].state == "passed"
    assert view.states["REQ-002"].results[0].result == jest
    assert view.states["REQ-001"].state == "planned"
    assert view.states["REQ-001"].results == ()


def test_a_partial_id_in_the_name_does_not_link() -> None:
    # the packaged pattern wants 3-4 digits on word boundaries
    cases = [result("test_x[REQ-00111]"), result("test_x[XREQ-001]")]
    _, view = evaluate([run("ci-1", *cases)])
    assert _states(view)["REQ-001"] == "planned"
    assert view.states["REQ-001"].results == ()
    assert view.unknown == ()


def test_linked_through_the_automated_test_of_a_test_item() -> None:
    case = _automated()
    _, view = evaluate([run("ci-1", case)])
    assert _states(view) == {
        "UN-001": "not_planned",
        "REQ-001": "passed",
        "REQ-002": "not_planned",
        "RC-001": "passed",
        "VT-001": "passed",
    }
    (own,) = view.states["VT-001"].results
    assert own.via is None
    (through,) = view.states["REQ-001"].results
    assert through.via == "VT-001"
    assert through.result == case


def test_parametrised_cases_count_for_the_declared_test() -> None:
    low = result("test_limits[low-1]", classname=MODULE)
    high = result("test_limits[high-2]", "failed", classname=MODULE)
    _, view = evaluate([run("ci-1", low, high)])
    assert [r.result.name for r in view.states["VT-001"].results] == [
        "test_limits[high-2]",
        "test_limits[low-1]",
    ]
    assert view.states["REQ-001"].state == "failed"


def test_other_modules_and_names_do_not_match_the_automated_test() -> None:
    _, view = evaluate(
        [
            run(
                "ci-1",
                result("test_limits", classname="tests.unit.test_other"),
                result("test_limits_extra", classname=MODULE),
                result("test_limits", classname="unit.test_flags"),
            )
        ]
    )
    assert view.states["VT-001"].state == "planned"
    assert view.states["VT-001"].results == ()


def test_a_pytest_method_matches_its_node_id() -> None:
    now = _edit(
        ":automated_test: tests/unit/test_flags.py::test_limits",
        ":automated_test: tests/unit/test_flags.py::TestLimits::test_low",
    )
    case = result("test_low", classname="tests.unit.test_flags.TestLimits")
    _, view = evaluate([run("ci-1", case)], now=now, history={COMMIT: {PATH: now}})
    assert view.states["VT-001"].state == "passed"


def test_one_result_can_link_several_ways() -> None:
    case = _automated(verifies=["REQ-001"])
    _, view = evaluate([run("ci-1", case)])
    assert [linked.via for linked in view.states["REQ-001"].results] == [
        None,
        "VT-001",
    ]
    assert view.states["REQ-001"].state == "passed"


def test_the_latest_run_of_each_case_wins() -> None:
    failing = run("ci-1", result("test_a", "failed", verifies=["REQ-002"]))
    passing = run("ci-2", result("test_a", verifies=["REQ-002"]))
    _, view = evaluate([failing, passing])
    assert view.states["REQ-002"].state == "passed"
    (linked,) = view.states["REQ-002"].results
    assert linked.run.run_id == "ci-2"
    _, view = evaluate([passing, failing])
    assert view.states["REQ-002"].state == "failed"


def test_a_later_run_without_the_case_keeps_its_earlier_result() -> None:
    first = run("ci-1", result("test_a", "failed", verifies=["REQ-001"]))
    second = run("ci-2", result("test_b", verifies=["REQ-001"]))
    _, view = evaluate([first, second])
    assert view.states["REQ-001"].state == "failed"
    assert [r.run.run_id for r in view.states["REQ-001"].results] == ["ci-1", "ci-2"]


@pytest.mark.parametrize(
    ("outcomes", "state"),
    [
        (("passed",), "passed"),
        (("flaky",), "passed"),
        (("passed", "flaky"), "passed"),
        (("failed",), "failed"),
        (("error",), "failed"),
        (("passed", "failed"), "failed"),
        (("skipped",), "planned"),
        (("skipped", "skipped"), "planned"),
        (("disabled",), "planned"),
        (("disabled", "skipped"), "planned"),
        (("skipped", "passed"), "passed"),
        (("disabled", "passed"), "passed"),
        (("skipped", "error"), "failed"),
    ],
)
def test_state_from_the_outcomes(outcomes: tuple[Outcome, ...], state: str) -> None:
    # parametrised cases of VT-001's automated test: the verifier's state, and that
    # of the requirement it verifies
    cases = [
        result(f"test_limits[{index}]", outcome, classname=MODULE)
        for index, outcome in enumerate(outcomes)
    ]
    _, view = evaluate([run("ci-1", *cases)])
    assert view.states["VT-001"].state == state
    assert view.states["REQ-001"].state == state
    assert len(view.states["VT-001"].results) == len(outcomes)
    assert len(view.states["REQ-001"].results) == len(outcomes)


def test_stale_when_the_item_changed_after_the_commit() -> None:
    before = ITEMS
    now = _edit("below or above the reference range", "outside the reference range")
    case = result("test_a", verifies=["REQ-001", "RC-001"])
    _, view = evaluate(
        [run("ci-1", case, _automated())], now=now, history={COMMIT: {PATH: before}}
    )
    assert view.states["REQ-001"].state == "stale"
    # the direct result first, then the one through VT-001: both stale for REQ-001
    assert [r.stale_reason for r in view.states["REQ-001"].results] == [
        "REQ-001 changed after commit 0123456789ab",
        "REQ-001 changed after commit 0123456789ab",
    ]
    assert view.states["RC-001"].state == "passed"
    assert view.states["VT-001"].state == "passed"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("Flag results outside", "Flag all results outside", id="title"),
        pytest.param(
            ":kind: functional\n   :satisfies", ":kind: safety\n   :satisfies"
        ),
        pytest.param("   :satisfies: UN-001\n", "", id="link-removed"),
    ],
)
def test_stale_when_the_title_a_field_or_a_link_changed(old: str, new: str) -> None:
    now = _edit(old, new)
    _, view = evaluate(
        [run("ci-1", result("test_a", verifies=["REQ-001"]))],
        now=now,
        history={COMMIT: {PATH: ITEMS}},
    )
    assert view.states["REQ-001"].state == "stale"


def test_stale_when_only_the_test_item_changed() -> None:
    now = _edit("Values at, below and above", "Values at and around")
    _, view = evaluate(
        [run("ci-1", _automated())], now=now, history={COMMIT: {PATH: ITEMS}}
    )
    assert _states(view) == {
        "UN-001": "not_planned",
        "REQ-001": "stale",
        "REQ-002": "not_planned",
        "RC-001": "stale",
        "VT-001": "stale",
    }
    reason = "VT-001 changed after commit 0123456789ab"
    assert view.states["REQ-001"].results[0].stale_reason == reason
    assert view.states["VT-001"].results[0].stale_reason == reason


def test_the_changed_verified_item_is_named_before_the_test_item() -> None:
    now = _edit("Values at, below and above", "Values at and around")
    now = _edit("below or above the reference range", "outside the range", now)
    _, view = evaluate(
        [run("ci-1", _automated())], now=now, history={COMMIT: {PATH: ITEMS}}
    )
    assert view.states["REQ-001"].results[0].stale_reason == (
        "REQ-001 changed after commit 0123456789ab"
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(
            ":id: REQ-001\n   :status: approved",
            ":id: REQ-001\n   :status: draft",
            id="status",
        ),
        pytest.param(
            ":kind: functional\n   :satisfies",
            ":kind: functional\n   :tags: flagging, ui\n   :satisfies",
            id="tags",
        ),
        pytest.param(
            "   :satisfies: UN-001\n",
            "   :satisfies: UN-001\n   :waiver: evidence_stale: accepted by the"
            " change control board\n",
            id="waiver",
        ),
        pytest.param(
            "below or above the reference range.\n",
            "below or above the reference range.   \n\t\n",
            id="trailing-whitespace",
        ),
        pytest.param(
            ":kind: functional\n   :satisfies: UN-001",
            ":satisfies: UN-001\n   :kind: functional",
            id="option-order",
        ),
    ],
)
def test_not_stale_when_only_an_unchanged_field_or_layout_changed(
    old: str, new: str
) -> None:
    now = _edit(old, new)
    _, view = evaluate(
        [run("ci-1", result("test_a", verifies=["REQ-001"]), _automated())],
        now=now,
        history={COMMIT: {PATH: ITEMS}},
    )
    assert view.states["REQ-001"].state == "passed"


def test_not_stale_when_the_item_moved_to_another_file() -> None:
    now = "Moved\n=====\n\n\n" + ITEMS
    _, view = evaluate(
        [run("ci-1", result("test_a", verifies=["REQ-001"]), _automated())],
        now=now,
        history={COMMIT: {"old/place.rst": ITEMS}},
    )
    assert view.states["REQ-001"].state == "passed"


def test_files_that_are_not_sources_at_the_commit_are_ignored() -> None:
    other = _edit("below or above the reference range", "somewhere else")
    _, view = evaluate(
        [run("ci-1", result("test_a", verifies=["REQ-001"]), _automated())],
        history={COMMIT: {"_build/items.rst": other, PATH: ITEMS, "notes.txt": ""}},
    )
    assert view.states["REQ-001"].state == "passed"


def test_stale_when_the_item_did_not_exist_at_the_commit() -> None:
    _, view = evaluate(
        [run("ci-1", result("test_a", verifies=["REQ-002"]))],
        history={COMMIT: {PATH: "Nothing here yet\n"}},
    )
    assert view.states["REQ-002"].results[0].stale_reason == (
        "REQ-002 changed after commit 0123456789ab"
    )


def test_stale_when_the_commit_is_unknown() -> None:
    _, view = evaluate(
        [run("ci-1", result("test_a", verifies=["REQ-001"]), commit=None)]
    )
    assert view.states["REQ-001"].state == "stale"
    assert view.states["REQ-001"].results[0].stale_reason == (
        "the commit the result was produced from is unknown"
    )


def test_stale_when_the_commit_is_not_in_history() -> None:
    _, view = evaluate(
        [run("ci-1", result("test_a", verifies=["REQ-001"]), commit=OTHER_COMMIT)]
    )
    assert view.states["REQ-001"].state == "stale"
    assert view.states["REQ-001"].results[0].stale_reason == (
        "commit fedcba987654 is not in the available history"
    )


def test_stale_when_there_is_no_history_at_all() -> None:
    _, view = evaluate(
        [run("ci-1", result("test_a", verifies=["REQ-001"]))], use_history=False
    )
    assert view.states["REQ-001"].results[0].stale_reason == (
        "commit 0123456789ab is not in the available history"
    )


def test_a_failure_outranks_staleness() -> None:
    _, view = evaluate(
        [
            run(
                "ci-1",
                result("test_a", "failed", verifies=["REQ-001"]),
                result("test_b", verifies=["REQ-001"]),
                commit=None,
            )
        ]
    )
    assert view.states["REQ-001"].state == "failed"


def test_a_stale_skipped_result_does_not_make_the_item_stale() -> None:
    _, view = evaluate(
        [
            run("old", result("test_s", "skipped", verifies=["REQ-002"]), commit=None),
            run("new", result("test_p", verifies=["REQ-002"])),
        ]
    )
    assert view.states["REQ-002"].state == "passed"


def test_each_run_is_judged_at_its_own_commit() -> None:
    now = _edit("below or above the reference range", "outside the reference range")
    _, view = evaluate(
        [
            run("old", result("test_a", verifies=["REQ-001"]), commit=COMMIT),
            run("new", result("test_b", verifies=["REQ-001"]), commit=OTHER_COMMIT),
        ],
        now=now,
        history={COMMIT: {PATH: ITEMS}, OTHER_COMMIT: {PATH: now}},
    )
    reasons = {
        linked.run.run_id: linked.stale_reason
        for linked in view.states["REQ-001"].results
    }
    assert reasons == {"old": "REQ-001 changed after commit 0123456789ab", "new": None}
    assert view.states["REQ-001"].state == "stale"


def test_unknown_item_ids_are_reported() -> None:
    bad = result("test_a", verifies=["REQ-002", "REQ-999"])
    named = result("test_banner[RC-0042]")
    ci = run("ci-1", bad, named)
    _, view = evaluate([ci])
    assert view.unknown == ((ci, bad, "REQ-999"), (ci, named, "RC-0042"))
    assert view.states["REQ-002"].state == "passed"


def test_ids_of_items_without_a_state_are_linked_silently() -> None:
    hazard = (
        "\n.. hazard:: Stale result shown\n   :id: HAZ-001\n   :status: approved\n"
        "   :hazard_category: data_integrity\n"
    )
    now = ITEMS + hazard
    _, view = evaluate(
        [run("ci-1", result("test_a", verifies=["HAZ-001"]))],
        now=now,
        history={COMMIT: {PATH: now}},
    )
    # a hazard is neither verified nor a verifier: no state, and not unknown either
    assert "HAZ-001" not in view.states
    assert view.unknown == ()


def test_a_result_naming_a_user_need_verifies_it() -> None:
    # user needs are verified (validated) items now: a result naming one counts
    _, view = evaluate([run("ci-1", result("test_a", verifies=["UN-001"]))])
    assert view.states["UN-001"].state == "passed"
    assert view.unknown == ()


def test_a_profile_without_evidence_gives_an_empty_view() -> None:
    profile = dataclasses.replace(default_profile(), evidence=None)
    ci = run("ci-1", result("test_a", verifies=["REQ-001", "REQ-999"]))
    _, view = evaluate([ci], profile=profile)
    assert view == EvidenceView(runs=(ci,))
