"""``qms dossier`` says on standard error which pathway and step it is at."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_LINE = re.compile(r"qms dossier: (?P<pathway>[a-z0-9-]+): (?P<step>.*)")


def _html(root: Path, folder: str) -> None:
    html = root / "_build" / folder
    html.mkdir(parents=True)
    (html / "index.html").write_text(
        "<html><body><h1>Valid device file</h1><p>REQ-001</p></body></html>",
        encoding="utf-8",
    )


def test_each_pathway_says_what_it_assembles_and_prints(valid_root: Path) -> None:
    _html(valid_root, "html")
    _html(valid_root, "singlehtml")
    done = subprocess.run(
        [
            sys.executable, "-c", "from qmsdoc.cli import main; main()",
            "dossier", "--pathway", "fda-denovo", "--pathway", "eu-mdr",
            "--singlehtml", "_build/singlehtml",
        ],
        cwd=valid_root, capture_output=True, text=True, check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    )  # fmt: skip
    assert (valid_root / "_build/dossier/eu-mdr/technical-file.pdf").is_file()
    progress = [
        (match["pathway"], match["step"])
        for line in done.stderr.splitlines()
        if (match := _LINE.fullmatch(line))
    ]
    # test-valid: index.rst and items.rst, ten items
    assembling = "assembling (2 pages, 11 items)..."
    printing = (
        f"with the PDF: printing {valid_root / '_build/singlehtml'} to "
        "technical-file.pdf (headless Chromium)..."
    )
    assert [
        (pathway, step) for pathway, step in progress if "assembled" not in step
    ] == [
        ("fda-denovo", assembling),
        ("fda-denovo", printing),
        ("eu-mdr", assembling),
        ("eu-mdr", printing),
    ]
    finished = [step for _, step in progress if step.startswith("assembled in ")]
    assert len(finished) == 2
    assert all(re.fullmatch(r"assembled in \d+\.\d s", step) for step in finished)
    # each pathway's lines come before its result on standard output, which has none
    assert "qms dossier:" not in done.stdout
    assert done.stdout.index("fda-denovo:") < done.stdout.index("eu-mdr:")


def test_without_the_pdf_there_is_no_pdf_step(valid_root: Path) -> None:
    _html(valid_root, "html")
    done = subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()",
         "dossier", "--pathway", "eu-mdr"],
        cwd=valid_root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    steps = [
        match["step"]
        for line in done.stderr.splitlines()
        if (match := _LINE.fullmatch(line))
    ]
    assert steps[0] == "assembling (2 pages, 11 items)..."
    assert steps[1].startswith("assembled in ")
    assert len(steps) == 2
