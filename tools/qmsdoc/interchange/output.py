"""Write an import's files: all of them or none, never over hand-written items.

Before anything is written, the imported items are checked against the project
(:func:`qmsdoc.device_file.read_items`): an id that exists already is refused in one
line naming both places, unless ``--update`` is given and the existing item lives in
the very file this import rewrites, a file an earlier import generated
(:func:`~qmsdoc.interchange.writer.is_generated`); a hand-written file is never
rewritten. Every link target must be an imported item or an item of the project.
The files are then written to temporary files in their folder and renamed into
place at the end, under the folder's write lock, so a failed import leaves nothing.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qmsdoc.device_file import read_items
from qmsdoc.errors import InputError, OutputError
from qmsdoc.input_files import read_input_text
from qmsdoc.interchange.writer import is_generated
from qmsdoc.storage.locking import locked

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.interchange.records import ImportedItem
    from qmsdoc.model import Item
    from qmsdoc.project import Project

__all__ = ["Output", "check_against_project", "check_rewritable", "write_outputs"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Output:
    """One file to write: its path and its text."""

    path: Path
    text: str


def check_rewritable(path: Path, *, update: bool) -> bool:
    """Whether ``path`` exists (and may be rewritten).

    :raises InputError: If it exists and ``update`` is not given, or it is not a file
        an import generated.
    """
    if not path.exists():
        return False
    text = read_input_text(path, kind="source") if path.is_file() else ""
    if not is_generated(text):
        raise InputError(
            f"{path}: exists and was not written by qms import; refused "
            "(choose another --out)"
        )
    if not update:
        raise InputError(
            f"{path}: exists (an earlier import); give --update to rewrite it"
        )
    return True


def check_against_project(
    items: Sequence[ImportedItem],
    project: Project,
    *,
    rewritten: str | None,
) -> None:
    """Refuse ids the project has already and link targets nobody has.

    :param rewritten: The file (relative to the root) this import rewrites, whose
        items are replaced; None when it writes a new file.
    :raises InputError: One line naming the imported item and the existing one, or
        the unknown link target.
    """
    existing = {
        item.id: item
        for item in read_items(project)
        if item.id and item.location.path != rewritten
    }
    imported = _unique(items)
    for item in items:
        other = existing.get(item.id)
        if other is not None:
            raise InputError(
                f"{item.source}: id {item.id!r} exists already at {_where(other)}; "
                "refused (an import never touches hand-written items)"
            )
    for item in items:
        for link, targets in item.links:
            for target in targets:
                if target not in imported and target not in existing:
                    raise InputError(
                        f"{item.source}: {item.id}: {link} names {target!r}, "
                        "which is neither imported nor an item of the project"
                    )


def write_outputs(outputs: Sequence[Output], *, folder: Path) -> None:
    """Write every output under the lock of ``folder``: each to a temporary file
    first, all renamed into place at the end (none if one cannot be written).

    :raises OutputError: If a file cannot be written.
    """
    with locked(folder):
        temporaries: list[tuple[Path, Path]] = []
        try:
            for output in outputs:
                temporaries.append((_temporary(output), output.path))
            for temporary, path in temporaries:
                temporary.replace(path)
        except OSError as error:
            raise OutputError(
                f"{folder}: cannot be written: {error.strerror or error}"
            ) from None
        finally:
            for temporary, _ in temporaries:
                if temporary.exists():
                    temporary.unlink()


def _temporary(output: Output) -> Path:
    output.path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=f".{output.path.name}.", dir=output.path.parent
    )
    with os.fdopen(handle, "wb") as stream:
        stream.write(output.text.encode("utf-8"))
    path = Path(name)
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o666 & ~mask)
    return path


def _unique(items: Sequence[ImportedItem]) -> set[str]:
    seen: dict[str, ImportedItem] = {}
    for item in items:
        first = seen.setdefault(item.id, item)
        if first is not item:
            raise InputError(
                f"{item.source}: duplicate id {item.id!r} (first at {first.source})"
            )
    return set(seen)


def _where(item: Item) -> str:
    return str(item.location) if not item.origin else f"{item.origin}"
