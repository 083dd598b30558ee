"""Frozen records of an import: the items read from another tool and the report.

An :class:`ImportedItem` is what one object of a ReqIF file, one row of a
spreadsheet or one need of a needs.json says once the mapping file is applied: a
profile type, an id, a title, field values, links and content, and where it came
from (``file:line`` or ``file: sheet!B7``), so every later refusal can name it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ImportReport",
    "ImportedItem",
    "Skipped",
    "normal_value",
]


def normal_value(value: str) -> str:
    """An option value in the form the source readers give it back: each line
    stripped, blank lines dropped (:mod:`qmsdoc.model.rst_source` joins an option's
    non-empty lines with line breaks), so a written value reads back unchanged."""
    return "\n".join(line.strip() for line in value.splitlines() if line.strip())


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedItem:
    """One item to write, with the profile's names (the mapping applied)."""

    item_type: str
    """The profile type's name."""
    directive: str
    """The type's directive."""
    id: str
    title: str
    fields: tuple[tuple[str, str], ...]
    """(field, value) in the order they are written; values in :func:`normal_value`
    form."""
    links: tuple[tuple[str, tuple[str, ...]], ...]
    """(link type, targets) in the order they are written."""
    content: str
    """The item's body."""
    markup: str = "text"
    """``text``: plain text, escaped when written; ``rst``: written as it is (the
    content of items qmsdoc exported itself)."""
    section: tuple[str, ...] = ()
    """Headings above the item (the source's hierarchy), outermost first."""
    source: str = ""
    """Where the item was read: ``file:line`` or ``file: sheet!B7``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    """Something of the input that was not imported, and why."""

    where: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportReport:
    """What an import read and wrote (printed, and written next to the output as
    ``<name>.import-report.txt``)."""

    command: str
    """``qms import reqif`` and so on."""
    source: str
    """The input file as given."""
    objects_read: int
    items: tuple[ImportedItem, ...]
    skipped: tuple[Skipped, ...] = ()
    outputs: tuple[str, ...] = ()
    """The files written, relative to the project root."""

    @property
    def link_count(self) -> int:
        """Links written (one per target)."""
        return sum(len(targets) for item in self.items for _, targets in item.links)

    def per_type(self) -> tuple[tuple[str, int], ...]:
        """(type, items written) by type name."""
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.item_type] = counts.get(item.item_type, 0) + 1
        return tuple(sorted(counts.items()))

    def text(self) -> str:
        """The report as text: deterministic (no time, no absolute paths)."""
        lines = [
            f"{self.command} {self.source}",
            f"objects read: {self.objects_read}",
            f"items written: {len(self.items)}",
        ]
        lines.extend(f"  {name}: {count}" for name, count in self.per_type())
        lines.append(f"links written: {self.link_count}")
        lines.append(f"skipped: {len(self.skipped)}")
        lines.extend(f"  {entry.where}: {entry.reason}" for entry in self.skipped)
        lines.extend(f"output: {output}" for output in self.outputs)
        return "\n".join(lines) + "\n"
