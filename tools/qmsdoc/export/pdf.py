"""The technical file as one PDF: Sphinx's single-page HTML printed by headless Chromium.

Why this route (compared in this session on the Serenya file, 318 items): WeasyPrint
rendered the single-page HTML in 4 min 29 s (252 pages), Chromium printed it in about
25 s (169 pages) with the same CSS; rinohtype stops on sphinx-needs' table nodes, and
the LaTeX builder needs a TeX installation of several hundred megabytes. Chromium
installs from Debian's packages (``chromium``), which ``make`` does when it is missing.

The PDF is printed untagged (``--disable-pdf-tagging``): Chromium's structure tree
carries DOM node ids that differ between runs, which broke byte-identical output.
A cover block names the project, pathway, commit and tree state ("NOT A RELEASE
BUILD" on a modified tree). The PDF's creation and modification dates are set to the
generation time (same byte length, so the cross-reference table stays valid): the same
input gives the same bytes.

The page size is the pathway's paper (A4 for the EU, Letter for the FDA); each page
has a running header (device, pathway, commit) and "Page X of Y" (CSS page-margin
boxes, which Chromium prints). After the cover comes a contents list of the headings;
at the end an index of the items by id; both are links, so Chromium keeps a named
destination for each, from which :mod:`qmsdoc.export.pdf_outline` writes the PDF's
outline: headings, and each item under the page that shows it.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from typing import TYPE_CHECKING

from qmsdoc.errors import OutputError, ProjectError
from qmsdoc.export.pdf_outline import OutlineEntry, add_outline

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

__all__ = ["find_chromium", "outline_entries", "print_pdf"]

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-pdf-header-footer",
    # Chromium numbers the tagged-PDF structure elements by DOM node ids that vary
    # from run to run (one run in a few gave other bytes): untagged, the same input
    # gives the same bytes
    "--disable-pdf-tagging",
)  # fmt: skip
#: only the 14 digits are replaced, so every byte offset of the file stays valid
_DATES = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)\d{14}")
_PRINT_CSS = """
<style>
@media print {
  table.need, div.needs_meta, table.qms-table tr { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  /* item ids in tables (need heads, trace matrices) never break at their hyphen */
  table a.reference.internal, table.need a { white-space: nowrap; }
  div.sphinxsidebar, div.related, div.footer { display: none; }
}
.qms-cover { border: 2px solid #333; padding: 1em 1.5em; margin-bottom: 2em; break-after: page; }
.qms-cover .banner { border: 3px solid #c62828; color: #c62828; padding: 0.4em; font-weight: bold; }
</style>
"""


def find_chromium() -> str:
    """The Chromium executable.

    :raises ProjectError: If none is installed, saying how to install it.
    """
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise ProjectError(
        "no PDF toolchain: Chromium is not installed (run `make pdf-toolchain`, or "
        "`apt-get install chromium` as root)"
    )


def print_pdf(
    singlehtml: Path,
    target: Path,
    *,
    cover: dict[str, str],
    dirty: bool,
    generated: datetime,
    page_size: str = "A4",
    running_header: str = "",
) -> None:
    """Print ``singlehtml/index.html`` with a cover to ``target``.

    The print has a contents list after the cover (the headings down to the pages'
    titles) and an index of items at the end (their ids), both links; the outline
    is built from the same headings and the items under them
    (:mod:`qmsdoc.export.pdf_outline`). Every page has ``running_header`` at the top
    and "page X of Y" at the bottom.

    :param page_size: ``A4`` or ``Letter``.
    :raises ProjectError: If the single-page build or Chromium is missing.
    :raises OutputError: If Chromium fails.
    """
    page = singlehtml / "index.html"
    if not page.is_file():
        raise ProjectError(
            f"{singlehtml}: no single-page HTML build here; run `make singlehtml` first"
        )
    browser = find_chromium()
    text = page.read_text(encoding="utf-8")
    entries = outline_entries(text)
    block = _cover(cover, dirty=dirty) + _contents(entries)
    css = _PRINT_CSS + _page_css(page_size, running_header)
    text = text.replace("</head>", css + "</head>", 1)
    text = re.sub(r"(<body[^>]*>)", lambda match: match.group(1) + block, text, count=1)
    index = _item_index(entries)
    at = text.rfind("</body>")
    text = text[:at] + index + text[at:] if at >= 0 else text + index
    with tempfile.TemporaryDirectory(prefix="qms-pdf-") as work:
        printable = singlehtml / f".qms-print-{target.stem}.html"
        printable.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run(
                [
                    browser,
                    *_FLAGS,
                    f"--user-data-dir={work}",
                    f"--print-to-pdf={target}",
                    printable.as_uri(),
                ],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise OutputError(f"{browser}: printing the PDF failed: {error}") from None
        finally:
            printable.unlink(missing_ok=True)
    if done.returncode != 0 or not target.is_file():
        raise OutputError(
            f"{browser}: printing the PDF failed (exit {done.returncode})"
        )
    stamp = generated.strftime("%Y%m%d%H%M%S").encode()
    # the dates first: pypdf writes the info strings again, escaped
    data = _DATES.sub(lambda match: match.group(1) + stamp, target.read_bytes())
    data = add_outline(data, entries)
    target.write_bytes(data)


#: a section and its heading, or an item's table, in Sphinx's single-page HTML
_ANCHORS = re.compile(
    r'<section id="(?P<section>[^"]+)">\s*<h(?P<rank>[1-6])>(?P<title>.*?)</h(?P=rank)>'
    r'|<table class="need [^"]*" id="(?P<item>[^"]+)"',
    re.S,
)
_TAGS = re.compile(r"<[^>]+>")
#: headings down to this rank are in the contents list (the pages' own titles)
_CONTENTS_RANK = 3
_PAGE_SIZES = ("A4", "Letter")


def outline_entries(page: str) -> list[OutlineEntry]:
    """The headings (down to rank 4) and items of a single-page HTML build, in order;
    an item sits one level under the heading before it."""
    entries: list[OutlineEntry] = []
    level = -1
    seen: set[str] = set()
    for match in _ANCHORS.finditer(page):
        anchor = match.group("section") or match.group("item")
        if anchor in seen:
            continue
        if match.group("section"):
            rank = int(match.group("rank"))
            if rank > _CONTENTS_RANK + 1:
                continue
            title = (
                html.unescape(_TAGS.sub("", match.group("title"))).rstrip("¶").strip()
            )
            level = rank - 1
            entries.append(OutlineEntry(level=level, title=title, anchor=anchor))
        else:
            entries.append(
                OutlineEntry(level=level + 1, title=anchor, anchor=anchor, item=True)
            )
        seen.add(anchor)
    return entries


def _contents(entries: list[OutlineEntry]) -> str:
    rows = "".join(
        f'<li class="qms-level-{e.level}"><a href="#{html.escape(e.anchor)}">'
        f"{html.escape(e.title)}</a></li>"
        for e in entries
        if e.level < _CONTENTS_RANK and not e.item
    )
    return f'<nav class="qms-contents"><p class="qms-contents-title">Contents</p><ul>{rows}</ul></nav>'


def _item_index(entries: list[OutlineEntry]) -> str:
    items = [e for e in entries if e.item]
    if not items:
        return ""
    links = " ".join(
        f'<a class="qms-id" href="#{html.escape(e.anchor)}">{html.escape(e.anchor)}</a>'
        for e in sorted(items, key=lambda e: e.anchor)
    )
    return f'<div class="qms-item-index"><p class="qms-contents-title">Index of items</p><p>{links}</p></div>'


def _page_css(size: str, header: str) -> str:
    if size not in _PAGE_SIZES:
        msg = f"page size {size!r}: use one of {', '.join(_PAGE_SIZES)}"
        raise ValueError(msg)
    return (
        "<style>@page { size: " + size + "; margin: 18mm 14mm;"
        ' @top-left { content: "'
        + _css_string(header)
        + '"; font-size: 8pt; color: #555; }'
        ' @bottom-right { content: "Page " counter(page) " of " counter(pages);'
        " font-size: 8pt; color: #555; } }"
        " .qms-contents { break-after: page; } .qms-contents ul { list-style: none; padding: 0; }"
        " .qms-contents .qms-level-1 { margin-left: 1.5em; } .qms-contents .qms-level-2 { margin-left: 3em; }"
        " .qms-contents-title { font-size: 1.6em; font-weight: bold; }"
        " .qms-item-index { break-before: page; } a.qms-id { white-space: nowrap; margin-right: 0.6em; }"
        "</style>"
    )


def _css_string(text: str) -> str:
    """``text`` inside a CSS string: quotes and backslashes escaped, no control
    characters, no ``<`` (the style element must not end early)."""
    flat = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    return flat.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")


def _cover(cover: dict[str, str], *, dirty: bool) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in cover.items()
    )
    banner = (
        '<p class="banner">NOT A RELEASE BUILD: not built from a clean, committed tree.</p>'
        if dirty
        else ""
    )
    return f'<div class="qms-cover"><h1>{html.escape(cover.get("Title", ""))}</h1>{banner}<table>{rows}</table></div>'
