"""Controlled documents: the number, role and title each page declares, and each
document's history from git (revision, effective date, authors, approvers).

Framework-free; the Sphinx directive (:mod:`qmsdoc.sphinxext.document_control`)
renders the control block from these records.
"""

from __future__ import annotations

from qmsdoc.documents.control import (
    DIRECTIVE,
    DocumentDeclaration,
    DocumentPage,
    DocumentSet,
    declarations_in,
    page_title,
    read_documents,
)

__all__ = [
    "DIRECTIVE",
    "DocumentDeclaration",
    "DocumentPage",
    "DocumentSet",
    "declarations_in",
    "page_title",
    "read_documents",
]
