"""The release gate's design_review condition: an approved review of a baseline in
the release's history, and no open design-review finding."""

from __future__ import annotations

from datetime import date

from qmsdoc.design_review import BaselineFact, ReviewFacts
from qmsdoc.dossier.readiness import (
    ALL_CONDITIONS,
    EVERYDAY_CONDITIONS,
    GateCondition,
    gate_conditions,
)
from qmsdoc.processes import run_checks
from qmsdoc.trace import TraceGraph

from .._rst import default_profile, items_from

SHA = "0123456789abcdef0123456789abcdef01234567"
REVIEW = """\
.. design_review:: Review of release 1
   :id: DR-001
   :status: approved
   :baseline: v1
   :review_date: 2026-01-10
   :participants: alice (design owner); bob (quality, independent)
   :outcome: {outcome}
"""
ACTION = """
.. review_action:: Re-run the timing test
   :id: DRA-001
   :status: approved
   :owner: alice
   :due: 2026-01-20
   :action_state: open
   :raised_in: DR-001
"""


def _condition(
    text: str,
    *,
    in_history: bool | None = True,
    checked: tuple[str, ...] = ALL_CONDITIONS,
) -> GateCondition:
    profile = default_profile()
    items = items_from(text)
    facts = ReviewFacts(
        today=date(2026, 1, 15),
        baselines=(
            BaselineFact(
                revision="v1",
                commit=SHA if in_history is not None else None,
                kind="tag" if in_history is not None else None,
                in_history=in_history,
            ),
        ),
    )
    findings = run_checks(items, profile, review_facts=facts)
    conditions = gate_conditions(
        graph=TraceGraph(items), findings=findings, evidence=None, risks=[],
        profile=profile, sections=[], checked=checked,
    )  # fmt: skip
    [condition] = [c for c in conditions if c.name == "design_review"]
    return condition


def test_an_approved_review_of_a_baseline_in_the_history_passes() -> None:
    for outcome in ("approved", "approved_with_actions"):
        condition = _condition(REVIEW.format(outcome=outcome))
        assert condition.failures == ()


def test_no_review_fails_the_release_and_not_the_everyday_dossier() -> None:
    missing = (
        "no design review with outcome approved or approved_with_actions of a "
        "baseline in this release: {} (ISO 13485 7.3.5 via 21 CFR 820.10)"
    )
    condition = _condition("")
    assert condition.failures == (missing.format("no design_review item exists"),)
    assert condition.fails
    assert "design_review" in ALL_CONDITIONS
    assert "design_review" not in EVERYDAY_CONDITIONS
    assert not _condition("", checked=EVERYDAY_CONDITIONS).fails
    rejected = _condition(REVIEW.format(outcome="not_approved"))
    assert rejected.failures == (
        missing.format("1 design_review items, none with outcome approved or "
                       "approved_with_actions"),
    )  # fmt: skip


def test_a_review_of_another_history_does_not_count() -> None:
    elsewhere = _condition(REVIEW.format(outcome="approved"), in_history=False)
    assert elsewhere.failures[0].startswith("items.rst:1: DR-001: baseline 'v1'")
    assert elsewhere.failures[-1].endswith(
        "the baseline of DR-001 is not a commit or tag in this history "
        "(ISO 13485 7.3.5 via 21 CFR 820.10)"
    )
    unknown = _condition(REVIEW.format(outcome="approved"), in_history=None)
    assert len(unknown.failures) == 2


def test_an_open_action_fails_the_release_naming_it() -> None:
    condition = _condition(REVIEW.format(outcome="approved_with_actions") + ACTION)
    assert condition.failures == (
        "items.rst:9: DRA-001: review action open (owner alice, due 2026-01-20), "
        "raised in DR-001",
    )
