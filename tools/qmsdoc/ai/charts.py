"""The measured performance of an evaluation as a table and one chart per metric
(issue 19 part 2; FDA AI-DSF draft guidance, January 2025, performance by subgroup).

:func:`performance_view` judges the committed record against the evaluation's
criteria as written now and gives the table rows (metric, subgroup, n, estimate,
confidence interval, criteria, met or not) and, per metric, an SVG chart: the point
estimate and interval of each subgroup, the criteria drawn as lines (a bound on the
overall estimate across the chart, a floor per subgroup dashed, a bound on one
subgroup at that subgroup; a gap criterion is in the table only).

The charts are drawn with matplotlib (its only importer), on a figure of its own
(no pyplot, no global state), with the SVG backend, text kept as text, the ids
salted by evaluation and metric and no date, so the same record gives the same
bytes. Text is escaped by the SVG writer; ``$`` is escaped so that no label is read
as mathematics.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from qmsdoc.ai.criteria import OVERALL, parse_criteria
from qmsdoc.ai.records import judge_record, plan_subgroups

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.axes import Axes

    from qmsdoc.ai.criteria import Criterion, CriterionResult
    from qmsdoc.ai.records import Metric, PerformanceRecord
    from qmsdoc.model import Item
    from qmsdoc.profile.ai import AiConfig

__all__ = ["PerformanceRow", "PerformanceView", "chart_svg", "performance_view"]

NO_RECORD = "no record"


@dataclass(frozen=True, slots=True, kw_only=True)
class PerformanceRow:
    """One row of the table: a metric in one subgroup (or its gap)."""

    metric: str
    subgroup: str
    n: str
    estimate: str
    interval: str
    criteria: str
    status: str
    """``met``, ``not met``, ``no result``, or empty when no criterion applies."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PerformanceView:
    """An evaluation's performance: the table and the chart of each metric."""

    evaluation: str
    status: str
    """``met`` (every criterion), ``not met``, or ``no record``."""
    note: str
    rows: tuple[PerformanceRow, ...] = ()
    charts: tuple[tuple[str, str], ...] = ()
    """(metric, SVG text) in metric order."""


def performance_view(
    evaluation: Item, record: PerformanceRecord | None, config: AiConfig
) -> PerformanceView:
    """The table and charts of ``evaluation``'s record, judged now."""
    if record is None:
        return PerformanceView(
            evaluation=evaluation.id,
            status=NO_RECORD,
            note=(
                f"{evaluation.id}: no record: no performance record has been"
                " imported for this evaluation."
            ),
        )
    criteria, _ = parse_criteria(evaluation.field(config.criteria_field) or "")
    judged = judge_record(record, evaluation, config)
    metrics = list(dict.fromkeys([*(c.metric for c in criteria), *_metrics(record)]))
    rows: list[PerformanceRow] = []
    charts = []
    for metric in metrics:
        estimates = _ordered(
            [m for m in record.metrics if m.metric == metric],
            plan_subgroups(evaluation, config),
        )
        rows.extend(_row(estimate, judged) for estimate in estimates)
        rows.extend(_missing(metric, estimates, judged))
        rows.extend(
            PerformanceRow(
                metric=metric,
                subgroup="gap",
                n="",
                estimate="",
                interval="",
                criteria=outcome.label,
                status=_status([outcome]),
            )
            for outcome in judged
            if outcome.criterion.metric == metric and outcome.criterion.scope == "gap"
        )
        if estimates:
            drawn = [c for c in criteria if c.metric == metric]
            charts.append((metric, chart_svg(evaluation.id, metric, estimates, drawn)))
    status = _status(judged) if judged else "no criterion"
    model = record.model
    return PerformanceView(
        evaluation=evaluation.id,
        status=status,
        note=(
            f"{evaluation.id}: {status}: {model.item_id} {model.version} on"
            f" {record.dataset} ({record.record_path or record.evaluation})."
        ),
        rows=tuple(rows),
        charts=tuple(charts),
    )


def _metrics(record: PerformanceRecord) -> list[str]:
    return sorted({m.metric for m in record.metrics})


def _ordered(estimates: list[Metric], plan: Sequence[str]) -> list[Metric]:
    """Overall first, then the plan's subgroups in its order, then the others."""
    order = {OVERALL: 0, **{name: 1 + index for index, name in enumerate(plan)}}
    return sorted(
        estimates, key=lambda m: (order.get(m.subgroup, len(order) + 1), m.subgroup)
    )


def _row(estimate: Metric, judged: Sequence[CriterionResult]) -> PerformanceRow:
    applying = [
        outcome
        for outcome in judged
        if outcome.criterion.metric == estimate.metric
        and outcome.criterion.scope != "gap"
        and _subgroup(outcome) == estimate.subgroup
    ]
    return PerformanceRow(
        metric=estimate.metric,
        subgroup=estimate.subgroup,
        n=str(estimate.n),
        estimate=_number(estimate.value),
        interval=f"{_number(estimate.ci_low)} to {_number(estimate.ci_high)}",
        criteria="; ".join(outcome.label for outcome in applying),
        status=_status(applying) if applying else "",
    )


def _missing(
    metric: str, estimates: Sequence[Metric], judged: Sequence[CriterionResult]
) -> list[PerformanceRow]:
    """A row for each subgroup a criterion asks for that the record does not have."""
    present = {estimate.subgroup for estimate in estimates}
    missing: dict[str, list[CriterionResult]] = {}
    for outcome in judged:
        if outcome.criterion.metric != metric or outcome.criterion.scope == "gap":
            continue
        subgroup = _subgroup(outcome)
        if subgroup not in present:
            missing.setdefault(subgroup, []).append(outcome)
    return [
        PerformanceRow(
            metric=metric,
            subgroup=subgroup,
            n="",
            estimate="no result",
            interval="",
            criteria="; ".join(outcome.label for outcome in outcomes),
            status=_status(outcomes),
        )
        for subgroup, outcomes in missing.items()
    ]


def _subgroup(outcome: CriterionResult) -> str:
    """The subgroup a judged criterion is about (from its label)."""
    criterion = outcome.criterion
    if criterion.scope == "overall":
        return OVERALL
    if criterion.scope == "one":
        return criterion.subgroup
    label = outcome.label
    return label[label.index("[") + 1 : label.index("]")]


def _status(outcomes: Sequence[CriterionResult]) -> str:
    if any(outcome.met is False for outcome in outcomes):
        return "not met"
    if any(outcome.met is None for outcome in outcomes):
        return "no result"
    return "met"


def _number(value: float) -> str:
    return f"{value:.6g}"


def _text(value: str) -> str:
    """Untrusted text as matplotlib draws it literally (no mathematics)."""
    return value.replace("\\", "\\\\").replace("$", r"\$")


def chart_svg(
    evaluation: str,
    metric: str,
    estimates: Sequence[Metric],
    criteria: Sequence[Criterion],
) -> str:
    """The SVG chart of one metric: estimate and interval per subgroup (in the
    given order), the criteria as lines. The same input gives the same text."""
    names = [estimate.subgroup for estimate in estimates]
    with mpl.rc_context({
        "svg.fonttype": "none",
        "svg.hashsalt": f"qmsdoc:{evaluation}:{metric}",
        "font.family": "sans-serif",
        "font.size": 9.0,
        "text.usetex": False,
        "axes.unicode_minus": False,
    }):  # fmt: skip
        figure = Figure(figsize=(max(3.0, 1.0 * len(names) + 1.5), 3.0), dpi=72)
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        positions = list(range(len(names)))
        values = [estimate.value for estimate in estimates]
        axes.errorbar(
            positions,
            values,
            yerr=[
                [max(0.0, e.value - e.ci_low) for e in estimates],
                [max(0.0, e.ci_high - e.value) for e in estimates],
            ],
            fmt="o",
            color="#1f4e79",
            ecolor="#1f4e79",
            capsize=4,
            label="estimate (confidence interval)",
        )
        for criterion in criteria:
            _draw(axes, criterion, names)
        axes.set_xticks(positions)
        axes.set_xticklabels([_text(name) for name in names], rotation=0)
        axes.set_xlim(-0.6, len(names) - 0.4)
        axes.set_ylabel(_text(metric))
        axes.set_title(_text(f"{evaluation}: {metric} by subgroup"))
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.legend(
            loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=7, frameon=False
        )
        output = io.StringIO()
        figure.savefig(
            output,
            format="svg",
            bbox_inches="tight",
            metadata={"Date": None, "Creator": None},
        )
    return _own_ids(output.getvalue(), f"qms-chart-{evaluation}-{metric}")


_ID = re.compile(r'(\bid="|url\(#|href="#)([^"()]+)')


def _own_ids(svg: str, prefix: str) -> str:
    """The ids of the chart (and the references to them) prefixed, so that charts
    inlined in one page share none."""
    own = re.sub(r"[^A-Za-z0-9_-]", "-", prefix)
    return _ID.sub(lambda match: f"{match.group(1)}{own}-{match.group(2)}", svg)


def _draw(axes: Axes, criterion: Criterion, names: Sequence[str]) -> None:
    """One criterion as a line: across the chart, dashed, or at one subgroup."""
    label = _text(criterion.text)
    if criterion.scope == "gap":
        return
    if criterion.scope in {"overall", "each"}:
        style = "-" if criterion.scope == "overall" else "--"
        axes.axhline(
            criterion.threshold, color="#b03a2e", linestyle=style, linewidth=1.0,
            label=label,
        )  # fmt: skip
        return
    if criterion.subgroup in names:
        where = names.index(criterion.subgroup)
        axes.hlines(
            criterion.threshold, where - 0.35, where + 0.35, color="#7d3c98",
            linestyle=":", linewidth=1.5, label=label,
        )  # fmt: skip
