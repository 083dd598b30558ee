"""The ``qms`` command line: thin click commands over the framework-free core.

Exit codes: 0 success; 1 the device file fails a gate (findings); 2 the command
cannot run (bad usage, invalid profile or config, unreadable input), with a one-line
message on standard error and never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc import __version__
from qmsdoc.cli.change import (
    approvals_command,
    diff_command,
    history_command,
    review_command,
    suspect_command,
)
from qmsdoc.cli.check import check_command, checks_command, items_command
from qmsdoc.cli.context import CliContext
from qmsdoc.cli.dossier import dossier_command
from qmsdoc.cli.evidence import evidence_group
from qmsdoc.cli.profile import profile_command
from qmsdoc.cli.soup import soup_group
from qmsdoc.cli.trace import gaps_command, matrix_command
from qmsdoc.cli.vulnerability import vulnerabilities_group
from qmsdoc.errors import QmsError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qms")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project root (default: the folder above the current one holding qms.toml or conf.py).",
)
@click.pass_context
def cli(context: click.Context, root: Path | None) -> None:
    """qmsdoc: check and export a medical-device design history file kept in git."""
    context.obj = CliContext(root_option=root)


cli.add_command(check_command)
cli.add_command(checks_command)
cli.add_command(items_command)
cli.add_command(profile_command)
cli.add_command(matrix_command)
cli.add_command(gaps_command)
cli.add_command(evidence_group)
cli.add_command(history_command)
cli.add_command(diff_command)
cli.add_command(suspect_command)
cli.add_command(review_command)
cli.add_command(approvals_command)
cli.add_command(dossier_command)
cli.add_command(soup_group)
cli.add_command(vulnerabilities_group)


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``qms``; a :class:`QmsError` becomes a one-line message and exit code."""
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="qms",
            standalone_mode=False,
        )
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("qms: aborted", err=True)
        sys.exit(1)
    except QmsError as error:
        click.echo(f"qms: error: {error}", err=True)
        sys.exit(error.exit_code)
    if isinstance(code, int) and code:
        sys.exit(code)
