"""Controlled documents carry a valid, unique document number (ISO 13485 4.2.4).

Every page of the device file declares one document number with a role of the
profile (``.. qms-document-control::``, :mod:`qmsdoc.documents.control`); a page
without one, a number used twice, a number off the profile's pattern or an unknown
role is a finding at the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.spec import Check, CheckSpec

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.documents import DocumentDeclaration

__all__ = [
    "CHECKS",
    "DOCUMENT_NUMBER_DUPLICATE",
    "DOCUMENT_NUMBER_INVALID",
    "DOCUMENT_NUMBER_MISSING",
    "DOCUMENT_STUB",
    "check_document_number_duplicate",
    "check_document_number_invalid",
    "check_document_number_missing",
    "check_document_stub",
    "declaration_finding",
]

DOCUMENT_NUMBER_MISSING = CheckSpec(
    check_id="document_number_missing",
    severity="error",
    summary="page of the device file without a document number (ISO 13485 4.2.4)",
    clause="ISO 13485 4.2.4 via 21 CFR 820.10",
)
DOCUMENT_NUMBER_DUPLICATE = CheckSpec(
    check_id="document_number_duplicate",
    severity="error",
    summary=(
        "document number declared by two pages, or twice on one (ISO 13485 4.2.4)"
    ),
    clause="ISO 13485 4.2.4 via 21 CFR 820.10",
)
DOCUMENT_NUMBER_INVALID = CheckSpec(
    check_id="document_number_invalid",
    severity="error",
    summary="document number off the profile's pattern, or unknown document role",
    clause="ISO 13485 4.2.4 via 21 CFR 820.10",
)

DOCUMENT_STUB = CheckSpec(
    check_id="document_stub",
    severity="error",
    summary="page still the stub qms init wrote: the document is not written yet",
    clause="ISO 13485 7.3.10, 4.2.4 via 21 CFR 820.10",
)


def check_document_number_missing(context: CheckContext) -> Iterator[Finding]:
    """A page of the device file that declares no document number (or twice).

    Serves ISO 13485 4.2.4 (via 21 CFR 820.10): documents are identified and their
    current revision status is known; a page without a number is not controlled.
    """
    config, documents = context.profile.documents, context.documents
    if config is None or documents is None or not config.required:
        return
    for page in documents.pages:
        if config.is_exempt(page.docname):
            continue
        declared = [d for d in documents.declarations if d.docname == page.docname]
        if not declared:
            yield DOCUMENT_NUMBER_MISSING.finding(
                f"page {page.docname} declares no document number "
                "(.. qms-document-control:: NUMBER with :role:, after the title)",
                path=page.path,
                line=1,
                docname=page.docname,
            )
        for extra in declared[1:]:
            yield declaration_finding(
                extra,
                DOCUMENT_NUMBER_DUPLICATE,
                f"a second document declaration on the page (the first is "
                f"{declared[0].number} at line {declared[0].line}): declare once",
            )


def check_document_number_duplicate(context: CheckContext) -> Iterator[Finding]:
    """The same document number declared by two pages.

    Serves ISO 13485 4.2.4 (via 21 CFR 820.10): a document number identifies one
    document.
    """
    if context.profile.documents is None or context.documents is None:
        return
    first: dict[str, DocumentDeclaration] = {}
    for declaration in context.documents.declarations:
        if not declaration.number:
            continue
        seen = first.setdefault(declaration.number, declaration)
        if seen is not declaration and seen.docname != declaration.docname:
            yield declaration_finding(
                declaration,
                DOCUMENT_NUMBER_DUPLICATE,
                f"document number {declaration.number} is already declared by "
                f"{seen.docname} ({seen.path}:{seen.line})",
            )


def check_document_number_invalid(context: CheckContext) -> Iterator[Finding]:
    """A document number off the profile's pattern, or a role the profile lacks.

    Serves ISO 13485 4.2.4 (via 21 CFR 820.10): one numbering scheme, and documents
    identified by what they are (the role a plan or policy asks for).
    """
    config, documents = context.profile.documents, context.documents
    if config is None or documents is None:
        return
    roles = config.role_names
    for declaration in documents.declarations:
        if not config.number_pattern.search(declaration.number):
            yield declaration_finding(
                declaration,
                DOCUMENT_NUMBER_INVALID,
                f"document number {declaration.number!r} does not match the "
                f"profile's pattern {config.number_pattern.pattern}",
            )
        if not declaration.role:
            yield declaration_finding(
                declaration,
                DOCUMENT_NUMBER_INVALID,
                f"document {declaration.number} has no :role: (one of the profile's "
                "[documents.roles])",
            )
        elif declaration.role not in roles:
            yield declaration_finding(
                declaration,
                DOCUMENT_NUMBER_INVALID,
                f"document {declaration.number}: role {declaration.role!r} is not a "
                "role of the profile's [documents.roles]",
            )


def declaration_finding(
    declaration: DocumentDeclaration, spec: CheckSpec, message: str
) -> Finding:
    """A finding of ``spec`` about a controlled document, at its declaration."""
    return spec.finding(
        message,
        item_id=declaration.number,
        path=declaration.path,
        line=declaration.line,
        docname=declaration.docname,
    )


#: the document checks, in registry order
def check_document_stub(context: CheckContext) -> Iterator[Finding]:
    """A page that still carries the stub marker ``qms init`` wrote.

    Serves ISO 13485 7.3.10 and 4.2.4 (via 21 CFR 820.10): the design and
    development file holds the documents themselves; a stub says only what the
    document must contain, so the device file is incomplete until it is written.
    """
    if context.profile.documents is None or context.documents is None:
        return
    for page in context.documents.pages:
        if page.stub_line:
            declared = context.documents.declared(page.docname)
            what = (
                f"document {declared.number} ({declared.role})" if declared else "page"
            )
            yield DOCUMENT_STUB.finding(
                f"{what} in {page.path} is still a stub: write it and remove the "
                "'qms-stub' comment",
                path=page.path,
                line=page.stub_line,
                docname=page.docname,
            )


CHECKS: tuple[Check, ...] = (
    Check(spec=DOCUMENT_NUMBER_MISSING, function=check_document_number_missing),
    Check(spec=DOCUMENT_NUMBER_DUPLICATE, function=check_document_number_duplicate),
    Check(spec=DOCUMENT_NUMBER_INVALID, function=check_document_number_invalid),
    Check(spec=DOCUMENT_STUB, function=check_document_stub),
)
