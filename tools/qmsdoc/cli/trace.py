"""``qms matrix`` and ``qms gaps``: the trace exports, without Sphinx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc import __version__
from qmsdoc.device_file import load_sboms, load_scans, read_items_with_evidence
from qmsdoc.export.xlsx import WorkbookContext, write_workbook
from qmsdoc.report import write_gaps
from qmsdoc.trace import TraceGraph
from qmsdoc.trace.gaps import gap_report
from qmsdoc.vcs import source_state
from qmsdoc.vcs.clock import generation_time

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext

__all__ = ["gaps_command", "matrix_command"]

DEFAULT_WORKBOOK = Path("traceability/traceability.xlsx")
DEFAULT_GAPS_FILE = Path("traceability/gaps.json")


@click.command("matrix")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Workbook to write (default: {DEFAULT_WORKBOOK} under the root).",
)
@click.option(
    "--html-base",
    default="../_build/html/",
    show_default=True,
    help="Prefix of the links from item cells to the HTML build.",
)
@click.pass_obj
def matrix_command(state: CliContext, output: Path | None, html_base: str) -> None:
    """Write the traceability workbook (matrices, gaps, all items, about)."""
    project = state.project
    items, evidence = read_items_with_evidence(project)
    graph = TraceGraph(items)
    source = source_state(project.root)
    target = output or project.root / DEFAULT_WORKBOOK
    write_workbook(
        target,
        WorkbookContext(
            project=project.name,
            profile=project.profile,
            graph=graph,
            gaps=gap_report(graph, project.profile, evidence),
            evidence=evidence,
            commit=source.label,
            generated=generation_time(source),
            generator=f"qmsdoc {__version__}",
            html_base=html_base,
            sboms=load_sboms(project),
            scans=load_scans(project),
        ),
    )
    click.echo(f"qms matrix: {len(graph)} items written to {target}")


@click.command("gaps")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Where to write the gap report (default: {DEFAULT_GAPS_FILE} under the root).",
)
@click.pass_obj
def gaps_command(state: CliContext, output: Path | None) -> None:
    """Coverage of each rule of the chain; exit 1 when a blocking rule has holes."""
    project = state.project
    items, evidence = read_items_with_evidence(project)
    graph = TraceGraph(items)
    report = gap_report(graph, project.profile, evidence)
    target = output or project.root / DEFAULT_GAPS_FILE
    write_gaps(target, report, graph)
    for figure in report.figures:
        marker = "blocking" if figure.rule.blocking else "advisory"
        empty = " [EMPTY: no item of this type]" if figure.empty else ""
        click.echo(
            f"{figure.percent:6.1f} %  {figure.covered:5}/{figure.total:<5} traced   "
            f"{figure.rule.name} ({marker}){empty}"
        )
        verified = report.verified_figure(figure.rule.name)
        if verified is not None:
            click.echo(
                f"{verified.percent:6.1f} %  {verified.verified:5}/{verified.total:<5} "
                "verified by executed records"
            )
        for item_id in figure.uncovered:
            item = graph.item(item_id)
            where = f"{item.location}" if item else "?"
            click.echo(
                f"          hole: {item_id} {item.title if item else ''} ({where})"
            )
    verdict = "FAIL" if report.blocking_failed else "PASS"
    states = ", ".join(
        f"{count} {name.replace('_', ' ')}" for name, count in report.state_counts
    )
    click.echo(
        f"qms gaps: trace {verdict}: {report.hole_count} holes; "
        f"verification states: {states or 'no evidence configured'}; written to {target}"
    )
    if report.blocking_failed:
        raise click.exceptions.Exit(1)
