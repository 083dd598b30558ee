"""The intended use in a real Sphinx build: a drifted quotation is a qms warning."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmstest import add_pages, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

CONTROLLED = """\
Intended use
============

.. qms-intended-use::
   :controlled:

   The software helps adults understand their own laboratory results.
"""

QUOTED = """\
Classification
==============

.. qms-intended-use::

   The software helps adults understand their own laboratory results and trends.
"""


def _project(root: Path) -> Path:
    return add_pages(root, {"intended": CONTROLLED, "memo": QUOTED})


def test_a_drifted_quotation_warns_at_its_line_until_fixed(valid_root: Path) -> None:
    root = _project(valid_root)
    run = sphinx_build(root, "-E")
    [warning] = [w for w in run.warnings if "intended_use" in w]
    assert warning.startswith(f"{root / 'memo.rst'}:4: WARNING: ")
    assert "differs from the controlled one at intended.rst:4" in warning
    assert "'results.' became 'results and trends.'" in warning
    assert warning.endswith("[qms.intended_use_mismatch]")
    html = (root / "_build" / "html" / "memo.html").read_text(encoding="utf-8")
    assert 'class="qms-intended-use docutils container"' in html

    (root / "memo.rst").write_text(
        QUOTED.replace(" and trends.", "."), encoding="utf-8"
    )
    run = sphinx_build(root)  # incremental: the controlled page is not re-read
    assert not [w for w in run.warnings if "intended_use" in w]
