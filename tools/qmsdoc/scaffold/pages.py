"""The pages ``qms init`` writes: one stub per document role the pathways need.

Each document role of the profile (``[documents.roles]``) has a one-line
description, ``"What it is (standard clauses)"``; a stub page takes its title from
the first part and says which standard asks for it from the second. A stub carries
:data:`STUB_MARKER` as a comment (``.. qms-stub: ...`` in reStructuredText,
``% qms-stub: ...`` in MyST) until its authors write the document and remove the
line, so that the gate can report it as not written yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from qmsdoc.documents.control import STUB_MARKER

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "FOLDERS",
    "STUB_MARKER",
    "StubPage",
    "folder_of",
    "page_text",
    "stub_pages",
]


#: the folders of a new device file, in toctree order, with their titles
FOLDERS: Final = (
    ("source", "Plans, descriptions and summaries"),
    ("requirements", "Requirements"),
    ("risks", "Risk management file"),
    ("design-controls", "Design and verification"),
)

#: roles whose pages go elsewhere than ``source/`` (the folder holds their items)
_ROLE_FOLDERS: Final = {
    "user-needs": "requirements",
    "system-requirements-specification": "requirements",
    "risk-control-requirements": "requirements",
    "gspr-record": "requirements",
    "risk-management-file": "risks",
    "hazard-analysis": "risks",
    "risk-control-record": "risks",
    "overall-residual-risk-evaluation": "risks",
    "risk-management-report": "risks",
    "threat-model": "risks",
    "security-risk-controls": "risks",
    "vulnerability-assessment": "risks",
    "security-risk-management-report": "risks",
    "software-architecture": "design-controls",
    "software-design-specification": "design-controls",
    "soup-list": "design-controls",
    "verification-record": "design-controls",
    "validation-record": "design-controls",
    "traceability-analysis": "design-controls",
    "anomaly-list": "design-controls",
    "design-review-record": "design-controls",
}
#: "What it is (clauses)": the clauses are in the parentheses that end the line
_DESCRIPTION: Final = re.compile(r"(?P<what>[^(]*?)\s*\((?P<clauses>.*)\)\s*\Z")


@dataclass(frozen=True, slots=True, kw_only=True)
class StubPage:
    """One page to write: where, which document, and what it must hold."""

    folder: str
    role: str
    number: str
    title: str
    clauses: str
    """The standards and clauses that ask for the document (may be empty)."""
    sections: tuple[str, ...] = ()
    """The pathway sections that ask for it (``"fda-510k 6 Device Description"``)."""

    @property
    def docname(self) -> str:
        """The page's document name (path without suffix, POSIX)."""
        return f"{self.folder}/{self.role}"


def folder_of(role: str) -> str:
    """The folder of the page of document ``role``."""
    return _ROLE_FOLDERS.get(role, "source")


def stub_pages(
    roles: Sequence[str],
    descriptions: Mapping[str, str],
    prefix: str,
    sections: Mapping[str, Sequence[str]] | None = None,
) -> list[StubPage]:
    """The stub pages of ``roles``, numbered ``PREFIX-DOC-NNN`` in role order
    (``PREFIX-DOC-000`` is the front page; the folder indexes are ``PREFIX-IDX-N``)."""
    pages = []
    for position, role in enumerate(roles, start=1):
        found = _DESCRIPTION.match(descriptions.get(role, ""))
        what = found.group("what") if found else descriptions.get(role, "")
        clauses = found.group("clauses") if found else ""
        pages.append(
            StubPage(
                folder=folder_of(role),
                role=role,
                number=f"{prefix}-DOC-{position:03d}",
                title=what or role.replace("-", " ").capitalize(),
                clauses=clauses,
                sections=tuple((sections or {}).get(role, ())),
            )
        )
    return pages


def page_text(page: StubPage, markup: str) -> str:
    """The text of a stub page in ``markup`` (``rst`` or ``md``)."""
    asked = (
        f"It is asked for by {page.clauses}."
        if page.clauses
        else "No clause is named for it in the profile."
    )
    where = (
        " It fills these submission sections: " + "; ".join(page.sections) + "."
        if page.sections
        else ""
    )
    # "SOUP items, ..." keeps its acronym; "..., shelf life of the device" its end
    first = page.title.split(" ", 1)[0]
    title = page.title if first.isupper() else page.title[:1].lower() + page.title[1:]
    of_device = "" if title.endswith(" of the device") else " of the device"
    body = (
        f"This document is a stub: write the {title}{of_device} here. "
        f"{asked}{where} Remove the {STUB_MARKER} line when the document is written; "
        "until then the gate reports it as not written."
    )
    if markup == "md":
        return (
            f"# {page.title}\n\n"
            f"```{{qms-document-control}} {page.number}\n:role: {page.role}\n```\n\n"
            f"% {STUB_MARKER}: remove this line when the document is written\n\n"
            f"```{{note}}\n{body}\n```\n"
        )
    rule = "=" * len(page.title)
    return (
        f"{page.title}\n{rule}\n\n"
        f".. qms-document-control:: {page.number}\n   :role: {page.role}\n\n"
        f".. {STUB_MARKER}: remove this line when the document is written\n\n"
        f".. note::\n\n   {body}\n"
    )
