"""``qms performance import``: a metrics file as the performance record of an
evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc.ai.facts import load_ai_facts
from qmsdoc.ai.importer import build_record
from qmsdoc.ai.metrics_file import read_metrics_file
from qmsdoc.ai.records import judge_record, store_performance
from qmsdoc.device_file import DeviceFile
from qmsdoc.errors import ProjectError
from qmsdoc.trace import TraceGraph

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext

__all__ = ["performance_group"]


@click.group("performance")
def performance_group() -> None:
    """AI performance: import measured metrics as the record of an evaluation."""


@performance_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--evaluation",
    "evaluation_id",
    required=True,
    help="The performance evaluation the metrics are the result of (PE-001).",
)
@click.option(
    "--date",
    default=None,
    help="When the evaluation ran (ISO 8601), stored in the record.",
)
@click.pass_obj
def import_command(
    state: CliContext, file: Path, evaluation_id: str, date: str | None
) -> None:
    """Store the metrics FILE (JSON or CSV: metric, subgroup, value, ci_low,
    ci_high, n) as the performance record of the evaluation, tied to the model's
    version and digests and the dataset's digest; print the criteria judged."""
    project = state.project
    config = project.profile.ai
    if config is None:
        raise ProjectError("the profile has no [ai] table; nothing to import into")
    metrics = read_metrics_file(file)
    items = DeviceFile.from_sources(project).items
    graph = TraceGraph(items)
    # a manifest or record that cannot be read stops the import (exit 2)
    facts = load_ai_facts(project.root, config, items)
    record = build_record(
        metrics,
        evaluation_id,
        graph=graph,
        config=config,
        facts=facts,
        date=date,
    )
    # everything is read and checked: only now is anything written
    path = store_performance(project.root / config.records, record)
    evaluation = graph.item(record.evaluation)
    judged = judge_record(record, evaluation, config) if evaluation else []
    failed = [outcome for outcome in judged if outcome.met is not True]
    verdict = "passed" if not failed else "FAILED"
    click.echo(
        f"qms performance: {record.evaluation}: {len(record.metrics)} estimates of"
        f" {record.model.item_id} {record.model.version} on {record.dataset};"
        f" {len(judged) - len(failed)} of {len(judged)} criteria met: {verdict}"
        f" -> {path.relative_to(project.root).as_posix()}"
    )
    for outcome in failed:
        click.echo(f"  not met: {outcome.label}: {outcome.detail}")
