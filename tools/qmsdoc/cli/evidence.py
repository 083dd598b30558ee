"""``qms evidence import`` and ``qms evidence status``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc.device_file import check_device_file
from qmsdoc.errors import ProjectError
from qmsdoc.evidence import import_reports, write_run

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext

__all__ = ["evidence_group"]


@click.group("evidence")
def evidence_group() -> None:
    """Test evidence: import JUnit results as records, show verification states."""


@evidence_group.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--commit",
    default=None,
    help="SHA of the commit the tested software was built from.",
)
@click.option(
    "--run",
    "run_id",
    default=None,
    help="CI run id (default: from the report, else a digest).",
)
@click.option(
    "--date",
    default=None,
    help="When the run happened, ISO 8601 (default: from the report).",
)
@click.pass_obj
def import_command(
    state: CliContext,
    files: tuple[Path, ...],
    commit: str | None,
    run_id: str | None,
    date: str | None,
) -> None:
    """Store the results of JUnit XML FILES as one run under the evidence folder."""
    project = state.project
    config = project.profile.evidence
    if config is None:
        raise ProjectError(
            "the profile has no [evidence] table; nothing to import into"
        )
    run = import_reports(
        list(files),
        commit=commit or None,
        run_id=run_id,
        date=date,
        verifies_property=config.verifies_property,
    )
    path = write_run(project.root / config.directory, run)
    counts = {
        outcome: sum(1 for r in run.results if r.outcome == outcome)
        for outcome in ("passed", "failed", "error", "skipped", "flaky")
    }
    summary = ", ".join(
        f"{count} {outcome}" for outcome, count in counts.items() if count
    )
    commit_text = run.commit[:12] if run.commit else "unknown commit"
    click.echo(
        f"qms evidence: run {run.run_id} ({commit_text}): {len(run.results)} cases ({summary or 'none'}) -> {path}"
    )


@evidence_group.command("status")
@click.argument("item_ids", nargs=-1)
@click.pass_obj
def status_command(state: CliContext, item_ids: tuple[str, ...]) -> None:
    """Verification state of each requirement and risk control (or of ITEM_IDS)."""
    outcome = check_device_file(state.project)
    view = outcome.evidence
    if view is None:
        raise ProjectError("the profile has no [evidence] table")
    wanted = set(item_ids)
    counts: dict[str, int] = {}
    for item in outcome.items:
        verification = view.states.get(item.id)
        if verification is None or (wanted and item.id not in wanted):
            continue
        counts[verification.state] = counts.get(verification.state, 0) + 1
        click.echo(f"{item.id:10} {verification.state:9} {item.title}")
        for linked in verification.results:
            via = f" via {linked.via}" if linked.via else ""
            stale = f" [stale: {linked.stale_reason}]" if linked.stale_reason else ""
            click.echo(
                f"{'':10} {linked.result.outcome:9} {linked.result.node_id} (run {linked.run.run_id}{via}){stale}"
            )
    missing = wanted - set(view.states)
    if missing:
        raise click.BadParameter(
            f"no requirement, risk control or test item {', '.join(sorted(missing))}"
        )
    click.echo(
        "qms evidence: "
        + ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
    )
