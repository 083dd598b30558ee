"""Which pages an incremental build must re-read so that none shows a stale item.

Sphinx re-reads only the files that changed. An item is also shown elsewhere: in the
boxes of the items it links to and that link to it (incoming and outgoing link lists),
in ``:need:`` references, and in aggregate pages (matrices, risk tables). At
``env-get-outdated`` this handler reads the changed files with the plain source reader,
compares their items with the ones recorded at the last build, and returns exactly the
pages that show an item that was added, removed or changed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from qmsdoc.errors import QmsError
from qmsdoc.model.rst_source import scan_file
from qmsdoc.profile import split_list
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.evidence_display import evidence_fingerprint
from qmsdoc.vcs import GitHistory, source_state

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from qmsdoc.model import RawItem
    from qmsdoc.project import Project

__all__ = ["NEED_REFERENCE", "history_mark", "note_references", "outdated_pages"]

#: a ``:need:`` role, with an optional explicit title: ``:need:`text <ID>``` or ``:need:`ID```
NEED_REFERENCE = re.compile(r":need:`(?:[^`<]*<)?([^`<>]+?)>?`")


#: sphinx-needs directives that show many needs: their pages are aggregate pages too
NEEDS_AGGREGATES = re.compile(
    r"^\s*\.\.\s+(?:needtable|needlist|needflow|needpie|needbar|needextract|needgantt|"
    r"needsequence|needreport|needuml|needarch)::",
    re.MULTILINE,
)


def note_references(app: Sphinx, docname: str, source: list[str]) -> None:
    """At ``source-read``: remember which item ids a page cites with ``:need:``, and
    whether it holds a sphinx-needs table or list of needs (then it is rebuilt like
    qmsdoc's own matrices whenever an item changes)."""
    domain = QmsDomain.of(app.env)
    ids = {match.group(1).strip() for match in NEED_REFERENCE.finditer(source[0])}
    domain.note_references(docname, ids)
    if NEEDS_AGGREGATES.search(source[0]):
        domain.note_aggregate_page(docname)


def outdated_pages(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """Pages to re-read besides the changed ones, because they show a changed item."""
    if added and env.found_docs <= added | changed:
        return []  # every page is read anyway (a first or clean build)
    domain = QmsDomain.of(env)
    try:
        project = domain.project()
    except QmsError:
        return []
    evidence_changed = evidence_fingerprint(project) != domain.data.get(
        "evidence_fingerprint"
    )
    head_moved = history_mark(project) != domain.data.get("history_head", "")
    if not (added or changed or removed or evidence_changed or head_moved):
        return []
    old: dict[str, RawItem] = {}
    for docname in changed | removed:
        old.update(_by_id(domain.raw_items_by_doc.get(docname, [])))
    new: dict[str, RawItem] = {}
    for docname in added | changed:
        path = Path(env.doc2path(docname))
        try:
            raws = scan_file(
                path, root=project.root, directives=project.profile.directives
            )
        except (QmsError, ValueError):
            continue
        new.update(_by_id(raws))
    touched = {
        item_id
        for item_id in old.keys() | new.keys()
        if _signature(old.get(item_id)) != _signature(new.get(item_id))
    }
    shown_with = set(touched)
    link_names = {link.name for link in project.profile.links}
    for raw in [*old.values(), *new.values()]:
        if raw.option("id") in touched:
            shown_with.update(_targets(raw, link_names))
    shown_with.update(domain.linking_to(touched, link_names))
    pages = {domain.page_of(item_id) for item_id in shown_with} - {None}
    pages.update(domain.pages_citing(touched))
    if touched or added or removed:
        pages.update(domain.aggregate_pages())
    if evidence_changed:
        # records changed: item states, and the documents that aggregate them
        pages.update(domain.evidence_pages())
        pages.update(domain.aggregate_pages())
    if head_moved:
        # every item shows its history: a new commit can change any of them, and a
        # new baseline tag changes the change log
        pages.update(page for page, raws in domain.raw_items_by_doc.items() if raws)
        pages.update(domain.aggregate_pages())
    pages -= removed
    pages &= set(env.found_docs)
    return sorted(page for page in pages if page is not None)


def history_mark(project: Project) -> str:
    """HEAD, the newest baseline tag and whether the history is complete: when any
    changes (a commit, a tag, `git fetch --unshallow`), history pages are stale."""
    commit = source_state(project.root).commit or ""
    history = GitHistory(project.root)
    tag = history.latest_tag(project.profile.baseline_pattern) if commit else None
    incomplete = "@incomplete" if commit and history.completeness() else ""
    return f"{commit}@{tag or ''}{incomplete}"


def _by_id(raws: Iterable[RawItem]) -> dict[str, RawItem]:
    return {item_id: raw for raw in raws if (item_id := raw.option("id"))}


def _signature(raw: RawItem | None) -> tuple[object, ...] | None:
    if raw is None:
        return None
    options = tuple(
        sorted((name, " ".join(value.split())) for name, value in raw.options)
    )
    return (raw.directive, " ".join(raw.title.split()), options)


def _targets(raw: RawItem, link_names: set[str]) -> set[str]:
    targets: set[str] = set()
    for name, value in raw.options:
        if name in link_names:
            targets.update(split_list(value))
    return targets
