"""``qms init DIR``: start a new device file (the questions; the scaffold writes)."""

from __future__ import annotations

from pathlib import Path

import click

from qmsdoc.dossier.plan import DOCUMENTATION_LEVELS, pathway_names
from qmsdoc.errors import OutputError, ProjectError
from qmsdoc.scaffold import (
    FORMATS,
    SAFETY_CLASSES,
    InitOptions,
    project_files,
    target_problem,
    write_tree,
)

__all__ = ["init_command"]

_DEFAULT_PATHWAY = "fda-510k"


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--name", help="Device name (default: the folder's name).")
@click.option(
    "--pathway",
    "pathways",
    multiple=True,
    help=f"Submission pathway, repeatable: {', '.join(pathway_names())} "
    f"(default: {_DEFAULT_PATHWAY}).",
)
@click.option(
    "--class",
    "safety_class",
    help="IEC 62304 software safety class: A, B or C (default: B).",
)
@click.option(
    "--documentation-level",
    help="FDA software documentation level: basic or enhanced (default: basic).",
)
@click.option(
    "--format",
    "markup",
    type=click.Choice(FORMATS),
    default="rst",
    show_default=True,
    help="Pages in reStructuredText or MyST Markdown.",
)
@click.option("--yes", "-y", is_flag=True, help="Ask nothing: defaults for the rest.")
def init_command(
    *,
    directory: Path,
    name: str | None,
    pathways: tuple[str, ...],
    safety_class: str | None,
    documentation_level: str | None,
    markup: str,
    yes: bool,
) -> None:
    """Create a new device file in DIRECTORY (new, or empty but for .git).

    \b
    Writes conf.py, qms.toml, the front page, one stub page per document the
    pathways need (each says what it must hold and which standard asks for it),
    a Makefile (make check, make test, make dossier), .gitignore and CI templates
    for GitHub Actions and GitLab CI. Nothing is written when anything fails.
    """
    target = directory.resolve()
    problem = target_problem(target)
    if problem is not None:
        raise OutputError(problem)
    ask = not yes

    def answer(given: str | None, question: str, default: str) -> str:
        if given is not None:
            return given
        return str(click.prompt(question, default=default)) if ask else default

    chosen_name = answer(name, "Device name", target.name)
    if not pathways:
        listed = answer(
            None, f"Pathways ({', '.join(pathway_names())})", _DEFAULT_PATHWAY
        )
        pathways = tuple(part for part in listed.replace(",", " ").split() if part)
    options = InitOptions(
        name=chosen_name,
        pathways=tuple(dict.fromkeys(pathways)),
        safety_class=answer(
            safety_class, f"Software safety class ({'/'.join(SAFETY_CLASSES)})", "B"
        ),
        documentation_level=answer(
            documentation_level,
            f"Documentation level ({'/'.join(DOCUMENTATION_LEVELS)})",
            "basic",
        ),
        markup=markup,
    )
    problems = options.problems()
    if problems:
        raise ProjectError(problems[0])
    files = project_files(options)
    write_tree(target, files)
    click.echo(
        f"qms init: wrote {len(files)} files for {options.name} "
        f"({', '.join(options.pathways)}) into {target}"
    )
    click.echo(
        "next: git init and commit; `make check` lists what is missing "
        "(the stub pages, the items and their trace)"
    )
