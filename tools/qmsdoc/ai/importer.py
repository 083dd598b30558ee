"""A metrics file checked against its performance evaluation: the record
``qms performance import`` stores.

Refused, one line ``file:line: problem``, nothing stored: a metric the evaluation's
acceptance criteria do not name; the same metric and subgroup twice; a subgroup the
plan names with no row for a metric of the criteria (or no overall row for an overall
criterion); a dataset digest that matches no dataset, or another dataset than the
one the evaluation is linked to; a model version other than the one the evaluation
names. The record is tied to the model (version and digests as the model item says
now) and to the dataset (its content digest). Framework-free.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.ai.criteria import OVERALL, criteria_metrics, parse_criteria
from qmsdoc.ai.facts import dataset_digest
from qmsdoc.ai.records import Metric, ModelRef, PerformanceRecord, plan_subgroups
from qmsdoc.errors import InputError

if TYPE_CHECKING:
    from qmsdoc.ai.criteria import Criterion
    from qmsdoc.ai.facts import AiFacts
    from qmsdoc.ai.metrics_file import MetricsFile
    from qmsdoc.model import Item
    from qmsdoc.profile.ai import AiConfig
    from qmsdoc.trace import TraceGraph

__all__ = ["build_record"]


def build_record(
    metrics: MetricsFile,
    evaluation_id: str,
    *,
    graph: TraceGraph,
    config: AiConfig,
    facts: AiFacts | None,
    date: str | None = None,
) -> PerformanceRecord:
    """The performance record of ``evaluation_id`` from ``metrics``.

    :raises InputError: On the first problem (see the module).
    """
    evaluation = graph.item(evaluation_id)
    if evaluation is None or evaluation.item_type != config.evaluation_type:
        raise InputError(
            f"{evaluation_id}: no {config.evaluation_type} item with this id"
        )
    where = f"{evaluation.location.path}:{evaluation.location.line}"
    criteria, wrong = parse_criteria(evaluation.field(config.criteria_field) or "")
    if wrong:
        raise InputError(
            f"{where}: {evaluation.id}: {config.criteria_field} cannot be read: "
            f"{wrong[0]!r}"
        )
    if not criteria:
        raise InputError(
            f"{where}: {evaluation.id}: no {config.criteria_field} to judge against"
        )
    model = _linked(graph, evaluation, config.model_link, config.model_type, where)
    dataset = _linked(
        graph, evaluation, config.dataset_link, config.dataset_type, where
    )
    _check_version(metrics, evaluation, config)
    digest = _check_dataset(metrics, dataset, graph, config, facts)
    _check_rows(metrics, evaluation, criteria, config)
    return PerformanceRecord(
        evaluation=evaluation.id,
        model=ModelRef(
            item_id=model.id,
            version=(model.field(config.model_version_field) or "").strip(),
            weights_digest=(model.field(config.weights_digest_field) or "").strip(),
            config_digest=(model.field(config.config_digest_field) or "").strip(),
        ),
        dataset=dataset.id,
        dataset_digest=digest,
        source=metrics.path.name,
        source_sha256=metrics.sha256,
        metrics=tuple(
            Metric(
                metric=row.metric,
                subgroup=row.subgroup,
                value=row.value,
                ci_low=row.ci_low,
                ci_high=row.ci_high,
                n=row.n,
            )
            for row in metrics.rows
        ),
        date=date,
    )


def _linked(
    graph: TraceGraph, evaluation: Item, link: str, item_type: str, where: str
) -> Item:
    for edge in graph.outgoing(evaluation.id, link):
        target = graph.item(edge.target)
        if target is not None and target.item_type == item_type:
            return target
    raise InputError(
        f"{where}: {evaluation.id} has no {link} link to a {item_type} item"
    )


def _check_rows(
    metrics: MetricsFile,
    evaluation: Item,
    criteria: list[Criterion],
    config: AiConfig,
) -> None:
    known = criteria_metrics(criteria)
    seen: dict[tuple[str, str], int] = {}
    for row in metrics.rows:
        if row.metric not in known:
            metrics.fail(
                row.line,
                f"metric {row.metric!r} is not among the acceptance criteria of "
                f"{evaluation.id} ({', '.join(known)})",
            )
        key = (row.metric, row.subgroup)
        if key in seen:
            metrics.fail(
                row.line,
                f"{row.metric}, subgroup {row.subgroup} is given twice "
                f"(also line {seen[key]})",
            )
        seen[key] = row.line
    subgroups = plan_subgroups(evaluation, config)
    last = max(row.line for row in metrics.rows)
    for criterion in criteria:
        wanted = [OVERALL] if criterion.scope == "overall" else []
        if criterion.scope == "one":
            wanted = [criterion.subgroup]
        for subgroup in (*wanted, *subgroups):
            if (criterion.metric, subgroup) not in seen:
                named = (
                    "the overall estimate"
                    if subgroup == OVERALL
                    else f"subgroup {subgroup!r} named by the plan of {evaluation.id}"
                )
                metrics.fail(last, f"no row for {criterion.metric}, {named}")


def _check_version(metrics: MetricsFile, evaluation: Item, config: AiConfig) -> None:
    stated = metrics.model_version
    evaluated = (evaluation.field(config.evaluated_version_field) or "").strip()
    if stated and stated != evaluated:
        metrics.fail(
            metrics.model_version_line,
            f"model_version {stated!r} is not the version {evaluation.id} evaluates "
            f"({config.evaluated_version_field} {evaluated!r})",
        )


def _check_dataset(
    metrics: MetricsFile,
    dataset: Item,
    graph: TraceGraph,
    config: AiConfig,
    facts: AiFacts | None,
) -> str:
    expected = dataset_digest(dataset, config, facts)
    stated = metrics.dataset_digest
    if not stated:
        return expected
    if stated == expected:
        return stated
    matching = [
        item.id
        for item in graph.of_type(config.dataset_type)
        if stated == dataset_digest(item, config, facts)
    ]
    line = metrics.dataset_digest_line
    if not matching:
        metrics.fail(line, f"dataset digest {stated} matches no dataset")
    metrics.fail(
        line,
        f"dataset digest {stated} is {', '.join(matching)}'s, but the evaluation "
        f"runs on {dataset.id} ({expected or 'no digest'})",
    )
