"""``qms profile``: show the profile in force, validate a profile file, or write the
JSON Schema of ``qms.toml`` for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc.project import load_project

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext
    from qmsdoc.profile import Profile

__all__ = ["profile_command"]


@click.command("profile")
@click.option(
    "--validate",
    "profile_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Validate this profile file instead of showing the project's profile.",
)
@click.option(
    "--schema",
    "schema_file",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    is_flag=False,
    flag_value="-",
    default=None,
    help=(
        "Write the JSON Schema (draft 2020-12) of qms.toml and profiles to FILE "
        "(standard output without FILE or with -), for editors."
    ),
)
@click.pass_obj
def profile_command(
    state: CliContext, profile_file: Path | None, schema_file: Path | None
) -> None:
    """Show the item types, links and coverage rules of the profile."""
    if schema_file is not None:
        _write_schema(schema_file)
        return
    if profile_file is None:
        _show(state.project.profile)
        return
    # the file is loaded as `qms check` loads a project file in its folder ([project]
    # table, a separate profile it names, the item folders), so a file valid here
    # is one `check` accepts
    project = load_project(profile_file.resolve().parent, profile_file)
    project.source_files()
    profile = project.profile
    click.echo(f"{profile_file}: valid profile {profile.name} {profile.version}")


def _show(profile: Profile) -> None:
    click.echo(f"profile {profile.name} {profile.version} ({profile.source})")
    click.echo("item types:")
    for item_type in profile.types:
        links = "; ".join(
            f"{name} -> {', '.join(targets)}"
            for name, targets in item_type.allowed_links
        )
        click.echo(
            f"  {item_type.directive:20} {item_type.id_pattern_text:28} {item_type.title}"
        )
        click.echo(f"  {'':20} required: {', '.join(item_type.required)}")
        if links:
            click.echo(f"  {'':20} links: {links}")
    click.echo("coverage rules:")
    for rule in profile.coverage:
        click.echo(f"  qms.{rule.check_id:40} {rule.description} ({rule.clause})")


def _write_schema(target: Path) -> None:
    from qmsdoc.profile.schema import profile_schema  # noqa: PLC0415 (only here)

    text = json.dumps(profile_schema(), indent=2, ensure_ascii=False) + "\n"
    if str(target) == "-":
        click.echo(text, nl=False)
        return
    target.write_text(text, encoding="utf-8")
    click.echo(f"qms profile: JSON Schema written to {target}", err=True)
