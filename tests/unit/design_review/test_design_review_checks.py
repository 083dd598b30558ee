"""The design review checks on items read from rST, with the repository facts given."""

from __future__ import annotations

from datetime import date

from qmsdoc.design_review import BaselineFact, ReviewFacts, parse_participants
from qmsdoc.processes import catalogue, run_checks
from qmstest import REPOSITORY

from .._rst import default_profile, items_from

SHA = "1b1a91c0d2e3f405162738495a6b7c8d9e0f1a2b"
REVIEW = """\
.. requirement:: Display lab results within 2 seconds
   :id: REQ-001
   :status: approved
   :kind: performance
   :level: software

.. design_review:: Design review of release candidate 1
   :id: DR-001
   :status: approved
   :baseline: {baseline}
   :review_date: 2026-03-02
   :participants: alice (design owner); bob (quality, independent)
   :outcome: approved_with_actions
   :reviews: REQ-001

.. review_action:: Add the missing timing test
   :id: DRA-001
   :status: approved
   :owner: alice
   :due: 2026-03-20
   :action_state: {state}
   :raised_in: DR-001
{extra}"""


def _findings(
    *,
    baseline: str = SHA,
    state: str = "open",
    extra: str = "",
    facts: ReviewFacts | None = None,
    participants: str | None = None,
) -> list[tuple[str, str, int, str]]:
    text = REVIEW.format(baseline=baseline, state=state, extra=extra)
    if participants is not None:
        text = text.replace(
            "alice (design owner); bob (quality, independent)", participants
        )
    profile = default_profile()
    found = run_checks(items_from(text), profile, review_facts=facts)
    return [
        (f.check_id, f.item_id, f.line, f.message)
        for f in found
        if f.check_id.startswith("design_review_")
    ]


def _facts(
    today: str = "2026-03-10", *, commit: str | None = SHA, in_history: bool = True
) -> ReviewFacts:
    return ReviewFacts(
        today=date.fromisoformat(today),
        baselines=(
            BaselineFact(
                revision=SHA,
                commit=commit,
                kind="commit" if commit else None,
                in_history=in_history if commit else None,
            ),
        ),
    )


def test_an_open_action_is_reported_as_advisory_at_its_line() -> None:
    found = run_checks(
        items_from(REVIEW.format(baseline=SHA, state="open", extra="")),
        default_profile(),
    )
    [open_action] = [f for f in found if f.check_id == "design_review_action_open"]
    assert (open_action.path, open_action.line) == ("items.rst", 16)
    assert open_action.message == (
        "DRA-001: review action open (owner alice, due 2026-03-20), raised in DR-001"
    )
    assert open_action.advisory
    assert not open_action.fails_gate
    assert open_action.fails_strict_gate


def test_a_closed_action_needs_its_resolution() -> None:
    assert _findings(state="closed") == [
        (
            "design_review_action_unresolved",
            "DRA-001",
            16,
            "DRA-001: review action is closed without resolution: say how it was "
            "resolved and where",
        )
    ]
    resolved = "closed\n   :resolution: VT-009 added and passed in run ci-12"
    # closed with a resolution: nothing, not even overdue long after the due date
    assert _findings(state=resolved, facts=_facts("2026-04-01")) == []


def test_an_open_action_past_its_due_date_is_overdue_on_the_build_date() -> None:
    on_time = _findings(facts=_facts("2026-03-20"))
    assert [f[0] for f in on_time] == ["design_review_action_open"]
    late = _findings(facts=_facts("2026-03-21"))
    assert ("design_review_action_overdue", "DRA-001", 16,
            "DRA-001: review action due 2026-03-20 is still open on 2026-03-21 "
            "(owner alice, due 2026-03-20)") in late  # fmt: skip
    # without the facts (a Sphinx build) the date is not judged
    assert "design_review_action_overdue" not in {f[0] for f in _findings()}


def test_a_review_without_an_independent_participant_is_reported() -> None:
    found = _findings(
        state="closed\n   :resolution: done in REQ-001",
        participants="alice (design owner, quality)",
    )
    assert found == [
        (
            "design_review_not_independent",
            "DR-001",
            7,
            "DR-001: no participant has the role 'independent' (independent of the "
            "design stage reviewed; ISO 13485 7.3.5 via 21 CFR 820.10)",
        )
    ]


def test_not_independent_is_never_read_as_independent() -> None:
    participants, malformed = parse_participants(
        "alice (design owner, not independent)\nbob (Independent);carol\n",
        "independent",
    )
    assert [(p.name, p.roles, p.independent) for p in participants] == [
        ("alice", ("design owner", "not independent"), False),
        ("bob", ("Independent",), True),
    ]
    assert malformed == ("carol",)


def test_a_participant_without_a_role_is_reported() -> None:
    found = _findings(
        state="closed\n   :resolution: done in REQ-001",
        participants="alice; bob (quality, independent); carol ()",
    )
    assert [(f[0], f[3]) for f in found] == [
        ("design_review_participant_invalid",
         "DR-001: participant 'alice' does not read '<signer login or name> (<role>, ...)'"),
        ("design_review_participant_invalid",
         "DR-001: participant 'carol ()' does not read '<signer login or name> (<role>, ...)'"),
    ]  # fmt: skip


def test_a_baseline_the_repository_does_not_know_is_reported() -> None:
    closed = "closed\n   :resolution: done in REQ-001"
    unknown = _findings(state=closed, facts=_facts(commit=None))
    assert unknown == [
        (
            "design_review_baseline_unknown",
            "DR-001",
            7,
            f"DR-001: baseline '{SHA}' is neither a commit nor a tag of this "
            "repository (give the full SHA or the tag reviewed)",
        )
    ]
    elsewhere = _findings(state=closed, facts=_facts(in_history=False))
    assert elsewhere == [
        (
            "design_review_baseline_not_in_history",
            "DR-001",
            7,
            f"DR-001: baseline '{SHA}' (commit {SHA[:12]}) is not in the history of "
            "HEAD: the review did not review this version",
        )
    ]
    assert _findings(state=closed, facts=_facts()) == []


def test_an_incomplete_history_says_the_baseline_was_not_checked() -> None:
    facts = ReviewFacts(
        today=date(2026, 3, 10), baselines=None, history_note="history incomplete"
    )
    found = run_checks(
        items_from(REVIEW.format(baseline="v1", state="open", extra="")),
        default_profile(),
        review_facts=facts,
    )
    [note] = [f for f in found if f.check_id == "design_review_baseline_unknown"]
    assert note.severity == "info"
    assert note.message == "DR-001: baseline 'v1' not checked: history incomplete"


def test_a_waiver_accepts_a_review_without_independence() -> None:
    text = REVIEW.format(baseline=SHA, state="open", extra="").replace(
        "alice (design owner); bob (quality, independent)",
        "alice (design owner, quality)\n"
        "   :waiver: design_review_not_independent: one identity holds every role "
        "in this reference file",
    )
    found = run_checks(items_from(text), default_profile())
    [waived] = [f for f in found if f.check_id == "design_review_not_independent"]
    assert waived.justification == (
        "one identity holds every role in this reference file"
    )
    assert not any(f.check_id.startswith("waiver_") for f in found)


def test_the_checks_are_in_the_catalogue_of_the_default_profile() -> None:
    names = {check_id for check_id, _ in catalogue(default_profile())}
    assert {
        "design_review_action_open",
        "design_review_action_overdue",
        "design_review_action_unresolved",
        "design_review_baseline_not_in_history",
        "design_review_baseline_unknown",
        "design_review_not_independent",
        "design_review_participant_invalid",
    } <= names


def test_the_readme_example_is_a_closed_review_with_an_independent_participant() -> (
    None
):
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Design reviews", 1)[1]
    example = section.split("```rst\n", 1)[1].split("```", 1)[0]
    items = items_from(example)
    assert [item.id for item in items] == ["DR-001", "DRA-001"]
    facts = ReviewFacts(today=date(2026, 12, 31), baselines=None)
    found = run_checks(items, default_profile(), review_facts=facts)
    assert [f for f in found if f.check_id.startswith("design_review_")] == []
