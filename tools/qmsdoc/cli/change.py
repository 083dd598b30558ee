"""``qms history``, ``qms diff``, ``qms suspect`` and ``qms review``: change control."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc.device_file import load_approvals, read_items, read_raw_items
from qmsdoc.errors import InputError, ProjectError
from qmsdoc.export.xlsx import write_diff_workbook
from qmsdoc.history import item_histories
from qmsdoc.history.approvals import approval_record, manifestation
from qmsdoc.history.completeness import require_complete_history
from qmsdoc.history.diff import diff_revisions
from qmsdoc.history.suspect import (
    read_reviews,
    record_reviews,
    suspect_links,
)
from qmsdoc.model.ordering import natural_key
from qmsdoc.model.rst_source import scan_files
from qmsdoc.report import write_atomic
from qmsdoc.trace import TraceGraph
from qmsdoc.vcs import GitHistory, source_state
from qmsdoc.vcs.clock import generation_time

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext
    from qmsdoc.history.approvals import Approval
    from qmsdoc.model import RawItem
    from qmsdoc.project import Project

__all__ = [
    "approvals_command",
    "diff_command",
    "history_command",
    "review_command",
    "suspect_command",
]


@click.command("history")
@click.argument("item_id")
@click.pass_obj
def history_command(state: CliContext, item_id: str) -> None:
    """The commits that added, changed, moved or removed ITEM_ID, oldest first."""
    project = state.project
    history = GitHistory(project.root)
    if source_state(project.root).commit is None:
        raise ProjectError(
            f"{project.root}: not a git repository; no history available"
        )
    require_complete_history(history)
    changes = item_histories(
        history, directives=project.profile.directives, is_source=project.is_source
    ).get(item_id)
    if not changes:
        raise click.BadParameter(
            f"no history for {item_id!r} (unknown id, or never committed)"
        )
    for change in changes:
        commit = change.commit
        pr = f" {change.pull_request.reference}" if change.pull_request else ""
        click.echo(
            f"{commit.date}  {commit.sha[:12]}  {change.kind:8} {commit.author} <{commit.email}>{pr}"
        )
        click.echo(f"{'':27}{commit.subject}  ({change.path})")
        if change.pull_request:
            for trailer, value in change.pull_request.trailers:
                click.echo(f"{'':27}{trailer}: {value}")


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the difference as JSON.",
)
@click.option(
    "--xlsx",
    "xlsx_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write it as an XLSX sheet.",
)
@click.pass_obj
def diff_command(
    state: CliContext,
    old: str,
    new: str | None,
    json_file: Path | None,
    xlsx_file: Path | None,
) -> None:
    """Items added, removed and changed from revision OLD to NEW (default: the working tree)."""
    project = state.project
    require_complete_history(GitHistory(project.root))
    link_names = {link.name for link in project.profile.links}
    difference = diff_revisions(
        _items_at(project, old),
        _items_at(project, new) if new else read_raw_items(project),
        old=old,
        new=new or "working tree",
        link_names=link_names,
    )
    for item in difference.items:
        click.echo(f"{item.kind:8} {item.item_id:10} {item.title}  ({item.path})")
        for change in item.fields:
            click.echo(f"{'':19}{change.name}: {change.old!r} -> {change.new!r}")
        for link in item.links_added:
            click.echo(f"{'':19}+ link {link}")
        for link in item.links_removed:
            click.echo(f"{'':19}- link {link}")
        for line in item.text_diff[2:]:
            click.echo(f"{'':19}{line}")
    counts = ", ".join(
        f"{len(difference.of_kind(kind))} {kind}"
        for kind in ("added", "removed", "changed")
    )
    click.echo(f"qms diff {difference.old}..{difference.new}: {counts}")
    if json_file is not None:
        text = json.dumps(difference.document(), indent=2, ensure_ascii=False) + "\n"
        write_atomic(json_file, text.encode("utf-8"))
    if xlsx_file is not None:
        write_diff_workbook(
            xlsx_file, difference, generation_time(source_state(project.root))
        )


@click.command("suspect")
@click.pass_obj
def suspect_command(state: CliContext) -> None:
    """Links whose target changed since they were reviewed; exit 1 if any."""
    project = state.project
    record = _record(project)
    reviews = read_reviews(record) or {}
    graph = TraceGraph(read_items(project))
    suspects = suspect_links(graph, reviews, excluded=project.profile.suspect_excluded)
    for suspect in suspects:
        click.echo(
            f"{suspect.source}:{suspect.link_type}:{suspect.target}  {suspect.reason}"
        )
        if suspect.downstream:
            more = " and more" if suspect.downstream_more else ""
            click.echo(f"{'':4}downstream: {', '.join(suspect.downstream)}{more}")
    click.echo(
        f"qms suspect: {len(suspects)} suspect links (record {record.relative_to(project.root).as_posix()})"
    )
    if suspects:
        raise click.exceptions.Exit(1)


@click.command("review")
@click.argument("selectors", nargs=-1)
@click.option(
    "--all", "review_all", is_flag=True, help="Mark every link reviewed (adoption)."
)
@click.pass_obj
def review_command(
    state: CliContext, selectors: tuple[str, ...], review_all: bool
) -> None:
    """Mark links reviewed: ITEM (links from or to it), SOURCE:LINK:TARGET, or --all."""
    if review_all:
        selectors = (*selectors, "--all")
    if not selectors:
        raise click.UsageError("name an item, a link SOURCE:LINK:TARGET, or --all")
    project = state.project
    record = _record(project)
    graph = TraceGraph(read_items(project))
    updated, touched = record_reviews(
        record, graph, selectors, excluded=project.profile.suspect_excluded
    )
    for source, link, target in touched:
        click.echo(f"reviewed {source}:{link}:{target}")
    click.echo(
        f"qms review: {len(touched)} links reviewed; record {record.relative_to(project.root).as_posix()} has {len(updated)} links"
    )


def _record(project: Project) -> Path:
    if project.profile.suspect_record is None:
        raise ProjectError(
            "the profile has no [suspect] record; suspect links are not tracked"
        )
    return project.root / project.profile.suspect_record


def _items_at(project: Project, revision: str) -> list[RawItem]:
    files = GitHistory(project.root).files_at(revision)
    if files is None:
        raise InputError(
            f"unknown revision {revision!r} (not in this repository's history)"
        )
    return scan_files(
        files, directives=project.profile.directives, is_source=project.is_source
    )


class _ShowByDefault(click.Group):
    """``qms approvals [ITEM...]`` shows; ``qms approvals verify`` verifies."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (
            args[0] not in self.commands and args[0] not in ("-h", "--help")
        ):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group("approvals", cls=_ShowByDefault)
def approvals_command() -> None:
    """Signature manifests of the items: show them, or verify that they still cover
    what each item says now."""


@approvals_command.command("show")
@click.argument("item_ids", nargs=-1)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the manifest as JSON.",
)
@click.pass_obj
def approvals_show(
    state: CliContext, item_ids: tuple[str, ...], json_file: Path | None
) -> None:
    """Who authored, reviewed and approved each item (default: every item): printed
    name, role, UTC time, meaning, the content signed and whether it covers it now."""
    manifests = _manifests(state.project)
    document = {}
    for item_id in _wanted(manifests, item_ids):
        click.echo(item_id)
        for approval in manifests[item_id]:
            click.echo(f"  {manifestation(approval)}")
        document[item_id] = [approval_record(a) for a in manifests[item_id]]
    if json_file is not None:
        write_atomic(
            json_file,
            (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode(),
        )


@approvals_command.command("verify")
@click.argument("item_ids", nargs=-1)
@click.pass_obj
def approvals_verify(state: CliContext, item_ids: tuple[str, ...]) -> None:
    """Recompute the SHA-256 of each item's content and compare it with what every
    signature signed; exit 1 if an item's signatures no longer cover it."""
    manifests = _manifests(state.project)
    covered = changed = unsigned = 0
    for item_id in _wanted(manifests, item_ids):
        signed = [a for a in manifests[item_id] if a.meaning != "authorship"]
        if any(a.covers_content for a in signed):
            covered += 1
            continue
        if not signed:
            unsigned += 1
            continue
        changed += 1
        click.echo(f"{item_id}: no signature covers the current content")
        for approval in signed:
            click.echo(f"  {manifestation(approval)}")
    click.echo(
        f"qms approvals verify: {covered} items signed as they are now, {changed} "
        f"changed since they were signed, {unsigned} never signed"
    )
    if changed:
        raise SystemExit(1)


def _manifests(project: Project) -> dict[str, list[Approval]]:
    if project.profile.signer_registry is None:
        raise ProjectError("the profile has no [approvals] table")
    manifests = load_approvals(project)
    if manifests is None:
        raise ProjectError(
            f"{project.root}: not a git repository; no approvals available"
        )
    return manifests


def _wanted(
    manifests: dict[str, list[Approval]], item_ids: tuple[str, ...]
) -> tuple[str, ...]:
    for item_id in item_ids:
        if item_id not in manifests:
            raise click.BadParameter(f"no history for {item_id!r}")
    return item_ids or tuple(sorted(manifests, key=natural_key))
