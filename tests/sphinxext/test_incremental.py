"""Incremental builds re-read exactly the pages that show a changed item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmstest import sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

TESTS_PAGE = """Tests
=====

.. verification_test:: Flag limits on the wire
   :id: VT-002
   :status: approved
   :test_level: integration
   :method: test
   :verifies: REQ-001
"""
MATRIX_PAGE = """Matrix
======

.. qms-matrix:: requirement_verification
"""
OTHER_PAGE = """Other
=====

.. hazard:: Unrelated hazard kept for the exactness check
   :id: HAZ-002
   :status: draft
   :hazard_category: availability

   The service is unavailable.

A page that cites nothing.
"""
CITING_PAGE = """Citing
======

The flagging requirement :need:`REQ-001` is central.
"""


def _project(valid_root: Path) -> Path:
    (valid_root / "tests.rst").write_text(TESTS_PAGE, encoding="utf-8")
    (valid_root / "matrix.rst").write_text(MATRIX_PAGE, encoding="utf-8")
    (valid_root / "other.rst").write_text(OTHER_PAGE, encoding="utf-8")
    (valid_root / "citing.rst").write_text(CITING_PAGE, encoding="utf-8")
    index = valid_root / "index.rst"
    index.write_text(
        index.read_text().replace(
            "   items\n", "   items\n   tests\n   matrix\n   other\n   citing\n"
        )
    )
    first = sphinx_build(valid_root)
    assert first.returncode == 0, first.stderr
    return valid_root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_renamed_item_shows_its_new_title_everywhere(valid_root: Path) -> None:
    root = _project(valid_root)
    _edit(
        root / "items.rst",
        "Flag results outside the reference range",
        "Flag every out-of-range result",
    )
    run = sphinx_build(root, "-v")
    assert run.returncode == 0
    html = root / "_build" / "html"
    assert "Flag every out-of-range result" in (html / "matrix.html").read_text()
    assert (
        "Flag results outside the reference range"
        not in (html / "matrix.html").read_text()
    )
    assert "Flag every out-of-range result" in (html / "citing.html").read_text()
    # the item's own page, the pages of items linked to or from it, the page citing
    # it and the matrix; not the unrelated page
    assert run.read_documents == ["citing", "items", "matrix", "tests"]


def test_removed_link_leaves_the_target_page_in_the_same_build(
    valid_root: Path,
) -> None:
    root = _project(valid_root)
    items_page = root / "_build" / "html" / "items.html"
    assert "VT-002" in items_page.read_text()
    _edit(root / "tests.rst", "   :verifies: REQ-001\n", "")
    run = sphinx_build(root, "-v")
    assert "items" in run.read_documents
    assert "VT-002" not in items_page.read_text()


def test_body_only_change_rereads_only_its_page(valid_root: Path) -> None:
    root = _project(valid_root)
    _edit(
        root / "other.rst",
        "The service is unavailable.",
        "The service does not answer.",
    )
    run = sphinx_build(root, "-v")
    assert run.read_documents == ["other"]


def test_added_item_updates_matrix_and_linked_pages(valid_root: Path) -> None:
    root = _project(valid_root)
    (root / "tests.rst").write_text(
        TESTS_PAGE
        + "\n.. verification_test:: Second test of the flag\n   :id: VT-003\n   :status: draft\n"
        "   :test_level: unit\n   :method: test\n   :verifies: REQ-001\n",
        encoding="utf-8",
    )
    run = sphinx_build(root, "-v")
    # REQ-001 shows its new incoming link; the citing page shows only its title
    assert run.read_documents == ["items", "matrix", "tests"]
    assert "VT-003" in (root / "_build" / "html" / "matrix.html").read_text()
    assert "VT-003" in (root / "_build" / "html" / "items.html").read_text()
