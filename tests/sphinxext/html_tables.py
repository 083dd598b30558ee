"""Read the tables of a built HTML page as text, for assertions on rendered output."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["read_tables"]


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._classes: list[str] = []
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._classes = (dict(attrs).get("class") or "").split()
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables.append((self._classes, self._rows))
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_tables(html: str, css_class: str) -> list[list[list[str]]]:
    """Every table with ``css_class``, as rows of cell texts (header row first)."""
    reader = _TableReader()
    reader.feed(html)
    return [rows for classes, rows in reader.tables if css_class in classes]
