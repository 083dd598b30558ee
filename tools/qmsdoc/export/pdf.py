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
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from typing import TYPE_CHECKING

from qmsdoc.errors import OutputError, ProjectError

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

__all__ = ["find_chromium", "print_pdf"]

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
) -> None:
    """Print ``singlehtml/index.html`` with a cover to ``target``.

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
    block = _cover(cover, dirty=dirty)
    text = text.replace("</head>", _PRINT_CSS + "</head>", 1)
    text = re.sub(r"(<body[^>]*>)", lambda match: match.group(1) + block, text, count=1)
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
    data = _DATES.sub(lambda match: match.group(1) + stamp, target.read_bytes())
    target.write_bytes(data)


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
