"""``qms release``: write the record of a release tag, and verify a release later."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc import __version__
from qmsdoc.errors import OutputError, ProjectError
from qmsdoc.project import load_project
from qmsdoc.release import (
    ReleaseProblem,
    compare_dossiers,
    read_record,
    record_consistency,
    record_from_dossier,
    record_path,
    verify_history,
    write_record,
)
from qmsdoc.release.rebuild import RebuildError, rebuild_dossiers
from qmsdoc.vcs import GitHistory, source_state

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext
    from qmsdoc.release import ReleaseRecord

__all__ = ["release_group"]


@click.group("release")
def release_group() -> None:
    """Release records: what a tag released, and whether it still holds."""


@release_group.command("record")
@click.argument("tag")
@click.option(
    "--dossier",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("_build/dossier"),
    show_default=True,
    help="The dossier built with `qms dossier --release TAG` (pathway folders).",
)
@click.option(
    "--into",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Write the record into this checkout of the project (the one you commit "
    "from) instead of the one at the tag (`make release-record` builds in a clone).",
)
@click.pass_obj
def record_command(
    state: CliContext, *, tag: str, dossier: Path, into: Path | None
) -> None:
    """Write the record of release TAG from its dossier (HEAD must be at the tag).

    Records are append-only: an existing record is never replaced. Commit the file.
    """
    project = state.project
    home = project if into is None else load_project(into.resolve())
    history = GitHistory(project.root)
    commit = history.tag_target(tag)
    if commit is None:
        raise ProjectError(f"release tag {tag!r} does not exist in this repository")
    pattern = project.profile.baseline_pattern
    if not fnmatch.fnmatchcase(tag, pattern):
        raise ProjectError(
            f"{tag!r} is not a release tag (tags matching {pattern!r}, "
            "[suspect] baselines)"
        )
    source = source_state(project.root)
    if source.commit != commit:
        raise ProjectError(
            f"HEAD is not at release {tag!r}: check out the tag (a clean clone: "
            "`make release-record TAG=...`)"
        )
    if not source.clean:
        raise ProjectError(
            "the working tree is modified: a release is recorded from a clean checkout"
        )
    target = record_path(home.root, home.profile.release_records, tag)
    if target.exists():
        raise OutputError(
            f"{target}: a record of {tag!r} exists; release records are append-only"
        )
    record = record_from_dossier(
        dossier if dossier.is_absolute() else project.root / dossier,
        tag=tag,
        commit=commit,
        tree=history.tree_of(commit) or "",
        recorded_by=history.user_identity() or "unknown",
        recorded_at=history.tag_date(tag) or "",
        generator=f"qmsdoc {__version__}",
    )
    write_record(target, record)
    click.echo(
        f"{tag}: recorded {target.relative_to(home.root).as_posix()}"
        f"{'' if into is None else f' in {home.root}'} "
        f"(commit {commit[:12]}, tree {record.tree[:12]}, "
        f"{', '.join(entry.pathway for entry in record.pathways)}); commit this file"
    )


@release_group.command("verify")
@click.argument("tag")
@click.option(
    "--rebuild/--no-rebuild",
    default=True,
    show_default=True,
    help="Rebuild the dossiers from the tag and compare their manifests.",
)
@click.pass_obj
def verify_command(state: CliContext, *, tag: str, rebuild: bool) -> None:
    """Check release TAG against its record; exit 1 when anything differs.

    Reports a moved or missing tag, a recorded commit that is gone or no longer in
    the history of HEAD, a tree that differs, an edited record, and (with
    --rebuild) a dossier rebuilt from the tag whose manifest differs.
    """
    project = state.project
    history = GitHistory(project.root)
    incomplete = history.completeness()
    if incomplete is not None:
        raise ProjectError(incomplete)
    path = record_path(project.root, project.profile.release_records, tag)
    record = read_record(path)
    problems = [*record_consistency(record), *verify_history(record, tag, history)]
    click.echo(
        f"{tag}: record {path.relative_to(project.root).as_posix()} "
        f"(commit {record.commit[:12]}, tree {record.tree[:12]}, "
        f"recorded {record.recorded_at} by {record.recorded_by})"
    )
    if rebuild:
        problems.extend(_rebuilt(project.root, history, record=record, tag=tag))
    for problem in problems:
        click.echo(f"  {problem.kind}: {problem.message}")
    if problems:
        click.echo(
            f"{tag}: {len(problems)} problem(s): the release does not match its record"
        )
        raise click.exceptions.Exit(1)
    checked = "tag, commit, tree" + (" and rebuilt dossiers" if rebuild else "")
    click.echo(f"{tag}: verified ({checked} match the record)")


def _rebuilt(
    root: Path, history: GitHistory, *, record: ReleaseRecord, tag: str
) -> list[ReleaseProblem]:
    commit = history.tag_target(tag)
    if commit is None:
        return [
            ReleaseProblem(
                kind="dossier_not_rebuilt", message="no tag to rebuild the dossier from"
            )
        ]
    pdf = any("technical-file.pdf" in entry.files() for entry in record.pathways)
    click.echo(
        f"  rebuilding {', '.join(e.pathway for e in record.pathways)} from "
        f"{commit[:12]}{' with the PDF' if pdf else ''}..."
    )
    try:
        rebuilt = rebuild_dossiers(
            root,
            history,
            tag=tag,
            commit=commit,
            pathways=[entry.pathway for entry in record.pathways],
            pdf=pdf,
        )
    except RebuildError as error:
        return [ReleaseProblem(kind="dossier_not_rebuilt", message=str(error))]
    return compare_dossiers(record, rebuilt)
