"""``qms check``, ``qms checks`` and ``qms items``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc.device_file import DeviceFile, read_items
from qmsdoc.dossier.plan import project_pathway
from qmsdoc.input_files import printable
from qmsdoc.processes import catalogue_entries
from qmsdoc.report import write_findings

if TYPE_CHECKING:
    from qmsdoc.checks import Finding
    from qmsdoc.cli.context import CliContext
    from qmsdoc.project import Project

__all__ = ["check_command", "checks_command", "items_command"]

DEFAULT_FINDINGS_FILE = Path("traceability/findings.json")


@click.command("check")
@click.option(
    "--findings-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Where to write the findings (default: {DEFAULT_FINDINGS_FILE} under the root).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
@click.option(
    "--strict",
    is_flag=True,
    help="Release gate: advisory findings (the profile's [gate] advisory) fail too.",
)
@click.pass_obj
def check_command(
    state: CliContext, findings_file: Path | None, quiet: bool, strict: bool
) -> None:
    """Check the design-control chain; exit 1 if an unwaived finding remains."""
    project = state.project
    _check_pathways(project)
    device = DeviceFile.from_sources(project)
    outcome = device.outcome()
    target = findings_file or project.root / DEFAULT_FINDINGS_FILE
    write_findings(
        target, outcome.findings, project.profile, item_count=len(outcome.items)
    )
    if not quiet and outcome.findings:
        # messages quote SBOM component names: no terminal escapes from input; one
        # write, not one per finding (30,000 findings on a deep chain)
        click.echo(
            "\n".join(printable(_format(finding)) for finding in outcome.findings)
        )
    failing = deviations = 0
    for finding in outcome.findings:  # one pass: a deep chain has 30,000 findings
        if finding.waived:
            deviations += 1
        elif finding.fails_strict_gate if strict else finding.fails_gate:
            failing += 1
    if outcome.evidence is not None:
        counts = outcome.evidence.counts(device.context.graph)
        click.echo(
            "qms check: verification by executed records: "
            + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
        )
    verdict = "FAIL" if failing else "PASS"
    click.echo(
        f"qms check: {verdict}: {len(outcome.items)} items, {failing} open findings, "
        f"{deviations} accepted deviations; findings written to {_relative(target, project.root)}"
    )
    if failing:
        raise click.exceptions.Exit(1)


@click.command("checks")
@click.pass_obj
def checks_command(state: CliContext) -> None:
    """List every check id (the Sphinx warning subtype qms.<id>) the profile turns
    on, with its severity, what it finds and the clause it serves."""
    for spec in catalogue_entries(state.project.profile):
        clause = f" [{spec.clause}]" if spec.clause else ""
        click.echo(
            printable(
                f"qms.{spec.check_id:36} {spec.severity:7} {spec.summary}{clause}"
            )
        )


@click.command("items")
@click.option("--type", "item_type", default=None, help="Only items of this type.")
@click.pass_obj
def items_command(state: CliContext, item_type: str | None) -> None:
    """List the items of the device file with their location."""
    project = state.project
    if item_type is not None and project.profile.item_type(item_type) is None:
        raise click.BadParameter(
            f"unknown item type {item_type!r}", param_hint="--type"
        )
    for item in read_items(project):
        if item_type is None or item.item_type == item_type:
            click.echo(
                printable(
                    f"{item.id or '-':12} {item.item_type:20} {item.location}  "
                    f"{item.title}"
                )
            )


def _check_pathways(project: Project) -> None:
    """The pathways the project submits and its ``[project.pathway_overrides]`` are
    usable (exit 2 in one line, as ``qms dossier`` would stop on them): each plan is
    read as the project submits it, which checks every override first."""
    names = {*project.pathways, *(o.pathway for o in project.pathway_overrides)}
    for name in sorted(names):
        project_pathway(project, name)


def _format(finding: Finding) -> str:
    if finding.waived:
        return (
            f"{finding.path}:{finding.line}: deviation: {finding.message} "
            f"[qms.{finding.check_id}] (waiver: {finding.justification})"
        )
    severity = (
        f"{finding.severity} (advisory)" if finding.advisory else finding.severity
    )
    return f"{finding.path}:{finding.line}: {severity}: {finding.message} [qms.{finding.check_id}]"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
