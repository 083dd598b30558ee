"""One import from start to end: check, render, write, report.

The readers (:mod:`~qmsdoc.interchange.reqif_format`,
:mod:`~qmsdoc.interchange.spreadsheet`, :mod:`~qmsdoc.interchange.needs_import`)
turn a file into :class:`~qmsdoc.interchange.records.ImportedItem` records and
refuse bad input; this module places them: ``<out>/<name>.rst`` (or ``.md``) and
``<out>/<name>.import-report.txt`` beside it, where ``<name>`` is the input's name.
The output folder must lie in one of the project's source folders, so the checks and
the Sphinx build read the imported items.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError
from qmsdoc.interchange.output import (
    Output,
    check_against_project,
    check_rewritable,
    write_outputs,
)
from qmsdoc.interchange.records import ImportReport
from qmsdoc.interchange.writer import render

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from qmsdoc.interchange.records import ImportedItem, Skipped
    from qmsdoc.interchange.writer import Format
    from qmsdoc.project import Project

__all__ = ["default_out", "output_name", "write_import"]


def default_out(project: Project) -> Path:
    """``<first source folder>/imported``: where imports go without ``--out``."""
    first = project.sources[0] if project.sources else "."
    return (project.root / first / "imported").resolve()


def output_name(source: Path) -> str:
    """The file name (no suffix) of an import of ``source``: its name without the
    suffixes, in letters, digits, ``-`` and ``_``."""
    stem = source.name.split(".", 1)[0]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "import"


def write_import(
    project: Project,
    items: Sequence[ImportedItem],
    *,
    command: str,
    source: Path,
    out: Path,
    fmt: Format,
    update: bool = False,
    objects_read: int,
    skipped: Sequence[Skipped] = (),
    title: str | None = None,
) -> ImportReport:
    """Check ``items`` against the project and write them with their report.

    :raises InputError: One line, if the output folder is outside the source
        folders, an id exists already, a link target is unknown, or an output file
        exists (without ``--update``, or hand-written); nothing is written.
    :raises OutputError: If the files cannot be written; nothing is left half-written.
    """
    root = project.root.resolve()
    folder = out if out.is_absolute() else (root / out)
    folder = folder.resolve()
    name = output_name(source)
    target = folder / f"{name}.{fmt}"
    report_path = folder / f"{name}.import-report.txt"
    relative = _inside_sources(project, target)
    existed = check_rewritable(target, update=update)
    if report_path.exists() and not existed:
        raise InputError(f"{report_path}: exists; refused (choose another --out)")
    check_against_project(items, project, rewritten=relative if existed else None)
    report = ImportReport(
        command=f"qms import {command}",
        source=source.name,
        objects_read=objects_read,
        items=tuple(items),
        skipped=tuple(skipped),
        outputs=(relative, report_path.relative_to(root).as_posix()),
    )
    text = render(
        items, title=title or source.name, command=command, source=source.name, fmt=fmt
    )
    write_outputs(
        [Output(path=target, text=text), Output(path=report_path, text=report.text())],
        folder=folder,
    )
    return report


def _inside_sources(project: Project, target: Path) -> str:
    root = project.root.resolve()
    try:
        relative = target.relative_to(root).as_posix()
    except ValueError:
        raise InputError(
            f"{target.parent}: outside the project ({root}); refused"
        ) from None
    if not project.is_source(relative):
        folders = ", ".join(project.sources)
        raise InputError(
            f"{target.parent}: not in a source folder of the project ({folders}); "
            "its items would not be read"
        )
    return relative
