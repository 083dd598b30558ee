"""Two builds of the same sources give the same pages, byte for byte."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

from qmstest import sphinx_build

if TYPE_CHECKING:
    from pathlib import Path


def _outputs(root: Path) -> dict[str, bytes]:
    html = root / "_build" / "html"
    return {
        str(path.relative_to(html)): path.read_bytes()
        for path in sorted(html.rglob("*"))
        # the build cache (environment pickle) is not output
        if path.is_file() and ".doctrees" not in path.parts
    }


def test_two_clean_builds_are_byte_identical(valid_root: Path) -> None:
    builds = []
    for _ in range(2):
        shutil.rmtree(valid_root / "_build", ignore_errors=True)
        run = sphinx_build(valid_root, "-E")
        assert run.returncode == 0, run.stderr
        builds.append(_outputs(valid_root))
    first, second = builds
    assert sorted(first) == sorted(second)
    assert "items.html" in first
    # sphinx-needs draws each need in a container with a random id; qmsdoc makes
    # those ids from the page
    assert b'id="SNCB-1"' in first["items.html"]
    # sphinx-needs' schema report keeps its content but not the validation time
    report = json.loads(first["schema_violations.json"])
    assert report["validated_needs_count"] > 0
    assert "validation_warnings" in report
    assert "validation_summary" not in report
    assert "validated_needs_per_second" not in report
    different = [name for name in first if first[name] != second[name]]
    assert different == []
