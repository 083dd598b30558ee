"""``.. qms-document-control:: NUMBER``: the control block of a controlled document.

Written once per page, right after the page title, with ``:role:`` (a role of the
profile's ``[documents]``) and optionally ``:title:``. The directive leaves a
placeholder that is filled at ``doctree-resolved`` from git (ISO 13485 4.2.4,
4.2.5; 21 CFR Part 11 11.50): document number, title, role, revision and how it is
derived, effective date, authors, the approvals covering the last change (name,
role, meaning, UTC time, whether they cover the content now), then the change
history of the page. Only docutils nodes carry the text (escaped by the writers),
and nothing depends on the wall clock, so the same commit gives the same bytes in
HTML and in the single-page HTML the PDF is printed from.

Lifecycle: ``env-get-outdated`` re-reads the declaring pages when HEAD, the newest
baseline tag or the history's completeness changes. The document checks
(``qms.document_number_*``) run in the device file's one pipeline
(:class:`qmsdoc.device_file.DeviceFile`) with every other check, as in ``qms check``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from qmsdoc.documents import (
    DIRECTIVE,
    DocumentDeclaration,
    declarations_in,
    read_documents,
)
from qmsdoc.documents.history import (
    DocumentHistory,
    HistoryInput,
    document_history,
    history_input,
    utc_time,
)
from qmsdoc.errors import InputError, QmsError
from qmsdoc.input_files import read_input_text
from qmsdoc.sphinxext.aggregate import PART_METADATA
from qmsdoc.sphinxext.domain import QmsDomain, source_location
from qmsdoc.sphinxext.outdated import history_mark
from qmsdoc.sphinxext.tables import Cell, paragraph, table
from qmsdoc.vcs import GitHistory

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from qmsdoc.history.approvals import Approval
    from qmsdoc.project import Project

__all__ = [
    "DocumentControlDirective",
    "document_control_node",
    "setup",
    "setup_document_control",
]

LOGGER = logging.getLogger(__name__)
_INPUT = "_document_history_input"


class document_control_node(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Placeholder for a document's control block; attributes: the declaration."""


class DocumentControlDirective(SphinxDirective):
    """Argument: the document number. Options ``:role:`` and ``:title:``."""

    required_arguments = 1
    final_argument_whitespace = False
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "role": directives.unchanged,
        "title": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        location = source_location(self)
        declaration = self._declaration(location.path, location.line)
        node = document_control_node(
            number=self.arguments[0],
            role=self.options.get("role", "").strip(),
            title=declaration.title if declaration else self.arguments[0],
            path=location.path,
            line=location.line,
        )
        self.set_source_info(node)
        return [node]

    def _declaration(self, path: str, line: int) -> DocumentDeclaration | None:
        """The declaration as the source reader reads it (its default title)."""
        source = Path(self.env.doc2path(self.env.docname))
        try:
            text = read_input_text(source, kind="source", encoding="utf-8-sig")
        except InputError:
            return None
        found = declarations_in(text, path=path, docname=self.env.docname)
        return next((d for d in found if d.line == line), found[0] if found else None)


def setup_document_control(app: Sphinx) -> None:
    """Register the directive, its node and its handlers."""
    app.add_node(document_control_node)
    app.add_directive(DIRECTIVE, DocumentControlDirective)
    app.connect("env-get-outdated", declaring_pages_outdated)
    app.connect("doctree-resolved", resolve_document_control)


def declaring_pages_outdated(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """Pages with a control block, when HEAD, the newest tag or the history's
    completeness changed since the last build (their history is stale)."""
    domain = QmsDomain.of(env)
    try:
        project = domain.project()
        if history_mark(project) == domain.data.get("history_head", ""):
            return []
        documents = read_documents(project)
    except QmsError:
        return []
    declaring = {declaration.docname for declaration in documents.declarations}
    return sorted((declaring & set(env.found_docs)) - removed)


def resolve_document_control(
    app: Sphinx, doctree: nodes.document, fromdocname: str
) -> None:
    """Replace each placeholder with the document's control block."""
    placeholders = list(doctree.findall(document_control_node))
    if not placeholders:
        return
    domain = QmsDomain.of(app.env)
    try:
        project = domain.project()
        source = _history_input(domain, project)
    except QmsError as error:
        LOGGER.warning(
            "qmsdoc: %s",
            error,
            type="qms",
            subtype="documents",
            location=placeholders[0],
        )
        return
    roles = dict(project.profile.documents.roles) if project.profile.documents else {}
    for node in placeholders:
        declaration = _declaration_of(node, fromdocname)
        path = project.root / declaration.path
        current = _page_text(path)
        history = document_history(
            declaration,
            source=source,
            history=domain.git() or GitHistory(project.root),
            current=current,
        )
        node.replace_self(_block(declaration, history, roles.get(declaration.role)))


def _history_input(domain: QmsDomain, project: Project) -> HistoryInput:
    """The history every control block of this build is read from, read once."""
    cached: HistoryInput | None = domain.__dict__.get(_INPUT)
    if cached is None:
        cached = history_input(project, history=domain.git())
        domain.__dict__[_INPUT] = cached
    return cached


def _declaration_of(node: document_control_node, docname: str) -> DocumentDeclaration:
    return DocumentDeclaration(
        number=node["number"],
        role=node["role"],
        title=node["title"],
        path=node["path"],
        line=node["line"],
        docname=docname,
    )


def _block(
    declaration: DocumentDeclaration, history: DocumentHistory, description: str | None
) -> nodes.container:
    block = nodes.container(classes=["qms-document-control"])
    role = declaration.role or "(no role)"
    rows: list[list[Cell]] = [
        ["Document number", nodes.strong("", declaration.number)],
        ["Title", declaration.title],
        ["Role", f"{role}: {description}" if description else role],
    ]
    if history.state != "recorded":
        rows.append(["Revision and history", history.note])
    else:
        rows.extend([
            ["Revision", [nodes.Text(history.revision), nodes.Text(" ("),
                          nodes.emphasis("", history.revision_basis), nodes.Text(")")]],
            ["Effective date", history.effective or history.effective_note],
            ["Author", _authors(history)],
            ["Approved by", _approvers(history.approvers)],
        ])  # fmt: skip
    block += table(
        ["Document control", ""],
        rows,
        classes=["qms-document-control-table"],
        widths=[1, 3],
        stub_columns=1,
    )
    if history.approvers:
        block += paragraph(nodes.strong("", "Signatures of the current revision"))
        block += _signature_table(history.approvers)
    if history.changes:
        block += paragraph(nodes.strong("", "Change history"))
        block += _change_table(history)
    return block


def _authors(history: DocumentHistory) -> str:
    if history.first_author == history.last_author:
        return f"{history.first_author} (first and last change)"
    return f"{history.first_author} (first change); {history.last_author} (last change)"


def _approvers(approvals: tuple[Approval, ...]) -> str:
    if not approvals:
        return "no approval covers the last change"
    return "; ".join(f"{_who(approval)}, {approval.meaning}" for approval in approvals)


def _who(approval: Approval) -> str:
    return approval.name or f"{approval.login} (not in the signer registry)"


def _signature_table(approvals: tuple[Approval, ...]) -> nodes.table:
    rows: list[list[Cell]] = [
        [
            _who(approval),
            approval.role or "",
            approval.meaning,
            utc_time(approval.time),
            "yes" if approval.covers_content else "no: the page changed since",
        ]
        for approval in approvals
    ]
    return table(
        ["Name", "Role", "Meaning", "Signed (UTC)", "Covers the current content"],
        rows,
        classes=["qms-document-signatures"],
        widths=[3, 3, 2, 2, 2],
    )


def _change_table(history: DocumentHistory) -> nodes.table:
    rows: list[list[Cell]] = []
    for change in reversed(history.changes):
        signed = "; ".join(f"{_who(s)} ({s.meaning})" for s in change.signatures) or (
            "" if change.reference else "not merged through a review"
        )
        rows.append([
            change.time, nodes.literal("", change.commit.sha[:10]), change.commit.subject,
            change.author, change.reference, signed,
        ])  # fmt: skip
    return table(
        ["Date (UTC)", "Commit", "Change", "Author", "Merge", "Signatures"],
        rows,
        classes=["qms-document-history"],
        widths=[2, 2, 5, 2, 2, 3],
    )


def _page_text(path: Path) -> str | None:
    """The page as it is now, or None when it cannot be read."""
    try:
        return read_input_text(path, kind="source", encoding="utf-8-sig")
    except InputError:
        return None


def setup(app: Sphinx) -> dict[str, Any]:
    """Document control (:mod:`qmsdoc.processes`)."""
    setup_document_control(app)
    return PART_METADATA
