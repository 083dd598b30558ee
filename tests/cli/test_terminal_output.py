"""Text from imported files reaches the terminal without its control characters:
an SBOM component name with escape sequences is printed clean by ``qms soup list``,
the import's change list and ``qms check``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from qmstest import run_qms

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

HOSTILE = "evil\x1b[2J\x1b]0;pwned\x07-lib\x9b1m\x07"


def _qms(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_qms(root, *args, timeout=120)


def _sbom(path: Path, version: str) -> Path:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": {"type": "application", "name": "serenya-api"}},
        "components": [
            {
                "type": "library",
                "name": HOSTILE,
                "version": version,
                "supplier": {"name": "Acme\x1b[31m"},
                "licenses": [{"license": {"id": "MIT"}}],
            }
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _clean(text: str) -> None:
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\x9b" not in text


def test_component_names_are_printed_without_control_characters(
    valid_root: Path, tmp_path: Path
) -> None:
    first = _qms(valid_root, "soup", "import", str(_sbom(tmp_path / "app.json", "1")))
    assert first.returncode == 0, first.stderr
    again = _qms(valid_root, "soup", "import", str(_sbom(tmp_path / "app.json", "2")))
    assert again.returncode == 0, again.stderr
    assert "evil" in again.stdout
    _clean(again.stdout)
    listed = _qms(valid_root, "soup", "list")
    assert listed.returncode == 0, listed.stderr
    assert "evil-lib" in listed.stdout
    assert "Acme" in listed.stdout
    _clean(listed.stdout)
    checked = _qms(valid_root, "check")
    _clean(checked.stdout + checked.stderr)
