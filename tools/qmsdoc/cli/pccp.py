"""``qms pccp check OLD [NEW]``: are the AI changes between two revisions within the
predetermined change control plans (:mod:`qmsdoc.ai.pccp`)?"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from qmsdoc.ai.pccp import check_pccp
from qmsdoc.ai.records import parse_performance, read_performance
from qmsdoc.device_file import read_raw_items
from qmsdoc.errors import InputError, ProjectError
from qmsdoc.history.completeness import require_complete_history
from qmsdoc.model.load import load_items
from qmsdoc.model.rst_source import scan_files
from qmsdoc.vcs import GitHistory

if TYPE_CHECKING:
    from qmsdoc.ai.pccp import Assessment
    from qmsdoc.ai.records import PerformanceRecord
    from qmsdoc.cli.context import CliContext
    from qmsdoc.model import Item
    from qmsdoc.profile.ai import AiConfig
    from qmsdoc.project import Project

__all__ = ["pccp_group"]


@click.group("pccp")
def pccp_group() -> None:
    """Predetermined change control plans: check AI changes against them."""


@pccp_group.command("check")
@click.argument("old")
@click.argument("new", required=False)
@click.pass_obj
def check_command(state: CliContext, old: str, new: str | None) -> None:
    """Judge every change of an AI item (model, dataset, evaluation, plan) from
    revision OLD to NEW (default: the working tree) against the change control plans
    in force at OLD: the planned modification that covers it, the protocol and the
    evaluations it requires with their performance records at NEW. Exit 1 when a
    change is outside every plan or a result outside the plan's bounds (a new
    submission may be needed), 2 on a revision that cannot be read."""
    project = state.project
    config = project.profile.ai
    if config is None:
        raise ProjectError("the profile has no [ai] table; no change control plans")
    history = GitHistory(project.root)
    require_complete_history(history)
    before = _items_at(project, history, old)
    if new is None:
        after = load_items(read_raw_items(project), project.profile)
        records = {
            record.evaluation: record
            for record in read_performance(
                project.root / config.records, root=project.root
            )
        }
    else:
        after = _items_at(project, history, new)
        records = _records_at(history, new, after, config)
    ignored = (project.profile.status_field,) if project.profile.status_field else ()
    report = check_pccp(before, after, records, config, ignored=ignored)
    for assessment in report.assessments:
        _show(assessment)
    pending = sum(len(assessment.pending) for assessment in report.assessments)
    click.echo(
        f"qms pccp check {old}..{new or 'working tree'}:"
        f" {len(report.assessments)} AI changes, {len(report.findings)} findings,"
        f" {pending} required evaluations pending"
    )
    if report.findings:
        raise SystemExit(1)


def _items_at(project: Project, history: GitHistory, revision: str) -> tuple[Item, ...]:
    files = history.files_at(revision)
    if files is None:
        raise InputError(
            f"unknown revision {revision!r} (not in this repository's history)"
        )
    raw = scan_files(
        files, directives=project.profile.directives, is_source=project.is_source
    )
    return load_items(raw, project.profile)


def _records_at(
    history: GitHistory, revision: str, items: tuple[Item, ...], config: AiConfig
) -> dict[str, PerformanceRecord]:
    records = {}
    for item in items:
        if item.item_type != config.evaluation_type or not item.id:
            continue
        path = f"{config.records}/{item.id}.json"
        text = history.file_at(revision, path)
        if text is not None:
            records[item.id] = parse_performance(text, f"{revision}:{path}", path)
    return records


def _show(assessment: Assessment) -> None:
    change = assessment.change
    verdict = "OUTSIDE THE PLAN" if assessment.findings else "within the plan"
    click.echo(
        f"{change.kind} {change.item_type} {change.item_id} ({change.where}): {verdict}"
    )
    for field in change.fields:
        click.echo(f"    {field.name}: {field.old!r} -> {field.new!r}")
    for modification in assessment.modifications:
        click.echo(f"    planned modification {modification.plan}: {modification.text}")
    for plan, protocol in assessment.protocols:
        click.echo(f"    protocol of {plan}: {' '.join(protocol.split())}")
    for evaluation in assessment.evaluations:
        where = f" ({evaluation.record_path})" if evaluation.record_path else ""
        click.echo(
            f"    requires {evaluation.evaluation}: {evaluation.state}:"
            f" {evaluation.detail}{where}"
        )
    for bound in assessment.bounds:
        state = {True: "met", False: "NOT MET", None: "not judged"}[bound.met]
        click.echo(f"    bound {bound.label}: {state}: {bound.detail}")
    for finding in assessment.findings:
        click.echo(f"    finding: {finding}")
