"""Citations follow the QMSR: since 2 February 2026, 21 CFR 820 incorporates ISO 13485
(cited as "ISO 13485 <clause> via 21 CFR 820.10"); 820.30, the old design-control
section, is reserved and never cited by the engine or the reference device file."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from qmstest import REPOSITORY

if TYPE_CHECKING:
    from pathlib import Path

#: where the engine and Serenya keep text a reviewer reads
PLACES = ("tools", "source", "requirements", "risks", "design-controls", "README.md")
RESERVED = re.compile(r"\b820\.30\b")


def _texts() -> list[Path]:
    files: list[Path] = []
    for place in PLACES:
        path = REPOSITORY / place
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        files.extend(
            candidate
            for candidate in candidates
            if candidate.is_file()
            and "__pycache__" not in candidate.parts
            and candidate.suffix
            in {".py", ".toml", ".rst", ".md", ".html", ".txt", ".json"}
        )
    return files


def test_the_scan_reads_the_engine_and_the_device_file() -> None:
    names = {path.name for path in _texts()}
    assert {"medical-device.toml", "design_review.py", "README.md"} <= names


@pytest.mark.parametrize("pattern", ["21 CFR 820.30", "820.30(e)"])
def test_the_reserved_section_would_be_found(pattern: str) -> None:
    assert RESERVED.search(pattern)
    assert not RESERVED.search("21 CFR 820.10")


def test_no_file_cites_the_reserved_design_control_section() -> None:
    cited = [
        f"{path.relative_to(REPOSITORY)}:{number}"
        for path in _texts()
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1
        )
        if RESERVED.search(line)
    ]
    assert cited == []
