"""Acceptance criteria of a performance evaluation: parsed and judged."""

from __future__ import annotations

import pytest

from qmsdoc.ai.criteria import OVERALL, criteria_metrics, judge, parse_criteria

SUBGROUPS = ("sex:female", "sex:male")


def test_every_form_is_parsed() -> None:
    criteria, wrong = parse_criteria(
        "sensitivity >= 0.95; sensitivity >= 0.9 per subgroup\n"
        "sensitivity[age:65+] > 0.92; error_rate <= 0.01; sensitivity gap <= 0.05"
    )
    assert wrong == []
    assert [
        (c.metric, c.scope, c.operator, c.threshold, c.subgroup) for c in criteria
    ] == [
        ("sensitivity", "overall", ">=", 0.95, ""),
        ("sensitivity", "each", ">=", 0.9, ""),
        ("sensitivity", "one", ">", 0.92, "age:65+"),
        ("error_rate", "overall", "<=", 0.01, ""),
        ("sensitivity", "gap", "<=", 0.05, ""),
    ]
    assert criteria_metrics(criteria) == ("sensitivity", "error_rate")


@pytest.mark.parametrize(
    "entry",
    ["sensitivity", "sensitivity = 0.9", "sensitivity >= high", ">= 0.9",
     "sensitivity[a] >= 0.9 per subgroup", "sensitivity gap >= 0.05", "x >= inf"],
)  # fmt: skip
def test_entries_that_are_not_criteria_are_returned(entry: str) -> None:
    criteria, wrong = parse_criteria(f"accuracy >= 0.9; {entry}")
    assert len(criteria) == 1
    assert wrong == [entry]


def test_judged_per_subgroup_with_labels_and_values() -> None:
    criteria, _ = parse_criteria("accuracy >= 0.95; accuracy >= 0.9 per subgroup")
    values = {("accuracy", OVERALL): 0.97, ("accuracy", "sex:female"): 0.85,
              ("accuracy", "sex:male"): 0.98}  # fmt: skip
    results = judge(criteria, values, SUBGROUPS)
    assert [(r.label, r.met, r.detail) for r in results] == [
        ("accuracy >= 0.95", True, "measured 0.97"),
        ("accuracy[sex:female] >= 0.9", False, "measured 0.85"),
        ("accuracy[sex:male] >= 0.9", True, "measured 0.98"),
    ]


def test_a_missing_result_is_not_judged() -> None:
    criteria, _ = parse_criteria(
        "accuracy >= 0.9 per subgroup; accuracy[age:65+] >= 0.9"
    )
    results = judge(criteria, {("accuracy", "sex:female"): 0.95}, SUBGROUPS)
    assert [(r.label, r.met) for r in results] == [
        ("accuracy[sex:female] >= 0.9", True),
        ("accuracy[sex:male] >= 0.9", None),
        ("accuracy[age:65+] >= 0.9", None),
    ]
    assert results[1].detail == "no result for accuracy, subgroup sex:male"


def test_the_gap_is_largest_minus_smallest_subgroup_and_rounded() -> None:
    criteria, _ = parse_criteria("accuracy gap <= 0.05")
    # 0.97 - 0.92 is 0.05000000000000004 in binary floating point
    values = {("accuracy", "sex:female"): 0.92, ("accuracy", "sex:male"): 0.97}
    (within,) = judge(criteria, values, SUBGROUPS)
    assert within.met is True
    assert within.detail == "gap 0.05 between sex:male (0.97) and sex:female (0.92)"
    values[("accuracy", "sex:female")] = 0.91
    (beyond,) = judge(criteria, values, SUBGROUPS)
    assert beyond.met is False
    (missing,) = judge(criteria, {("accuracy", "sex:male"): 0.97}, SUBGROUPS)
    assert missing.met is None


def test_an_upper_bound_holds_below_it() -> None:
    criteria, _ = parse_criteria("error_rate < 0.02")
    assert [r.met for r in judge(criteria, {("error_rate", OVERALL): 0.01}, ())] == [
        True
    ]
    assert [r.met for r in judge(criteria, {("error_rate", OVERALL): 0.02}, ())] == [
        False
    ]
