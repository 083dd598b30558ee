"""Document declarations read with the framework-free source reader."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.documents import declarations_in, page_title, read_documents
from qmsdoc.documents.control import stub_line
from qmsdoc.project import load_project

from ._repository import device_file

if TYPE_CHECKING:
    from pathlib import Path


def test_a_declaration_gives_number_role_and_the_page_title() -> None:
    text = "\n".join([
        ".. _report:", "", "=========", "Report R1", "=========", "",
        ".. qms-document-control:: ABC-RMR-001", "   :role: risk-management-report",
        "", "Text.",
    ])  # fmt: skip
    [found] = declarations_in(text, path="risks/report.rst", docname="risks/report")
    assert (found.number, found.role, found.title) == (
        "ABC-RMR-001",
        "risk-management-report",
        "Report R1",
    )
    assert (found.path, found.line, found.docname) == (
        "risks/report.rst",
        7,
        "risks/report",
    )


def test_title_option_wins_and_a_declaration_in_a_code_block_is_none() -> None:
    text = (
        "Plan\n====\n\n.. qms-document-control:: ABC-PLN-001\n"
        "   :role: design-and-development-plan\n   :title: Design plan\n\n"
        "Example::\n\n   .. qms-document-control:: ABC-XXX-999\n"
    )
    found = declarations_in(text, path="p.rst", docname="p")
    assert [(d.number, d.title) for d in found] == [("ABC-PLN-001", "Design plan")]


def test_page_title_needs_an_underline_as_long_as_the_title() -> None:
    assert page_title("Short\n===\n\nBody\n") is None
    assert page_title(".. _x:\n\nTitle\n-----\n") == "Title"


def test_the_pages_are_the_source_files_and_the_root_index(tmp_path: Path) -> None:
    root = device_file(tmp_path / "file")
    (root / "notes").mkdir()
    (root / "notes" / "draft.rst").write_text("Draft\n=====\n", encoding="utf-8")
    documents = read_documents(load_project(root))
    assert [page.docname for page in documents.pages] == [
        "index",
        "notes/draft",
        "plan",
        "report",
    ]
    assert [d.number for d in documents.declarations] == [
        "TST-DHF-001",
        "TST-RMP-001",
        "TST-RMR-001",
    ]
    assert documents.declared("notes/draft") is None


def test_the_stub_marker_is_a_comment_line_of_rst_or_myst() -> None:
    assert stub_line("Title\n=====\n\n.. qms-stub: to be written\n") == 4
    assert stub_line("# Title\n\n% qms-stub: to be written\n") == 3
    # quoted in a sentence or a literal, or spelled as a directive, it is not a marker
    assert stub_line("Write ``.. qms-stub`` comments.\n") == 0
    assert stub_line("Title\n=====\n\n   .. qms-stubborn: no\n") == 0
