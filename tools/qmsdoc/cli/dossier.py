"""``qms dossier``: the technical file per pathway, with the release-readiness gate."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc.device_file import read_raw_items
from qmsdoc.dossier import pathway_names
from qmsdoc.dossier.assemble import DossierResult, assemble_dossier
from qmsdoc.errors import ProjectError
from qmsdoc.vcs import GitHistory, source_state

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext

__all__ = ["dossier_command"]


@click.command("dossier")
@click.option(
    "--pathway",
    "pathways",
    multiple=True,
    help=f"One of {', '.join(pathway_names())} (default: the project's [project] pathways).",
)
@click.option(
    "--release",
    default=None,
    help="A release tag checked out at HEAD: every gate condition applies.",
)
@click.option(
    "--html",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("_build/html"),
    show_default=True,
    help="The Sphinx HTML build to include.",
)
@click.option(
    "--singlehtml",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A single-page HTML build to print as technical-file.pdf (needs Chromium).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("_build/dossier"),
    show_default=True,
    help="Where the pathway folders go.",
)
@click.pass_obj
def dossier_command(
    state: CliContext,
    *,
    pathways: tuple[str, ...],
    release: str | None,
    html: Path,
    singlehtml: Path | None,
    output: Path,
) -> None:
    """Assemble the technical file of each pathway; exit 1 if the gate fails."""
    project = state.project
    chosen = pathways or project.pathways
    if not chosen:
        raise ProjectError(
            "no pathway: give --pathway or set [project] pathways in qms.toml"
        )
    if release is not None:
        _check_release(project.root, release)
    html = html if html.is_absolute() else project.root / html
    output = output if output.is_absolute() else project.root / output
    failed = False
    # progress on standard error, so that a long build is never silent: the page and
    # item counts (the scan is kept, so assembling does not read the sources again)
    size = f"{len(project.source_files())} pages, {len(read_raw_items(project))} items"
    for pathway in chosen:
        single = None
        if singlehtml is not None:
            single = (
                singlehtml if singlehtml.is_absolute() else project.root / singlehtml
            )
        _progress(pathway, f"assembling ({size})...")
        if single is not None:
            _progress(
                pathway,
                f"with the PDF: printing {single} to technical-file.pdf "
                "(headless Chromium)...",
            )
        started = time.monotonic()
        result = assemble_dossier(
            project,
            pathway,
            html=html,
            output=output,
            release=release,
            singlehtml=single,
        )
        _progress(pathway, f"assembled in {time.monotonic() - started:.1f} s")
        click.echo(f"{pathway}: {result.folder}")
        for section in (*result.sections, *result.elements):
            mark = (
                "!!" if section.state == "missing" and section.plan.required else "  "
            )
            click.echo(
                f"  {mark} {section.plan.section_id:8} {section.state:15} {section.plan.title}"
            )
            if section.state == "missing":
                click.echo(f"  {'':11}{section.detail}")
        for condition in result.conditions:
            verdict = (
                "FAILS"
                if condition.fails
                else ("met" if not condition.failures else "not met (not checked)")
            )
            click.echo(
                f"  gate {condition.name:16} {verdict} ({len(condition.failures)})"
            )
            if condition.fails:
                for failure in condition.failures[:10]:
                    click.echo(f"  {'':22}{failure}")
                if len(condition.failures) > 10:
                    click.echo(
                        f"  {'':22}and {len(condition.failures) - 10} more "
                        "(dossier-report.json lists every one)"
                    )
        _echo_verification(result, release)
        click.echo(f"  gate: {'PASS' if result.passes else 'FAIL'}")
        failed = failed or not result.passes
    if failed:
        raise click.exceptions.Exit(1)


def _progress(pathway: str, step: str) -> None:
    click.echo(f"qms dossier: {pathway}: {step}", err=True)


def _echo_verification(result: DossierResult, release: str | None) -> None:
    if result.verification:
        click.echo(
            "  verification states (executed records): "
            + ", ".join(
                f"{count} {name.replace('_', ' ')}"
                for name, count in result.verification.items()
            )
        )
        planned = result.verification.get("planned", 0)
        if planned and not release:
            click.echo(
                f"  {planned} items are planned but not yet executed: "
                "a release (--release) fails on them"
            )


def _check_release(root: Path, tag: str) -> None:
    history = GitHistory(root)
    if history.files_at(tag) is None:
        raise ProjectError(f"release tag {tag!r} does not exist in this repository")
    head = source_state(root).commit
    tagged = history.commit_of(tag)
    if head is None or tagged != head:
        raise ProjectError(
            f"HEAD is not at release {tag!r}: check out the tag before building its dossier"
        )
