"""``qms evidence import``, ``qms evidence status`` and ``qms evidence protocol``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qmsdoc.device_file import check_device_file
from qmsdoc.errors import ProjectError
from qmsdoc.evidence import import_reports
from qmsdoc.evidence.records import OUTCOMES
from qmsdoc.evidence.status import STATES
from qmsdoc.evidence.store import add_records, write_run
from qmsdoc.vcs import source_state

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext
    from qmsdoc.evidence.records import EvidenceRun
    from qmsdoc.project import Project

__all__ = ["evidence_group"]


@click.group("evidence")
def evidence_group() -> None:
    """Verification evidence: import results as records, show verification states."""


@evidence_group.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--commit",
    default=None,
    help="SHA of the commit the tested software was built from (default: from the report).",
)
@click.option(
    "--run",
    "run_id",
    default=None,
    help="Run id (default: from the report, else a digest).",
)
@click.option(
    "--date",
    default=None,
    help="When the run happened, ISO 8601 (default: from the report).",
)
@click.option(
    "--environment", default="", help="Where it ran (runner, OS, device, browser)."
)
@click.option("--executor", default="", help="Who or what ran it (CI system, tester).")
@click.option(
    "--tree-clean/--tree-modified",
    "tree_clean",
    default=None,
    help="Whether the tested tree had no uncommitted changes (default: from git "
    "when --commit is HEAD, else unknown).",
)
@click.option(
    "--local",
    is_flag=True,
    help="A developer's local run: stored under local/ (git-ignored), never released.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace a record with the same run id (records are append-only otherwise).",
)
@click.option(
    "--illustrative",
    is_flag=True,
    help="Mark manual execution records as illustrative (a fictional reference device).",
)
@click.pass_obj
def import_command(
    state: CliContext,
    *,
    files: tuple[Path, ...],
    commit: str | None,
    run_id: str | None,
    date: str | None,
    environment: str,
    executor: str,
    tree_clean: bool | None,
    local: bool,
    replace: bool,
    illustrative: bool,
) -> None:
    """Store FILES as evidence records under the evidence folder.

    JUnit XML and Robot Framework output.xml files are one automated run; a filled
    protocol workbook (.xlsx, from `qms evidence protocol`) gives one manual execution
    record per sheet; a study report (.toml) gives one study record. Nothing is stored
    when any file is invalid; an existing run id is refused unless --replace.
    """
    project = state.project
    config = project.profile.evidence
    if config is None:
        raise ProjectError(
            "the profile has no [evidence] table; nothing to import into"
        )
    directory = project.root / config.directory
    suffixes = {path.suffix.lower() for path in files}
    if suffixes & {".xlsx", ".toml"}:
        if len(files) != 1:
            raise click.UsageError(
                "import one protocol workbook or study report at a time"
            )
        documents = _record_documents(project, files[0], illustrative=illustrative)
        # every run id is checked under the folder's lock before any record is written
        records = add_records(directory, documents, replace=replace)
        for (record_id, document), record in zip(documents, records, strict=True):
            _echo_stored(record_id, record.path, record.replaced, document)
        return
    run = import_reports(
        list(files),
        commit=commit or None,
        run_id=run_id,
        date=date,
        verifies_property=config.verifies_property,
        tree_clean=_tree_clean(project, commit, tree_clean),
        environment=environment,
        executor=executor,
        local=local,
        root=project.root,
    )
    stored = write_run(directory, run, replace=replace)
    _echo_run(run, stored.path, stored.replaced)


def _record_documents(
    project: Project, path: Path, *, illustrative: bool
) -> list[tuple[str, dict[str, Any]]]:
    from qmsdoc.cli.evidence_records import (  # noqa: PLC0415 (openpyxl only when needed)
        record_from_study,
        records_from_protocol,
    )

    if path.suffix.lower() == ".xlsx":
        return records_from_protocol(project, path, illustrative=illustrative)
    return [record_from_study(project, path)]


def _tree_clean(
    project: Project, commit: str | None, given: bool | None
) -> bool | None:
    if given is not None:
        return given
    state = source_state(project.root)
    if commit is not None and state.commit is not None and commit == state.commit:
        return state.clean
    return None


def _echo_run(run: EvidenceRun, path: Path, replaced: str | None) -> None:
    counts = {
        outcome: sum(1 for r in run.results if r.outcome == outcome)
        for outcome in OUTCOMES
    }
    summary = ", ".join(
        f"{count} {outcome}" for outcome, count in counts.items() if count
    )
    commit_text = run.commit[:12] if run.commit else "unknown commit"
    tree = {True: "clean tree", False: "modified tree", None: "tree state unknown"}
    local = ", local run (never counts for a release)" if run.local else ""
    click.echo(
        f"qms evidence: run {run.run_id} ({commit_text}, {tree[run.tree_clean]}{local}): "
        f"{len(run.results)} cases ({summary or 'none'}) -> {path}"
    )
    if replaced:
        click.echo(f"qms evidence: replaced the earlier record: {replaced}")


def _echo_stored(
    record_id: str, path: Path, replaced: str | None, document: dict[str, Any]
) -> None:
    verdict = document.get("verdict") or document.get("outcome") or ""
    click.echo(f"qms evidence: record {record_id} ({verdict}) -> {path}")
    if replaced:
        click.echo(f"qms evidence: replaced the earlier record: {replaced}")


def _add_protocol_command() -> None:
    from qmsdoc.cli.evidence_records import protocol_command  # noqa: PLC0415

    evidence_group.add_command(protocol_command)


_add_protocol_command()


@evidence_group.command("status")
@click.argument("item_ids", nargs=-1)
@click.option(
    "--with-local", is_flag=True, help="Also read the git-ignored local runs."
)
@click.pass_obj
def status_command(
    state: CliContext, item_ids: tuple[str, ...], with_local: bool
) -> None:
    """Verification state of each verifiable item (or of ITEM_IDS), with the records
    it rests on."""
    outcome = check_device_file(state.project, include_local=with_local)
    view = outcome.evidence
    if view is None:
        raise ProjectError("the profile has no [evidence] table")
    wanted = set(item_ids)
    counts: dict[str, int] = dict.fromkeys(STATES, 0)
    for item in outcome.items:
        verification = view.states.get(item.id)
        if verification is None or (wanted and item.id not in wanted):
            continue
        if item.item_type in view.verified_types:
            counts[verification.state] += 1
        click.echo(f"{item.id:10} {verification.label:22} {item.title}")
        if verification.state not in ("passed",):
            click.echo(f"{'':10} {verification.describe()}")
        for linked in verification.results:
            via = f" via {linked.via}" if linked.via else ""
            stale = f" [stale: {linked.stale_reason}]" if linked.stale_reason else ""
            local = " [local]" if linked.run.local else ""
            click.echo(
                f"{'':10} {linked.result.outcome:9} {linked.result.label} "
                f"({linked.record}{via}){stale}{local}"
            )
    missing = wanted - set(view.states)
    if missing:
        raise click.BadParameter(
            f"no verifiable or test item {', '.join(sorted(missing))}"
        )
    click.echo(
        "qms evidence: "
        + ", ".join(
            f"{count} {name.replace('_', ' ')}" for name, count in counts.items()
        )
    )
