"""The dossier's PDF: printed by headless Chromium, read back and rendered as images."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdfium2


def _run(
    root: Path, *args: str, path: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _builds(root: Path) -> None:
    for builder in ("html", "singlehtml"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                "-b",
                builder,
                "-q",
                str(root),
                str(root / "_build" / builder),
            ],
            check=True,
            capture_output=True,
        )


def test_the_pdf_has_a_cover_the_items_and_the_same_bytes_twice(
    valid_root: Path,
) -> None:
    _builds(valid_root)
    args = ("dossier", "--pathway", "fda-denovo", "--singlehtml", "_build/singlehtml")
    _run(valid_root, *args)
    pdf = valid_root / "_build" / "dossier" / "fda-denovo" / "technical-file.pdf"
    first = pdf.read_bytes()
    # untagged: Chromium's structure tree numbers elements differently per run
    assert b"/StructTreeRoot" not in first
    document = pypdfium2.PdfDocument(first)
    assert len(document) >= 2
    cover = document[0].get_textpage().get_text_range()
    assert "Valid: FDA De Novo request (eSTAR, non-IVD)" in cover
    assert "NOT A RELEASE BUILD" in cover
    assert "Pathway fda-denovo" in cover
    text = "".join(
        document[i].get_textpage().get_text_range() for i in range(len(document))
    )
    assert "REQ-001" in text and "Flag results outside the reference range" in text
    image = document[1].render(scale=0.5).to_pil().convert("L")
    lightest, darkest = image.getextrema()
    assert darkest - lightest > 100  # the page shows text, not a blank sheet
    manifest = (pdf.parent / "MANIFEST.sha256").read_text()
    assert "  technical-file.pdf" in manifest
    _run(valid_root, *args)
    assert pdf.read_bytes() == first


def test_a_missing_pdf_toolchain_says_what_to_do(valid_root: Path) -> None:
    _builds(valid_root)
    result = _run(
        valid_root,
        "dossier", "--pathway", "fda-denovo", "--singlehtml", "_build/singlehtml",
        path=str(Path(sys.executable).parent),
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        "no PDF toolchain: Chromium is not installed (run `make pdf-toolchain`"
        in result.stderr
    )
    assert not (valid_root / "_build" / "dossier" / "fda-denovo").exists()
