"""Document declarations: the number, role and title each page declares once.

A page of the device file declares itself a controlled document right after its
title::

    Risk management report
    ======================

    .. qms-document-control:: SER-RMR-001
       :role: risk-management-report

The argument is the document number, ``:role:`` what the document is (a role of the
profile's ``[documents]`` table) and ``:title:`` (optional) its title, by default the
page title. The declarations are read here with the framework-free source reader, so
``qms check`` and the Sphinx build see the same ones.

The pages of the device file are the ``.rst`` and ``.md`` files under the project's
source folders (:meth:`Project.source_files`) and the root ``index.rst`` or
``index.md`` (the file's front page), whether or not a source folder holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError, ProjectError
from qmsdoc.input_files import read_input_text
from qmsdoc.model.rst_source import scan_text

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.project import Project

__all__ = [
    "DIRECTIVE",
    "STUB_MARKER",
    "DocumentDeclaration",
    "DocumentPage",
    "DocumentSet",
    "declarations_in",
    "page_title",
    "read_documents",
    "stub_line",
]

#: the directive that declares a page a controlled document
DIRECTIVE = "qms-document-control"
#: the comment that marks a page as a stub still to be written (``qms init`` writes
#: it): ``.. qms-stub: ...`` in reStructuredText, ``% qms-stub: ...`` in MyST
STUB_MARKER = "qms-stub"
_STUB = re.compile(rf"^(?:\.\.|%)[ \t]+{STUB_MARKER}\b", re.MULTILINE)
_ADORNMENT = re.compile(r"""([!-/:-@\[-`{-~])\1+\s*""")


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentDeclaration:
    """One page's declaration: its number, role and title, and where it is written."""

    number: str
    role: str
    """The document role as written (empty when ``:role:`` is missing)."""
    title: str
    """``:title:``, else the page title, else the document name."""
    path: str
    """The page file, POSIX path relative to the project root."""
    line: int
    docname: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentPage:
    """A page of the device file, which must declare a document number."""

    path: str
    docname: str
    stub_line: int = 0
    """The line of the page's stub marker (:data:`STUB_MARKER`); 0: not a stub."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentSet:
    """The pages of the device file and the declarations written in them."""

    pages: tuple[DocumentPage, ...]
    declarations: tuple[DocumentDeclaration, ...]

    def declared(self, docname: str) -> DocumentDeclaration | None:
        """The first declaration of the page ``docname``, or None."""
        for declaration in self.declarations:
            if declaration.docname == docname:
                return declaration
        return None


def read_documents(project: Project) -> DocumentSet:
    """The device file's pages and their declarations, in path order.

    :raises ProjectError: If a page cannot be read as UTF-8.
    """
    files = set(project.source_files())
    for index in (project.root / "index.rst", project.root / "index.md"):
        if index.is_file():
            files.add(index)
    pages: list[DocumentPage] = []
    declarations: list[DocumentDeclaration] = []
    for file in sorted(files):
        relative = file.relative_to(project.root).as_posix()
        docname = relative.rsplit(".", 1)[0]
        text = _read(file)
        pages.append(
            DocumentPage(path=relative, docname=docname, stub_line=stub_line(text))
        )
        declarations.extend(declarations_in(text, path=relative, docname=docname))
    return DocumentSet(pages=tuple(pages), declarations=tuple(declarations))


def declarations_in(text: str, *, path: str, docname: str) -> list[DocumentDeclaration]:
    """The declarations written in one page's rST ``text``."""
    found = []
    for raw in scan_text(text, path=path, docname=docname, directives={DIRECTIVE}):
        title = (raw.option("title") or "").strip()
        found.append(
            DocumentDeclaration(
                number=raw.title.strip(),
                role=(raw.option("role") or "").strip(),
                title=title or page_title(text) or docname,
                path=path,
                line=raw.location.line,
                docname=docname,
            )
        )
    return found


def stub_line(text: str) -> int:
    """The line of the stub marker in a page's text (1-based), or 0: the page has
    been written."""
    found = _STUB.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def page_title(text: str) -> str | None:
    """The first section title of rST ``text`` (underlined, optionally overlined)."""
    lines = text.expandtabs(8).splitlines()
    for index in range(len(lines) - 1):
        line, below = lines[index], lines[index + 1]
        title = line.strip()
        if not title or line[0].isspace() or _ADORNMENT.fullmatch(line):
            continue
        if _ADORNMENT.fullmatch(below) and len(below.rstrip()) >= len(title):
            return title
    return None


def _read(file: Path) -> str:
    try:
        return read_input_text(file, kind="source", encoding="utf-8-sig")
    except InputError as error:
        raise ProjectError(str(error)) from None
