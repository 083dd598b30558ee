"""The PDF's outline (bookmarks): the only module that imports pypdf.

Chromium prints untagged (see :mod:`qmsdoc.export.pdf`), and an untagged print has no
outline; but it keeps a named destination for every anchor the document links to.
The printed page carries a contents list (headings) and an index of items (their
ids), both links, so every heading and item has a named destination; this module
reads those destinations and writes the outline from the entries, nested by level,
each pointing at the page its destination is on. An entry whose destination Chromium
did not keep is left out. The same input gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from qmsdoc.errors import OutputError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["OutlineEntry", "add_outline", "outline_of"]


@dataclass(frozen=True, slots=True, kw_only=True)
class OutlineEntry:
    """One bookmark: its depth (0 = top), title and the anchor it points to."""

    level: int
    title: str
    anchor: str
    item: bool = False
    """An item (listed in the index of items), not a heading (in the contents)."""


def add_outline(data: bytes, entries: Sequence[OutlineEntry]) -> bytes:
    """``data`` (a PDF) with an outline of ``entries``, in order.

    :raises OutputError: If the PDF cannot be read or written.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        pages: dict[str, int] = {}
        for name, destination in reader.named_destinations.items():
            page = reader.get_destination_page_number(destination)
            if page is not None:
                pages[str(name).lstrip("/")] = page
        writer = PdfWriter(clone_from=reader)
        parents: list[Any] = []
        for entry in entries:
            page = pages.get(entry.anchor)
            if page is None:
                continue
            level = min(entry.level, len(parents))
            del parents[level:]
            parent = parents[-1] if parents else None
            parents.append(
                writer.add_outline_item(
                    title=entry.title, page_number=page, parent=parent
                )
            )
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError) as error:
        raise OutputError(f"the PDF's outline could not be written: {error}") from None
    return out.getvalue()


def outline_of(data: bytes) -> list[tuple[int, str, int]]:
    """The outline of a PDF: (level, title, page index; -1 when it points nowhere)
    in order (for tests and checks).

    :raises OutputError: If the PDF cannot be read.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        found: list[tuple[int, str, int]] = []

        def walk(items: list[Any], level: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    page = reader.get_destination_page_number(item)
                    found.append((level, str(item.title), -1 if page is None else page))

        walk(reader.outline, 0)
    except (PyPdfError, ValueError, KeyError) as error:
        raise OutputError(f"the PDF's outline could not be read: {error}") from None
    return found
