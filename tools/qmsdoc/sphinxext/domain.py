"""The ``qms`` domain keeps, per document, the items as written, for parallel builds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sphinx.domains import Domain
from sphinx.util import logging

from qmsdoc.device_file import DeviceFile, HistoryView, load_history
from qmsdoc.errors import QmsError
from qmsdoc.model import Location
from qmsdoc.profile import split_list
from qmsdoc.sphinxext.needtypes import project_of
from qmsdoc.vcs import GitHistory

if TYPE_CHECKING:
    from collections.abc import Iterable, Set

    from sphinx.environment import BuildEnvironment
    from sphinx.util.docutils import SphinxDirective

    from qmsdoc.checks import CheckContext, Finding
    from qmsdoc.model import RawItem
    from qmsdoc.project import Project

__all__ = ["QmsDomain", "source_location"]

LOGGER = logging.getLogger(__name__)


class QmsDomain(Domain):
    """Holds ``RawItem`` records by document; purged and merged like Sphinx's todo."""

    name = "qms"
    label = "qmsdoc"
    initial_data: ClassVar[dict[str, Any]] = {
        "items": {},
        "ids": {},
        "findings": [],
        "aggregate_pages": set(),
        "references": {},
        "evidence_pages": set(),
        "evidence_fingerprint": "",
        "history_head": "",
    }

    @classmethod
    def of(cls, env: BuildEnvironment) -> QmsDomain:
        """The domain instance of ``env``."""
        domain = env.domains["qms"]
        assert isinstance(domain, cls)
        return domain

    @property
    def raw_items_by_doc(self) -> dict[str, list[RawItem]]:
        """Items as written, by document name."""
        items: dict[str, list[RawItem]] = self.data.setdefault("items", {})
        return items

    @property
    def _ids(self) -> dict[str, str]:
        ids: dict[str, str] = self.data.setdefault("ids", {})
        return ids

    def add_raw_item(self, raw: RawItem) -> None:
        """Record one item of the document being read."""
        self.raw_items_by_doc.setdefault(raw.location.docname, []).append(raw)
        item_id = raw.option("id")
        if item_id:
            self._ids.setdefault(item_id, raw.location.docname)

    @property
    def statements_by_doc(self) -> dict[str, list[RawItem]]:
        """Intended-use statements (``qms-intended-use``), by document name."""
        statements: dict[str, list[RawItem]] = self.data.setdefault("statements", {})
        return statements

    def add_statement(self, statement: RawItem) -> None:
        """Record one intended-use statement of the document being read."""
        self.statements_by_doc.setdefault(statement.location.docname, []).append(
            statement
        )

    def statements(self) -> list[RawItem]:
        """Every recorded intended-use statement, all documents, in document order."""
        return [
            statement
            for docname in sorted(self.statements_by_doc)
            for statement in self.statements_by_doc[docname]
        ]

    def raw_items(self) -> Iterable[RawItem]:
        """Every recorded item, all documents."""
        for docname in sorted(self.raw_items_by_doc):
            yield from self.raw_items_by_doc[docname]

    def has_id(self, item_id: str) -> bool:
        """Whether an item with this id was already recorded in any document."""
        return item_id in self._ids

    @property
    def findings(self) -> list[Finding]:
        """The findings of the last check."""
        findings: list[Finding] = self.data.setdefault("findings", [])
        return findings

    def set_findings(self, findings: list[Finding]) -> None:
        """Keep the findings of the last check for pages that show them."""
        self.data["findings"] = findings

    def note_aggregate_page(self, docname: str) -> None:
        """Remember that ``docname`` shows content computed from all items."""
        self.data.setdefault("aggregate_pages", set()).add(docname)

    def note_evidence_page(self, docname: str) -> None:
        """Remember that ``docname`` shows verification states."""
        self.data.setdefault("evidence_pages", set()).add(docname)

    def evidence_pages(self) -> set[str]:
        """Pages that show verification states."""
        pages: set[str] = self.data.setdefault("evidence_pages", set())
        return pages

    def aggregate_pages(self) -> set[str]:
        """Pages that show content computed from all items."""
        pages: set[str] = self.data.setdefault("aggregate_pages", set())
        return pages

    def note_references(self, docname: str, item_ids: set[str]) -> None:
        """Remember the item ids a page cites with ``:need:``."""
        references: dict[str, set[str]] = self.data.setdefault("references", {})
        if item_ids:
            references[docname] = item_ids
        else:
            references.pop(docname, None)

    def pages_citing(self, item_ids: set[str]) -> set[str]:
        """Pages that cite any of ``item_ids`` with ``:need:``."""
        references: dict[str, set[str]] = self.data.setdefault("references", {})
        return {page for page, cited in references.items() if cited & item_ids}

    def page_of(self, item_id: str) -> str | None:
        """The page that defines ``item_id``, if any."""
        return self._ids.get(item_id)

    def linking_to(self, item_ids: set[str], link_names: set[str]) -> set[str]:
        """Ids of recorded items that link to any of ``item_ids``."""
        sources = set()
        for raw in self.raw_items():
            for name, value in raw.options:
                if name in link_names and item_ids & set(split_list(value)):
                    source = raw.option("id")
                    if source:
                        sources.add(source)
        return sources

    def project(self) -> Project:
        """The project of this build, loaded once (the profile is parsed once per build).

        :raises QmsError: If the project file or profile cannot be used.
        """
        cached: Project | None = self.__dict__.get("_project")
        if cached is None:
            cached = project_of(self.env.config)
            self.__dict__["_project"] = cached
        return cached

    def git(self) -> GitHistory | None:
        """The reading of the repository for this build, shared by every reader (the
        item histories, the evidence, the document manifests, the completeness of
        the history each page shows); None when the project is unusable."""
        if "_git" not in self.__dict__:
            try:
                self.__dict__["_git"] = GitHistory(self.project().root)
            except QmsError:
                self.__dict__["_git"] = None
        git: GitHistory | None = self.__dict__["_git"]
        return git

    def history(self) -> HistoryView | None:
        """Item histories of this build (from git), loaded once; None outside git."""
        if "_history" not in self.__dict__:
            try:
                self.__dict__["_history"] = load_history(self.project(), git=self.git())
            except QmsError as error:
                LOGGER.warning("qmsdoc: %s", error, type="qms", subtype="history")
                self.__dict__["_history"] = None
        view: HistoryView | None = self.__dict__["_history"]
        return view

    def device_file(self) -> DeviceFile | None:
        """The device file of this build: the core pipeline ``qms check`` runs, fed
        with the items the directives recorded; None when the project is unusable.
        Built once per build and kept in memory."""
        cached: DeviceFile | None = self.__dict__.get("_device_file")
        if cached is None:
            try:
                project = self.project()
            except QmsError:
                return None
            cached = DeviceFile(
                project,
                list(self.raw_items()),
                statements=self.statements(),
                history=self.history,
                git=self.git(),
            )
            self.__dict__["_device_file"] = cached
        return cached

    def check_context(self) -> CheckContext | None:
        """What the checks and the computed pages read (items, graph, records), or
        None when the device file cannot be read (said once, as a warning)."""
        device = self.device_file()
        if device is None:
            return None
        try:
            return device.context
        except QmsError as error:
            if not self.__dict__.get("_context_warned"):
                LOGGER.warning("qmsdoc: %s", error, type="qms", subtype="device_file")
                self.__dict__["_context_warned"] = True
            return None

    def forget_check_context(self) -> None:
        """Drop the cached device file (the items changed)."""
        self.__dict__.pop("_device_file", None)
        self.__dict__.pop("_context_warned", None)

    def clear_doc(self, docname: str) -> None:
        self.aggregate_pages().discard(docname)
        self.evidence_pages().discard(docname)
        self.data.setdefault("references", {}).pop(docname, None)
        self.raw_items_by_doc.pop(docname, None)
        self.statements_by_doc.pop(docname, None)
        for item_id in [i for i, doc in self._ids.items() if doc == docname]:
            del self._ids[item_id]
        # an id another document also uses now belongs to that document
        for other, raws in self.raw_items_by_doc.items():
            for raw in raws:
                other_id = raw.option("id")
                if other_id:
                    self._ids.setdefault(other_id, other)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        self.aggregate_pages().update(
            page for page in otherdata.get("aggregate_pages", set()) if page in docnames
        )
        self.evidence_pages().update(
            page for page in otherdata.get("evidence_pages", set()) if page in docnames
        )
        references = self.data.setdefault("references", {})
        for docname in docnames:
            if docname in otherdata.get("references", {}):
                references[docname] = otherdata["references"][docname]
            for raw in otherdata["items"].get(docname, []):
                self.add_raw_item(raw)
            for statement in otherdata.get("statements", {}).get(docname, []):
                self.add_statement(statement)


def source_location(directive: SphinxDirective) -> Location:
    """Where a directive is written, as the plain source reader records it: the file
    relative to the project root (``qms_root``, else the source folder) and the line."""
    source, line = directive.get_source_info()
    root = Path(directive.config.qms_root or directive.env.srcdir)
    try:
        path = Path(source).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        path = source
    return Location(
        path=path, line=line or directive.lineno, docname=directive.env.docname
    )
