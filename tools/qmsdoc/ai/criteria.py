"""Acceptance criteria of a performance evaluation, written in the evaluation item.

One criterion per line, or separated by ``;``::

    sensitivity >= 0.95               # the overall estimate
    sensitivity >= 0.90 per subgroup  # a floor for every subgroup of the plan
    sensitivity[age:65+] >= 0.92      # a floor for one subgroup
    sensitivity gap <= 0.05           # largest minus smallest subgroup estimate

Operators are ``>=``, ``>``, ``<=`` and ``<`` (``<=`` suits error rates). A criterion
is judged on the point estimate of the performance record; the subgroups of the plan
are the evaluation's own (its subgroups field) and the profile's ``[ai] subgroups``.
The overall result is the record's row with subgroup ``overall``. Framework-free.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "OVERALL",
    "Criterion",
    "CriterionResult",
    "criteria_metrics",
    "judge",
    "parse_criteria",
]

#: the subgroup name of the overall estimate
OVERALL = "overall"

Operator = Literal[">=", ">", "<=", "<"]
Scope = Literal["overall", "each", "one", "gap"]

_METRIC = r"(?P<metric>[A-Za-z][A-Za-z0-9_.-]*)"
_NUMBER = r"(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
_BOUND = re.compile(
    rf"{_METRIC}(?:\[(?P<subgroup>[^\]]+)\])?\s*(?P<op>>=|<=|>|<)\s*{_NUMBER}"
    r"(?P<each>\s+per\s+subgroup)?"
)
_GAP = re.compile(rf"{_METRIC}\s+gap\s*<=\s*{_NUMBER}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """One acceptance criterion."""

    text: str
    """As written (white space collapsed)."""
    metric: str
    scope: Scope
    operator: Operator
    threshold: float
    subgroup: str = ""
    """The subgroup of a ``one`` criterion."""

    def holds(self, value: float) -> bool:
        """Whether ``value`` meets the bound."""
        if self.operator == ">=":
            return value >= self.threshold
        if self.operator == ">":
            return value > self.threshold
        if self.operator == "<=":
            return value <= self.threshold
        return value < self.threshold


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionResult:
    """A criterion judged for one subgroup (or overall, or as a gap)."""

    criterion: Criterion
    label: str
    """What was judged: ``sensitivity[sex:female] >= 0.9``."""
    met: bool | None
    """None: the record has no result to judge."""
    detail: str
    """The measured value, or what is missing."""


def parse_criteria(text: str) -> tuple[list[Criterion], list[str]]:
    """The criteria written in ``text``, and the entries that cannot be read."""
    criteria: list[Criterion] = []
    wrong: list[str] = []
    for part in re.split(r"[;\n]", text):
        entry = " ".join(part.split())
        if not entry:
            continue
        criterion = _parse(entry)
        if criterion is None:
            wrong.append(entry)
        else:
            criteria.append(criterion)
    return criteria, wrong


def _parse(entry: str) -> Criterion | None:
    gap = _GAP.fullmatch(entry)
    if gap is not None:
        return _criterion(entry, gap.group("metric"), "gap", "<=", gap.group("number"))
    bound = _BOUND.fullmatch(entry)
    if bound is None:
        return None
    subgroup = (bound.group("subgroup") or "").strip()
    if subgroup and bound.group("each"):
        return None
    scope: Scope = "each" if bound.group("each") else "one" if subgroup else "overall"
    operator: Operator = bound.group("op")  # type: ignore[assignment]  # the regex's four
    return _criterion(
        entry, bound.group("metric"), scope, operator, bound.group("number"), subgroup
    )


def _criterion(  # noqa: PLR0917 (the parts of one parsed entry)
    entry: str,
    metric: str,
    scope: Scope,
    operator: Operator,
    number: str,
    subgroup: str = "",
) -> Criterion | None:
    threshold = float(number)
    if not math.isfinite(threshold):
        return None
    return Criterion(
        text=entry,
        metric=metric,
        scope=scope,
        operator=operator,
        threshold=threshold,
        subgroup=subgroup,
    )


def criteria_metrics(criteria: Sequence[Criterion]) -> tuple[str, ...]:
    """The metrics the criteria name, in order."""
    return tuple(dict.fromkeys(criterion.metric for criterion in criteria))


def judge(
    criteria: Sequence[Criterion],
    values: Mapping[tuple[str, str], float],
    subgroups: Sequence[str],
) -> list[CriterionResult]:
    """Every criterion judged on the record's estimates.

    :param values: Point estimate by (metric, subgroup); the overall one under
        :data:`OVERALL`.
    :param subgroups: The subgroups of the plan.
    """
    results: list[CriterionResult] = []
    for criterion in criteria:
        if criterion.scope == "gap":
            results.append(_gap(criterion, values, subgroups))
            continue
        if criterion.scope == "each":
            wanted = list(subgroups)
        elif criterion.scope == "one":
            wanted = [criterion.subgroup]
        else:
            wanted = [OVERALL]
        for subgroup in wanted:
            label = _label(criterion, subgroup)
            value = values.get((criterion.metric, subgroup))
            if value is None:
                results.append(
                    CriterionResult(
                        criterion=criterion,
                        label=label,
                        met=None,
                        detail=f"no result for {criterion.metric}, subgroup {subgroup}",
                    )
                )
                continue
            results.append(
                CriterionResult(
                    criterion=criterion,
                    label=label,
                    met=criterion.holds(value),
                    detail=f"measured {_number(value)}",
                )
            )
    return results


def _gap(
    criterion: Criterion,
    values: Mapping[tuple[str, str], float],
    subgroups: Sequence[str],
) -> CriterionResult:
    present = {
        subgroup: values[(criterion.metric, subgroup)]
        for subgroup in subgroups
        if (criterion.metric, subgroup) in values
    }
    missing = [subgroup for subgroup in subgroups if subgroup not in present]
    label = f"{criterion.metric} gap <= {_number(criterion.threshold)}"
    if missing or len(present) < 2:
        what = ", ".join(missing) if missing else "fewer than two subgroups"
        return CriterionResult(
            criterion=criterion,
            label=label,
            met=None,
            detail=f"no result for {criterion.metric}, subgroup {what}",
        )
    high = max(present, key=lambda name: (present[name], name))
    low = min(present, key=lambda name: (present[name], name))
    # rounded: 0.97 - 0.92 is 0.05000000000000004 in binary floating point
    gap = round(present[high] - present[low], 12)
    return CriterionResult(
        criterion=criterion,
        label=label,
        met=criterion.holds(gap),
        detail=(
            f"gap {_number(gap)} between {high} ({_number(present[high])})"
            f" and {low} ({_number(present[low])})"
        ),
    )


def _label(criterion: Criterion, subgroup: str) -> str:
    where = "" if subgroup == OVERALL else f"[{subgroup}]"
    return (
        f"{criterion.metric}{where} {criterion.operator} {_number(criterion.threshold)}"
    )


def _number(value: float) -> str:
    return f"{value:.6g}"
