"""The ``qms`` command line: thin click commands over the framework-free core.

Exit codes, each meaning one thing: 0 success; 1 the device file fails a gate
(findings); 2 the command cannot run (bad usage, invalid profile or config,
unreadable input), with a one-line message on standard error and never a traceback;
3 an internal error (a bug in qmsdoc), one line saying so and how to see the
traceback (``qms --debug ...``); 130 interrupted.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qmsdoc import __version__
from qmsdoc.cli.context import CliContext
from qmsdoc.errors import QmsError
from qmsdoc.input_files import limits_scope
from qmsdoc.processes import commands

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["cli", "main"]

#: exit codes (see the module docstring)
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

#: command name -> "module:attribute", as the QMS processes declare them
#: (:mod:`qmsdoc.processes`). A command's module, and the libraries it needs, are
#: imported only when that command runs (or the help lists it): ``qms matrix`` does
#: not pay for the SBOM readers or the dossier templates.
_COMMANDS = commands()


class _LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = _COMMANDS[cmd_name].split(":")
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
@click.option(
    "--debug",
    is_flag=True,
    help="On an internal error, print the traceback (also QMS_DEBUG=1).",
)
@click.pass_context
def cli(context: click.Context, root: Path | None, debug: bool) -> None:
    """qmsdoc: check and export a medical-device design and development file kept in git.

    \b
    Exit codes:
      0  success
      1  the device file fails a gate (findings)
      2  the command cannot run: bad usage or input (one line: file and line)
      3  internal error in qmsdoc (rerun with --debug for the traceback)
    """
    del debug  # read by main(), which must know it before any command runs
    context.obj = CliContext(root_option=root)


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``qms``; a :class:`QmsError` becomes a one-line message and exit code 2,
    any other exception one line and exit code 3 (the traceback with ``--debug``)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    debug = "--debug" in args or os.environ.get("QMS_DEBUG") == "1"
    try:
        with limits_scope():  # the project's [input_limits] end with the command
            code = cli.main(args=args, prog_name="qms", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo("qms: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except QmsError as error:
        click.echo(f"qms: error: {error}", err=True)
        sys.exit(error.exit_code)
    except Exception as error:  # every other failure is a bug: exit 3
        if debug:
            traceback.print_exc()
        rerun = " ".join(["qms", "--debug", *(a for a in args if a != "--debug")])
        summary = " ".join(str(error).split())[:200]
        click.echo(
            f"qms: internal error ({type(error).__name__}: {summary}); this is a bug "
            f"in qmsdoc, not a problem of the device file; rerun as `{rerun}` for "
            "the traceback",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    if isinstance(code, int) and code:
        sys.exit(code)
