"""``qms evidence protocol`` and the readers ``qms evidence import`` calls for a filled
protocol workbook (``.xlsx``) and a study report (``.toml``).

The readers return records (run id and JSON-ready document); storing them is the
import command's job, so a refused file stores nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qmsdoc.device_file import read_raw_items
from qmsdoc.errors import InputError, ProjectError
from qmsdoc.evidence.manual import execution_document
from qmsdoc.evidence.protocol import executions_from_workbook, protocol_of
from qmsdoc.evidence.status import current_signatures
from qmsdoc.evidence.study import read_study_toml, study_document
from qmsdoc.export.xlsx import read_workbook_cells, write_protocol_workbook
from qmsdoc.model import load_items

if TYPE_CHECKING:
    from qmsdoc.cli.context import CliContext
    from qmsdoc.model import Item
    from qmsdoc.profile.model import EvidenceConfig
    from qmsdoc.project import Project

__all__ = ["protocol_command", "record_from_study", "records_from_protocol"]


@click.command("protocol")
@click.argument("test_ids", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The protocol workbook to write (.xlsx).",
)
@click.pass_obj
def protocol_command(
    state: CliContext, test_ids: tuple[str, ...], output: Path
) -> None:
    """Write a protocol workbook for the manual tests TEST_IDS: one sheet per test,
    its steps and expected results, and the cells the tester fills in."""
    project = state.project
    items, signatures = executable_items(project)
    unknown = [test_id for test_id in test_ids if test_id not in items]
    if unknown:
        raise InputError(f"not a test item of the project: {', '.join(unknown)}")
    chosen = list(dict.fromkeys(test_ids))
    protocols = [protocol_of(items[t], signatures[t]) for t in chosen]
    write_protocol_workbook(output, protocols)
    click.echo(
        f"qms evidence: protocol of {', '.join(chosen)} ({len(chosen)} "
        f"{'sheet' if len(chosen) == 1 else 'sheets'}) -> {output}"
    )


def records_from_protocol(
    project: Project, path: Path, *, illustrative: bool = False
) -> list[tuple[str, dict[str, Any]]]:
    """The execution records of a filled-in protocol workbook: (run id, document).

    :param illustrative: The records are of the fictional reference device.
    :raises InputError: One line ``file: sheet!cell: problem``; then no record.
    """
    cells = read_workbook_cells(path)
    items, signatures = executable_items(project)
    executions = executions_from_workbook(
        cells,
        items=items,
        signatures=signatures,
        source=path.name,
        root=project.root,
        illustrative=illustrative,
    )
    return [
        (execution.run_id, execution_document(execution)) for execution in executions
    ]


def record_from_study(project: Project, path: Path) -> tuple[str, dict[str, Any]]:
    """The record of a study report TOML file: (run id, document).

    :raises InputError: One line ``file:line: problem`` (also when the validation
        item is unknown).
    """
    report = read_study_toml(path, project.root)
    items, _ = executable_items(project)
    if report.validation_id not in items:
        raise InputError(
            f"{path}: validation: {report.validation_id!r} is not a test or "
            "validation item of the project"
        )
    return report.run_id, study_document(report)


def executable_items(project: Project) -> tuple[dict[str, Item], dict[str, str]]:
    """The project's test and validation items by id, and their signatures now."""
    config = _evidence_config(project)
    raw = read_raw_items(project)
    items = {
        item.id: item
        for item in load_items(raw, project.profile)
        if item.id and item.item_type in config.test_types
    }
    signatures = {
        item_id: signature
        for item_id, signature in current_signatures(
            raw, config.unchanged_fields
        ).items()
        if item_id in items
    }
    return items, signatures


def _evidence_config(project: Project) -> EvidenceConfig:
    config = project.profile.evidence
    if config is None:
        raise ProjectError("the profile has no [evidence] table")
    return config
