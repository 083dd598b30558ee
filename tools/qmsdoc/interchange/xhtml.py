"""XHTML attribute values (ReqIF ``ATTRIBUTE-VALUE-XHTML``) to text and back.

Requirements tools keep rich text as an XHTML fragment (DOORS and Polarion write
``<xhtml:div><xhtml:p>...``). Reading keeps the words and the structure a reviewer
needs: paragraphs and list items become blocks separated by a blank line, ``<br/>`` a
line break, ``<li>`` a ``- `` line, ``<pre>`` is kept verbatim; other whitespace is
folded as a browser folds it. The fragment has already been parsed once as XML with
DTDs and entities refused (:mod:`qmsdoc.safe_xml`); here it is read with the
standard library's HTML tokenizer, which resolves no entities beyond the character
references of HTML and fetches nothing.

Writing is the inverse for text qmsdoc exported itself: a paragraph whose lines
carry no leading, trailing or repeated spaces is a ``<p>`` with ``<br/>`` between
its lines, any other paragraph a ``<pre>``, so the text reads back exactly.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

__all__ = ["text_to_xhtml", "xhtml_to_text"]

_BLOCKS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
        "table", "tr", "pre", "blockquote", "dl", "dt", "dd",
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def xhtml_to_text(fragment: str) -> str:
    """The text of an XHTML fragment: blocks separated by one blank line."""
    reader = _TextReader()
    reader.feed(fragment)
    reader.close()
    return reader.text()


def text_to_xhtml(text: str, *, prefix: str = "xhtml") -> str:
    """``text`` as an XHTML ``div`` that :func:`xhtml_to_text` reads back unchanged
    (up to runs of blank lines, which become one).

    :param prefix: The XHTML namespace prefix of the ReqIF file.
    """
    blocks = [block for block in _PARAGRAPHS.split(text.strip("\n")) if block.strip()]
    body = "".join(_block(block, prefix) for block in blocks)
    return f"<{prefix}:div>{body}</{prefix}:div>"


def _block(block: str, prefix: str) -> str:
    lines = block.split("\n")
    plain = all(
        line and line == line.strip() and "  " not in line and "\t" not in line
        for line in lines
    )
    if plain:
        inner = f"<{prefix}:br/>".join(escape(line, quote=False) for line in lines)
        return f"<{prefix}:p>{inner}</{prefix}:p>"
    return f"<{prefix}:pre>{escape(block, quote=False)}</{prefix}:pre>"


class _TextReader(HTMLParser):
    """Collects blocks of text from XHTML tokens."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._blocks: list[str] = []
        self._lines: list[str] = [""]
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        del attrs
        name = tag.rsplit(":", 1)[-1]
        if name == "br":
            self._lines.append("")
        elif name in _BLOCKS:
            self._end_block()
            if name == "pre":
                self._pre += 1
            elif name == "li":
                self._lines[-1] = "- "

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.rsplit(":", 1)[-1] == "br":
            self._lines.append("")

    def handle_endtag(self, tag: str) -> None:
        name = tag.rsplit(":", 1)[-1]
        if name in _BLOCKS:
            if name == "pre" and self._pre:
                self._blocks.append("\n".join(self._lines).strip("\n"))
                self._lines = [""]
                self._pre -= 1
                return
            self._end_block()

    def handle_data(self, data: str) -> None:
        if self._pre:
            parts = data.split("\n")
            self._lines[-1] += parts[0]
            self._lines.extend(parts[1:])
            return
        folded = _SPACES.sub(" ", data)
        if not self._lines[-1].strip(" -") or self._lines[-1].endswith(" "):
            folded = folded.lstrip(" ")
        self._lines[-1] += folded

    def _end_block(self) -> None:
        if self._pre:
            return
        lines = [line.strip() for line in self._lines]
        block = "\n".join(line for line in lines if line and line != "-")
        if block:
            self._blocks.append(block)
        self._lines = [""]

    def text(self) -> str:
        """Every block read, one blank line between two."""
        self._end_block()
        return "\n\n".join(block for block in self._blocks if block.strip())
