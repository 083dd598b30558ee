"""``qms import reqif|xlsx|needs`` and ``qms export reqif``: items in from the tools
teams leave, and the device file out as ReqIF (:mod:`qmsdoc.interchange`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from qmsdoc.device_file import read_items
from qmsdoc.input_files import printable
from qmsdoc.interchange.archive import zip_single
from qmsdoc.interchange.importer import default_out, write_import
from qmsdoc.interchange.mapping import load_mapping, same_name_mapping
from qmsdoc.interchange.needs_import import external_needs_suggestion, read_needs
from qmsdoc.interchange.reqif_format import read_reqif, reqif_bytes
from qmsdoc.interchange.spreadsheet import read_spreadsheet
from qmsdoc.storage.atomic import write_atomic
from qmsdoc.vcs import source_state
from qmsdoc.vcs.clock import generation_time

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from qmsdoc.cli.context import CliContext
    from qmsdoc.interchange.mapping import ImportMapping
    from qmsdoc.interchange.records import ImportedItem, ImportReport, Skipped
    from qmsdoc.project import Project

__all__ = ["export_group", "import_group"]

_FILE = click.Path(dir_okay=False, path_type=Path)


def _import_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every import takes: where to write, in which format, --update."""
    command = click.option(
        "--update",
        is_flag=True,
        help="Rewrite the files an earlier import of the same file generated.",
    )(command)
    command = click.option(
        "--format",
        "fmt",
        type=click.Choice(["rst", "md"]),
        default="rst",
        show_default=True,
        help="reStructuredText or MyST Markdown item files.",
    )(command)
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder for the item file and its report, from the project root "
        "(default: <first source "
        "folder>/imported); must be in a source folder.",
    )(command)


@click.group("import")
def import_group() -> None:
    """Import items from ReqIF (DOORS, Polarion, ...), spreadsheets or needs.json."""


@import_group.command("reqif")
@click.argument("file", type=_FILE)
@click.option(
    "--map",
    "map_file",
    type=_FILE,
    default=None,
    help="Mapping file (TOML) with [reqif] tables; without it, types, attributes "
    "and relation types named as the profile's types, fields and links map to them "
    "(what qms export reqif writes).",
)
@_import_options
@click.pass_obj
def import_reqif_command(
    state: CliContext,
    *,
    file: Path,
    map_file: Path | None,
    out: Path | None,
    fmt: Literal["rst", "md"],
    update: bool,
) -> None:
    """Write the SPEC-OBJECTs of the ReqIF FILE (.reqif, .reqifz) as items."""
    project = state.project
    mapping = _mapping(project, map_file)
    read = read_reqif(file, mapping, project.profile)
    _write(
        project, read.items, "reqif", file, out=out, fmt=fmt, update=update,
        objects=read.objects_read, skipped=read.skipped, title=read.title or None,
    )  # fmt: skip


@import_group.command("xlsx")
@click.argument("file", type=_FILE)
@click.option(
    "--map",
    "map_file",
    type=_FILE,
    required=True,
    help="Mapping file (TOML) with a [sheet] table.",
)
@_import_options
@click.pass_obj
def import_xlsx_command(
    state: CliContext,
    *,
    file: Path,
    map_file: Path,
    out: Path | None,
    fmt: Literal["rst", "md"],
    update: bool,
) -> None:
    """Write the rows of the spreadsheet FILE (.xlsx or .csv) as items."""
    project = state.project
    read = read_spreadsheet(
        file, load_mapping(map_file, project.profile), project.profile
    )
    _write(
        project, read.items, "xlsx", file, out=out, fmt=fmt, update=update,
        objects=read.rows_read, skipped=(), title=None,
    )  # fmt: skip


@import_group.command("needs")
@click.argument("file", type=_FILE)
@click.option(
    "--map",
    "map_file",
    type=_FILE,
    default=None,
    help="Mapping file (TOML) with [needs.types]; without it, need types named "
    "as the profile's types (or their directives) map to them.",
)
@click.option(
    "--version",
    "needs_version",
    default=None,
    help="Version of the needs.json to read (default: its current_version).",
)
@click.option(
    "--external",
    is_flag=True,
    help="Write nothing; print the [project] external_needs lines that link to FILE instead.",
)
@_import_options
@click.pass_obj
def import_needs_command(
    state: CliContext,
    *,
    file: Path,
    map_file: Path | None,
    needs_version: str | None,
    external: bool,
    out: Path | None,
    fmt: Literal["rst", "md"],
    update: bool,
) -> None:
    """Write the needs of another sphinx-needs project's FILE (needs.json) as items."""
    project = state.project
    mapping = _mapping(project, map_file)
    read = read_needs(file, mapping, project.profile, version=needs_version)
    if external:
        click.echo(external_needs_suggestion(project, file), nl=False)
        return
    _write(
        project, read.items, "needs", file, out=out, fmt=fmt, update=update,
        objects=read.needs_read, skipped=read.skipped, title=None,
    )  # fmt: skip


@click.group("export")
def export_group() -> None:
    """Export the device file for other tools."""


@export_group.command("reqif")
@click.argument("out", type=_FILE)
@click.pass_obj
def export_reqif_command(state: CliContext, out: Path) -> None:
    """Write every item and link as ReqIF to OUT (.reqif, or .reqifz for a zip)."""
    project = state.project
    created = generation_time(source_state(project.root))
    exported = reqif_bytes(
        read_items(project), project.profile, title=project.name, created=created
    )
    data = exported.data
    if out.suffix.lower() == ".reqifz":
        when = created.timetuple()[:6]
        data = zip_single(
            f"{out.stem}.reqif",
            data,
            when=(when[0], when[1], when[2], when[3], when[4], when[5]),
        )
    write_atomic(out, data)
    click.echo(
        f"qms export reqif: {exported.objects} objects, {exported.relations} "
        f"relations -> {out}"
    )
    for entry in exported.skipped:
        click.echo(f"  skipped: {printable(entry.where)}: {printable(entry.reason)}")


def _mapping(project: Project, map_file: Path | None) -> ImportMapping:
    if map_file is None:
        return same_name_mapping(project.profile)
    return load_mapping(map_file, project.profile)


def _write(
    project: Project,
    items: Sequence[ImportedItem],
    command: str,
    file: Path,
    *,
    out: Path | None,
    fmt: Literal["rst", "md"],
    update: bool,
    objects: int,
    skipped: Sequence[Skipped],
    title: str | None,
) -> None:
    report: ImportReport = write_import(
        project,
        items,
        command=command,
        source=file,
        out=out if out is not None else default_out(project),
        fmt=fmt,
        update=update,
        objects_read=objects,
        skipped=skipped,
        title=title,
    )
    for line in report.text().splitlines():
        click.echo(" ".join(printable(line).split()) if line.strip() else "")
