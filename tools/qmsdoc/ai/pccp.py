"""Conformance of AI changes to the predetermined change control plans
(``qms pccp check OLD NEW``; FD&C Act 515C, FDA final guidance on PCCPs, December
2024; EU AI Act Art. 43(4)).

A change control plan states its planned modifications in its modifications field
(``[ai] modifications_field``), one per line::

    prompt: config_digest, model_version may change; accuracy >= 0.95
    snapshot: weights_digest, model_version may change; accuracy >= 0.95 per subgroup

``name: field[, field...] may change`` names the fields of the items in the plan's
scope that the modification may change; what follows each ``;`` is a bound on the
result, written as an acceptance criterion (:mod:`qmsdoc.ai.criteria`). Other lines
are prose. The scope of a plan is the models it governs (``pccp_link``), the
evaluations of those models (``model_link``) and their datasets (``dataset_link``).

The AI items (models, datasets, evaluations, plans) of two revisions are compared
field by field. A changed item whose every changed field is named by a planned
modification of a plan in force at OLD (its scope) is within the plan: its
assessment lists the plan's protocol and the evaluations it requires
(``pccp_evaluation_link``), each with the state of its performance record at NEW.
A finding, saying that a new submission may be needed, is:

- a field change no planned modification names, an AI item added or removed, or a
  change of the plan itself;
- a required evaluation whose record of the changed model fails its acceptance
  criteria, or a bound of the modification not met.

A required evaluation with no record (or only a record of an earlier model) is
pending: the change may not be released before it is done, but it is not outside
the plan. Framework-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from qmsdoc.ai.criteria import CriterionResult, judge, parse_criteria
from qmsdoc.ai.records import judge_record, plan_subgroups
from qmsdoc.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from qmsdoc.ai.criteria import Criterion
    from qmsdoc.ai.records import PerformanceRecord
    from qmsdoc.model import Item
    from qmsdoc.profile.ai import AiConfig

__all__ = [
    "AiChange",
    "Assessment",
    "EvaluationState",
    "FieldChange",
    "PccpReport",
    "PlannedModification",
    "ai_changes",
    "check_pccp",
    "parse_modifications",
]

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_ENTRY = re.compile(
    r"(?P<name>[^:;]+?)\s*:\s*(?P<fields>[^;]+?)\s+may\s+change\s*(?:;(?P<bounds>.*))?"
)
_MAY_CHANGE = re.compile(r"\bmay\s+change\b")

ChangeKind = Literal["added", "removed", "changed"]
RecordState = Literal["passed", "failed", "no record", "earlier model"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedModification:
    """One planned modification of a change control plan."""

    plan: str
    """The plan's id."""
    name: str
    fields: tuple[str, ...]
    """The fields the modification may change."""
    bounds: tuple[Criterion, ...]
    """Bounds on the result of the required evaluations."""
    text: str
    """As written (white space collapsed)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldChange:
    """One field of an item, old and new value (None: not set)."""

    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AiChange:
    """An AI item added, removed or with changed fields between the revisions."""

    item_id: str
    item_type: str
    kind: ChangeKind
    fields: tuple[FieldChange, ...]
    where: str
    """``path:line`` of the item (at NEW; at OLD when removed)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationState:
    """A required evaluation and its performance record at NEW."""

    evaluation: str
    state: RecordState
    detail: str
    record_path: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """One AI change judged against the plans."""

    change: AiChange
    modifications: tuple[PlannedModification, ...]
    """The planned modifications that cover it (empty: outside every plan)."""
    protocols: tuple[tuple[str, str], ...]
    """(plan id, modification protocol) of each plan used."""
    evaluations: tuple[EvaluationState, ...]
    bounds: tuple[CriterionResult, ...]
    findings: tuple[str, ...]
    """Why a new submission may be needed (empty: within the plan)."""

    @property
    def pending(self) -> tuple[EvaluationState, ...]:
        """Required evaluations with no record of the changed model yet."""
        return tuple(
            state
            for state in self.evaluations
            if state.state in {"no record", "earlier model"}
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PccpReport:
    """Every AI change between two revisions, judged."""

    assessments: tuple[Assessment, ...]

    @property
    def findings(self) -> tuple[str, ...]:
        """Every finding, prefixed with the item id."""
        return tuple(
            f"{assessment.change.item_id}: {finding}"
            for assessment in self.assessments
            for finding in assessment.findings
        )


def parse_modifications(plan: Item, config: AiConfig) -> list[PlannedModification]:
    """The planned modifications of a change control plan.

    :raises InputError: On a line that says ``may change`` but cannot be read, or a
        bound that cannot be read (``file:line: problem``).
    """
    modifications = []
    for line in (plan.field(config.modifications_field) or "").splitlines():
        entry = " ".join(line.split())
        if not entry or _MAY_CHANGE.search(entry) is None:
            continue
        match = _ENTRY.fullmatch(entry)
        fields = (
            tuple(name.strip() for name in match.group("fields").split(","))
            if match
            else ()
        )
        if match is None or not all(_FIELD.fullmatch(name) for name in fields):
            raise InputError(
                f"{plan.location}: {plan.id}: planned modification {entry!r} does not"
                " read 'name: field, field may change; bound'"
            )
        bounds, wrong = parse_criteria(match.group("bounds") or "")
        if wrong:
            raise InputError(
                f"{plan.location}: {plan.id}: bound {wrong[0]!r} of planned"
                f" modification {match.group('name')!r} cannot be read"
            )
        modifications.append(
            PlannedModification(
                plan=plan.id,
                name=match.group("name"),
                fields=fields,
                bounds=tuple(bounds),
                text=entry,
            )
        )
    return modifications


def ai_changes(
    old: Sequence[Item],
    new: Sequence[Item],
    config: AiConfig,
    *,
    ignored: Collection[str] = (),
) -> list[AiChange]:
    """The AI items added, removed or changed from ``old`` to ``new`` (by id),
    comparing their fields except ``ignored`` (e.g. the document-control status)."""
    types = {
        config.model_type,
        config.dataset_type,
        config.evaluation_type,
        config.pccp_type,
    }
    before = {item.id: item for item in old if item.item_type in types and item.id}
    after = {item.id: item for item in new if item.item_type in types and item.id}
    changes = []
    for item_id in sorted(before.keys() | after.keys()):
        was, now = before.get(item_id), after.get(item_id)
        if was is None or now is None:
            item = now or was
            if item is None:  # in one of the two: never
                continue
            changes.append(
                AiChange(
                    item_id=item_id,
                    item_type=item.item_type,
                    kind="added" if was is None else "removed",
                    fields=(),
                    where=str(item.location),
                )
            )
            continue
        names = sorted({name for name, _ in (*was.fields, *now.fields)} - set(ignored))
        fields = tuple(
            FieldChange(name=name, old=was.field(name), new=now.field(name))
            for name in names
            if _value(was.field(name)) != _value(now.field(name))
        )
        if fields:
            changes.append(
                AiChange(
                    item_id=item_id,
                    item_type=now.item_type,
                    kind="changed",
                    fields=fields,
                    where=str(now.location),
                )
            )
    return changes


def _value(value: str | None) -> str | None:
    return None if value is None else " ".join(value.split())


def check_pccp(
    old: Sequence[Item],
    new: Sequence[Item],
    records: Mapping[str, PerformanceRecord],
    config: AiConfig,
    *,
    ignored: Collection[str] = (),
) -> PccpReport:
    """Judge every AI change from ``old`` to ``new`` against the plans in force at
    ``old``.

    :param records: The performance records at NEW, by evaluation id.
    :raises InputError: If a plan's planned modifications cannot be read.
    """
    plans = [item for item in old if item.item_type == config.pccp_type]
    scopes = {plan.id: _scope(plan, old, new, config) for plan in plans}
    modifications = [
        modification
        for plan in plans
        for modification in parse_modifications(plan, config)
    ]
    by_id = {item.id: item for item in new if item.id}
    assessments = [
        _assess(change, plans, scopes, modifications, by_id, records, config)
        for change in ai_changes(old, new, config, ignored=ignored)
    ]
    return PccpReport(assessments=tuple(assessments))


def _scope(
    plan: Item, old: Sequence[Item], new: Sequence[Item], config: AiConfig
) -> frozenset[str]:
    models = {link.target for link in plan.links if link.link_type == config.pccp_link}
    evaluations = {
        item
        for item in (*old, *new)
        if item.item_type == config.evaluation_type
        and any(
            link.link_type == config.model_link and link.target in models
            for link in item.links
        )
    }
    datasets = {
        link.target
        for item in evaluations
        for link in item.links
        if link.link_type == config.dataset_link
    }
    return frozenset({*models, *(item.id for item in evaluations), *datasets})


def _assess(  # noqa: PLR0917 (the parts of one judgement)
    change: AiChange,
    plans: Sequence[Item],
    scopes: Mapping[str, frozenset[str]],
    modifications: Sequence[PlannedModification],
    items: Mapping[str, Item],
    records: Mapping[str, PerformanceRecord],
    config: AiConfig,
) -> Assessment:
    outside = "outside every planned modification: a new submission may be needed"
    if change.item_type == config.pccp_type:
        return _outside(
            change, f"the change control plan itself is {change.kind}: {outside}"
        )
    if change.kind != "changed":
        return _outside(change, f"{change.item_type} {change.kind}, {outside}")
    usable = [m for m in modifications if change.item_id in scopes[m.plan]]
    used: list[PlannedModification] = []
    uncovered = []
    for field in change.fields:
        covering = next((m for m in usable if field.name in m.fields), None)
        if covering is None:
            uncovered.append(field.name)
        elif covering not in used:
            used.append(covering)
    if uncovered:
        return _outside(change, f"{', '.join(uncovered)} changed, {outside}")
    plan_ids = list(dict.fromkeys(m.plan for m in used))
    protocols = tuple(
        (plan.id, plan.field(config.protocol_field) or "")
        for plan in plans
        if plan.id in plan_ids
    )
    required = list(
        dict.fromkeys(
            link.target
            for plan in plans
            if plan.id in plan_ids
            for link in plan.links
            if link.link_type == config.pccp_evaluation_link
        )
    )
    states = [
        _record_state(evaluation, items, records, config) for evaluation in required
    ]
    findings = [
        f"{state.evaluation}: {state.detail}: the result is outside the plan,"
        " a new submission may be needed"
        for state in states
        if state.state == "failed"
    ]
    current = [
        records[state.evaluation]
        for state in states
        if state.state in {"passed", "failed"}
    ]
    bounds = _bounds(used, current, items, config)
    findings.extend(
        f"bound {result.label} of {result.criterion.text!r} not met ({result.detail}):"
        " the result is outside the plan's bounds, a new submission may be needed"
        for result in bounds
        if result.met is False
    )
    return Assessment(
        change=change,
        modifications=tuple(used),
        protocols=protocols,
        evaluations=tuple(states),
        bounds=tuple(bounds),
        findings=tuple(findings),
    )


def _outside(change: AiChange, finding: str) -> Assessment:
    return Assessment(
        change=change,
        modifications=(),
        protocols=(),
        evaluations=(),
        bounds=(),
        findings=(finding,),
    )


def _record_state(
    evaluation_id: str,
    items: Mapping[str, Item],
    records: Mapping[str, PerformanceRecord],
    config: AiConfig,
) -> EvaluationState:
    evaluation = items.get(evaluation_id)
    record = records.get(evaluation_id)
    if evaluation is None:
        return EvaluationState(
            evaluation=evaluation_id,
            state="no record",
            detail="the evaluation is not in the device file at NEW",
        )
    if record is None:
        return EvaluationState(
            evaluation=evaluation_id, state="no record", detail="no performance record"
        )
    model = items.get(record.model.item_id)
    if model is not None and (
        (model.field(config.model_version_field) or "") != record.model.version
        or (model.field(config.weights_digest_field) or "")
        != record.model.weights_digest
        or (model.field(config.config_digest_field) or "") != record.model.config_digest
    ):
        return EvaluationState(
            evaluation=evaluation_id,
            state="earlier model",
            detail=(
                f"the record measured {record.model.item_id} {record.model.version}"
                f" ({record.model.config_digest or 'no configuration digest'}),"
                " not the changed model"
            ),
            record_path=record.record_path,
        )
    judged = judge_record(record, evaluation, config)
    failed = [outcome for outcome in judged if outcome.met is not True]
    if failed or not judged:
        detail = (
            "; ".join(f"{outcome.label}: {outcome.detail}" for outcome in failed)
            if failed
            else "no acceptance criterion to judge"
        )
        return EvaluationState(
            evaluation=evaluation_id,
            state="failed",
            detail=f"not met: {detail}",
            record_path=record.record_path,
        )
    return EvaluationState(
        evaluation=evaluation_id,
        state="passed",
        detail=f"{len(judged)} criteria met",
        record_path=record.record_path,
    )


def _bounds(
    used: Sequence[PlannedModification],
    current: Sequence[PerformanceRecord],
    items: Mapping[str, Item],
    config: AiConfig,
) -> list[CriterionResult]:
    results = []
    for modification in used:
        for bound in modification.bounds:
            measured = [
                record
                for record in current
                if any(metric.metric == bound.metric for metric in record.metrics)
            ]
            if current and not measured:
                results.append(
                    CriterionResult(
                        criterion=bound,
                        label=bound.text,
                        met=None,
                        detail=f"no record of a required evaluation measures {bound.metric}",
                    )
                )
            for record in measured:
                evaluation = items[record.evaluation]
                results.extend(
                    judge(
                        [bound],
                        record.values(),
                        plan_subgroups(evaluation, config),
                    )
                )
    return results
