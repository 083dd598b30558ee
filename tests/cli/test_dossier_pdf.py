"""The dossier's PDF: printed by headless Chromium, read back and rendered as images."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdfium2

from qmsdoc.export.pdf_outline import outline_of


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


def test_the_pdf_can_be_navigated_and_has_the_pathways_paper(valid_root: Path) -> None:
    _builds(valid_root)
    for pathway, (width, height) in (
        ("fda-denovo", (612, 792)),
        ("eu-mdr", (595, 842)),
    ):
        _run(
            valid_root,
            "dossier",
            "--pathway",
            pathway,
            "--singlehtml",
            "_build/singlehtml",
        )
        data = (
            valid_root / "_build" / "dossier" / pathway / "technical-file.pdf"
        ).read_bytes()
        document = pypdfium2.PdfDocument(data)
        pages = len(document)
        # Letter for the FDA, A4 for the EU (points, rounded)
        assert {
            tuple(round(v) for v in document[i].get_size()) for i in range(pages)
        } == {(width, height)}
        texts = [document[i].get_textpage().get_text_range() for i in range(pages)]
        for number, text in enumerate(texts, start=1):
            assert f"Page {number} of {pages}" in text
            assert "Valid · " in text and "· commit " in text  # the running header
        assert "Contents" in texts[1] and "Index of items" in texts[-1]
        outline = outline_of(data)
        titles = [(level, title) for level, title, _ in outline]
        assert titles[0] == (0, "Valid device")
        assert (1, "Items") in titles
        item = next(entry for entry in outline if entry[1] == "REQ-001")
        items_heading = next(entry for entry in outline if entry[1] == "Items")
        assert item[0] == items_heading[0] + 1  # the item sits under its page
        # the bookmark opens the page that shows the item
        assert "REQ-001" in texts[item[2]] and item[2] not in (1, pages - 1)


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
