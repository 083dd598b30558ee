"""The speed-ups behind one switch: off (``qms_speedups = False``) or with installed
versions they were not written for, the build gives the same pages, and a version
mismatch says so in one ``qms.speedups`` warning."""

from __future__ import annotations

import json
import shutil
from importlib import metadata
from typing import TYPE_CHECKING

import pytest

from qmsdoc.sphinxext.speedups import WRITTEN_FOR, version_mismatches
from qmstest import SPEEDUPS_OFF, add_pages, sphinx_build
from sphinxext.test_item_tables import ITEMS, PROBE, TABLES

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(
    SPEEDUPS_OFF, reason="the speed-ups are off with the installed versions"
)

#: added to conf.py: the speed-ups believe they were written for another sphinx-needs
MISMATCH = """
import qmsdoc.sphinxext.speedups as _speedups


_speedups.WRITTEN_FOR["sphinx-needs"] = "0.1"
"""


#: added to conf.py: which item directive class the build uses
DIRECTIVE_PROBE = """

from docutils.parsers.rst import directives as _directives

_probe_setup = setup


def _record_directive(app):
    name = type(None).__name__
    directive = _directives._directives.get("requirement")
    if directive is not None:
        name = directive.__name__
    (_Path(app.outdir).parent / "directive.txt").write_text(name)


def setup(app):
    _probe_setup(app)
    app.connect("builder-inited", _record_directive)
"""


@pytest.fixture
def tables_root(valid_root: Path) -> Path:
    with (valid_root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(PROBE + DIRECTIVE_PROBE)
    with (valid_root / "items.rst").open("a", encoding="utf-8") as items:
        items.write(ITEMS)
    return add_pages(valid_root, {"tables": TABLES})


def _build(root: Path, *options: str) -> tuple[dict[str, bytes], list[str], list[str]]:
    """Pages, warnings and the tables left to sphinx-needs of one clean build."""
    shutil.rmtree(root / "_build", ignore_errors=True)
    run = sphinx_build(root, "-E", *options)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    html = root / "_build" / "html"
    pages = {
        str(page.relative_to(html)): page.read_bytes()
        for page in sorted(html.rglob("*.html"))
        if "_sources" not in page.parts
    }
    record = root / "_build" / "left-to-sphinx-needs.json"
    left = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    return pages, run.warnings, left.get("tables", [])


def test_the_installed_versions_are_those_the_speedups_were_written_for() -> None:
    # the suite runs the speed-ups it tests: a version bump must revisit them
    assert version_mismatches() == []
    assert version_mismatches({"sphinx-needs": "0.1", "docutils": "0.22"}) == [
        f"sphinx-needs {metadata.version('sphinx-needs')} (written for 0.1)"
    ]
    assert version_mismatches({"no-such-distribution": "1.0"}) == [
        "no-such-distribution not installed (written for 1.0)"
    ]
    assert set(WRITTEN_FOR) == {"sphinx-needs", "docutils", "sphinx"}


def _directive(root: Path) -> str:
    return (root / "_build" / "directive.txt").read_text(encoding="utf-8")


def test_off_or_mismatched_the_pages_are_the_same(tables_root: Path) -> None:
    on, on_warnings, on_left = _build(tables_root)
    # on, qmsdoc reads each item's option block; off, docutils does
    assert _directive(tables_root) == "ItemDirective"
    off, off_warnings, off_left = _build(tables_root, "-D", "qms_speedups=0")
    assert _directive(tables_root) == "DocutilsItemDirective"
    assert off == on
    assert off_warnings == on_warnings
    # on, qmsdoc wrote the plain tables; off, every table reached sphinx-needs
    assert len(off_left) > len(on_left)
    with (tables_root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(MISMATCH)
    mismatched, warnings, left = _build(tables_root)
    assert _directive(tables_root) == "DocutilsItemDirective"
    assert mismatched == on
    assert left == off_left
    extra = [w for w in warnings if w not in on_warnings]
    assert len(extra) == 1, extra
    assert "qmsdoc: speed-ups off: sphinx-needs" in extra[0]
    assert "(written for 0.1)" in extra[0] and extra[0].endswith("[qms.speedups]")
