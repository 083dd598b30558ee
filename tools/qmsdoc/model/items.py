"""Frozen records for items as written (``RawItem``) and as understood (``Item``).

A ``RawItem`` is what one directive in a source file says, before the profile is
applied; both the Sphinx directive and the plain source scanner produce it, so the
CLI and the Sphinx build see exactly the same items.
"""

from __future__ import annotations

from dataclasses import dataclass

from qmsdoc.model.slot_state import get_slot_state, set_slot_state

__all__ = ["MAX_ID_LENGTH", "Item", "Link", "Location", "RawItem", "Waiver"]

#: the longest identifier any profile allows: a longer one is malformed whatever the
#: type's pattern says, and the Sphinx build neither creates nor links it (sphinx-needs
#: sorts ids numerically, and a run of more than 4,300 digits stops its build)
MAX_ID_LENGTH = 128


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Location:
    """Where an item is written: a file relative to the project root, and a line."""

    path: str
    """POSIX path relative to the project root, e.g. ``requirements/software.rst``."""
    line: int
    """1-based line of the directive."""
    docname: str
    """The Sphinx document name (the path without suffix)."""

    __getstate__ = get_slot_state
    __setstate__ = set_slot_state

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True, kw_only=True)
class RawItem:
    """One item directive as written, before the profile is applied."""

    directive: str
    title: str
    options: tuple[tuple[str, str], ...]
    """(option name, raw value) in source order; a value may span lines."""
    content: str
    location: Location
    origin: str = ""
    """Empty for an item written in the sources; otherwise the file it comes from,
    ``needimport:<path>`` or ``external:<path>``: an external item, known to the
    graph but not checked (its content belongs to another file)."""

    __getstate__ = get_slot_state
    __setstate__ = set_slot_state

    @property
    def external(self) -> bool:
        """Whether the item comes from another file (:attr:`origin`)."""
        return bool(self.origin)

    def option(self, name: str) -> str | None:
        """The raw value of option ``name``, or None."""
        for key, value in self.options:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A directed link from the item that carries it to ``target``."""

    link_type: str
    target: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Waiver:
    """A recorded deviation: the item accepts a finding of ``check_id`` for a reason."""

    check_id: str
    justification: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """A controlled item of the design and development file, with its type from the profile."""

    id: str
    """The identifier as written; empty if the author gave none."""
    item_type: str
    title: str
    fields: tuple[tuple[str, str], ...]
    """Options that are not links, as written (unknown ones included, for the checks)."""
    links: tuple[Link, ...]
    waivers: tuple[Waiver, ...]
    malformed_waivers: tuple[str, ...]
    """Waiver lines that do not read ``check_id: justification``."""
    content: str
    location: Location
    origin: str = ""
    """Where an external item comes from (:attr:`RawItem.origin`); empty for an item
    written in the sources."""

    @property
    def external(self) -> bool:
        """Whether the item comes from another file: in the graph, never checked."""
        return bool(self.origin)

    def field(self, name: str) -> str | None:
        """The value of field ``name``, or None if the item does not carry it."""
        for key, value in self.fields:
            if key == name:
                return value
        return None
