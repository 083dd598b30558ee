"""The ``qms`` command line: thin click commands over the framework-free core.

Exit codes: 0 success; 1 the device file fails a gate (findings); 2 the command
cannot run (bad usage, invalid profile or config, unreadable input), with a one-line
message on standard error and never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc import __version__
from qmsdoc.cli.context import CliContext
from qmsdoc.errors import QmsError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["cli", "main"]

#: command name -> (module, attribute). A command's module, and the libraries it
#: needs, are imported only when that command runs (or the help lists it): ``qms
#: matrix`` does not pay for the SBOM readers or the dossier templates.
_COMMANDS = {
    "approvals": ("qmsdoc.cli.change", "approvals_command"),
    "check": ("qmsdoc.cli.check", "check_command"),
    "checks": ("qmsdoc.cli.check", "checks_command"),
    "diff": ("qmsdoc.cli.change", "diff_command"),
    "dossier": ("qmsdoc.cli.dossier", "dossier_command"),
    "evidence": ("qmsdoc.cli.evidence", "evidence_group"),
    "gaps": ("qmsdoc.cli.trace", "gaps_command"),
    "history": ("qmsdoc.cli.change", "history_command"),
    "items": ("qmsdoc.cli.check", "items_command"),
    "matrix": ("qmsdoc.cli.trace", "matrix_command"),
    "profile": ("qmsdoc.cli.profile", "profile_command"),
    "release": ("qmsdoc.cli.release", "release_group"),
    "review": ("qmsdoc.cli.change", "review_command"),
    "soup": ("qmsdoc.cli.soup", "soup_group"),
    "suspect": ("qmsdoc.cli.change", "suspect_command"),
    "vulnerabilities": ("qmsdoc.cli.vulnerability", "vulnerabilities_group"),
}


class _LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = _COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        assert command.name == cmd_name
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
