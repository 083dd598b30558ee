"""``qms soup import`` and ``qms soup list``: SBOMs as committed SOUP records."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc.errors import InputError, ProjectError
from qmsdoc.input_files import printable
from qmsdoc.soup import (
    describe,
    diff_records,
    read_records,
    record_from_text,
)
from qmsdoc.soup.sbom import read_sbom, record_name
from qmsdoc.soup.store import store_record
from qmsdoc.vcs.git import GitHistory

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext
    from qmsdoc.project import Project
    from qmsdoc.soup import SbomRecord

__all__ = ["soup_group"]


@click.group("soup")
def soup_group() -> None:
    """SOUP: import SBOMs (CycloneDX, SPDX) as records, list their components."""


@soup_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--name",
    default=None,
    help="Record name (default: the file name without .json/.xml/.cdx/.spdx).",
)
@click.option(
    "--against",
    "revision",
    default=None,
    help="Also list the changes since the record at this git revision (a baseline tag).",
)
@click.pass_obj
def import_command(
    state: CliContext, file: Path, name: str | None, revision: str | None
) -> None:
    """Store the SBOM FILE as a record under the SOUP folder and list what changed."""
    project = state.project
    directory = _soup_directory(project)
    record = read_sbom(file, name=name)
    target = directory / f"{record.name}.json"
    relative = _relative(project, target)
    baseline = _record_at(project, revision, relative) if revision is not None else None
    # everything is read and checked: only now is anything written (the previous
    # record is read under the lock that serialises imports into the folder)
    path, previous = store_record(directory, record)
    click.echo(
        f"qms soup: {record.name}: {len(record.components)} components "
        f"({_format_label(record)}) -> {_relative(project, path)}"
    )
    if previous is None:
        click.echo("no previous record")
    else:
        _echo_changes("the previous record", previous, record)
    if baseline is not None and revision is not None:
        _echo_changes(revision, baseline, record)


@soup_group.command("list")
@click.argument("name", required=False)
@click.pass_obj
def list_command(state: CliContext, name: str | None) -> None:
    """The components of each SOUP record (or of record NAME)."""
    project = state.project
    directory = _soup_directory(project)
    records = read_records(directory)
    if name is not None:
        wanted = record_name(name)
        records = tuple(record for record in records if record.name == wanted)
        if not records:
            raise InputError(
                f"no SOUP record {name!r} in {_relative(project, directory)}"
            )
    if not records:
        click.echo(f"qms soup: no records in {_relative(project, directory)}")
        return
    for record in records:
        _echo_record(record)


def _soup_directory(project: Project) -> Path:
    config = project.profile.soup
    if config is None:
        raise ProjectError("the profile has no [soup] table")
    return project.root / config.directory


def _relative(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return str(path)


def _record_at(project: Project, revision: str, relative: str) -> SbomRecord:
    """The record as committed at ``revision``: a one-line error if there is none."""
    history = GitHistory(project.root)
    if history.commit_of(revision) is None:
        raise InputError(
            f"unknown revision {revision!r} (not in this repository's history)"
        )
    text = history.file_at(revision, relative)
    if text is None:
        raise InputError(f"{relative}: no such record at revision {revision!r}")
    return record_from_text(text, path=f"{revision}:{relative}")


def _echo_changes(against: str, old: SbomRecord, new: SbomRecord) -> None:
    lines = describe(diff_records(old, new))
    count = (
        f"{len(lines)} change{'s' if len(lines) != 1 else ''}"
        if lines
        else "no changes"
    )
    click.echo(f"since {against}: {count}")
    for line in lines:
        click.echo(f"  {_shown(line)}")


def _echo_record(record: SbomRecord) -> None:
    click.echo(
        f"{record.name}: {len(record.components)} components "
        f"({_shown(_format_label(record))}, from {_shown(record.source)})"
    )
    rows = [
        (
            _shown(component.name),
            _shown(component.version or "-"),
            _shown(component.supplier or "-"),
            _shown(", ".join(component.licenses) or "-"),
        )
        for component in record.components
    ]
    widths = [max((len(row[column]) for row in rows), default=0) for column in range(3)]
    for row in rows:
        padded = (
            cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)
        )
        click.echo(f"  {'  '.join(padded)}  {row[3]}")


def _shown(text: str) -> str:
    """SBOM text for the terminal: no escape sequences or control characters from
    the imported file, and on one line."""
    return " ".join(printable(text).split())


def _format_label(record: SbomRecord) -> str:
    """``CycloneDX 1.6``; ``SPDX-2.3`` already names its format."""
    if record.spec_version.startswith(record.format):
        return record.spec_version
    return f"{record.format} {record.spec_version}"
