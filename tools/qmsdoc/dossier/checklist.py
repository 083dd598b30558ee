"""Conformity checklists computed from the device file, framework-free.

The IEC 62304 checklist: the clause groups of IEC 62304:2006+A1:2015 Annex A (data in
``dossier/data/iec62304.toml``), whether each is required for the device's software
safety class, and what in the device file meets it (pages, items, trace matrices,
records) or that it is missing.

The EU MDR/IVDR Annex I GSPR checklist (MDR Annex II section 4): one row per GSPR
item with its applicability, justification, method of conformity, standards and the
evidence items with the page and version they are recorded in, and the gaps of a row
(applicable without method or evidence, not applicable without justification). Its
type, field and link names come from the profile's ``[gspr]`` table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from qmsdoc.errors import InputError
from qmsdoc.evidence.status import VERIFIED
from qmsdoc.model.ordering import natural_key
from qmsdoc.trace.matrix import build_matrix

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from qmsdoc.model import Item
    from qmsdoc.profile import Profile
    from qmsdoc.profile.gspr import GsprConfig
    from qmsdoc.trace import TraceGraph
    from qmsdoc.vcs import CommitRecord

__all__ = [
    "RECORD_KINDS",
    "Checklist",
    "ChecklistRow",
    "ClauseRequirement",
    "EvidenceFound",
    "EvidenceReference",
    "EvidenceSources",
    "GsprRow",
    "ItemEvidence",
    "StandardReference",
    "checklist_rows",
    "file_versions",
    "gspr_rows",
    "load_iec62304_checklist",
    "parse_checklist",
]

#: records a clause may name, and what each is when it is missing
RECORD_KINDS: dict[str, str] = {
    "test_runs": "no recorded test run (qms evidence import)",
    "reviewed_links": "no reviewed-link record (suspect-link control)",
    "version_control": "not in a git repository",
    "baselines": "no baseline tag (no released version)",
}

RowState = Literal["met", "missing", "not required"]
EvidenceKind = Literal["page", "items", "matrix", "record"]

_PACKAGED = "dossier/data/iec62304.toml"
_CLAUSE_KEYS = frozenset(
    {"clause", "title", "classes", "pages", "items", "matrices", "records"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemEvidence:
    """Items of one type, optionally only those whose fields have given values."""

    item_type: str
    where: tuple[tuple[str, str], ...] = ()
    """(field, value) pairs every counted item must have."""
    executed: bool = False
    """The clause asks for results: every counted item must be verified by executed
    records (verification state passed or waived), not only exist."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ClauseRequirement:
    """One clause group of the standard, the classes it applies to and its evidence."""

    clause: str
    title: str
    classes: tuple[str, ...]
    pages: tuple[str, ...] = ()
    items: tuple[ItemEvidence, ...] = ()
    matrices: tuple[str, ...] = ()
    records: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Checklist:
    """A standard's clause groups, in order."""

    standard: str
    reference: str
    classes: tuple[str, ...]
    clauses: tuple[ClauseRequirement, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceSources:
    """What the device file offers as evidence."""

    graph: TraceGraph
    profile: Profile
    pages: Mapping[str, str]
    """Document name -> title, for every page of the project."""
    records: Mapping[str, str]
    """Record kind (of :data:`RECORD_KINDS`) -> what was found; absent: missing."""
    states: Mapping[str, str] | None = None
    """Item id -> verification state label key (``passed``, ``planned``...); None
    when no evidence is configured, and then no executed evidence is found."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceFound:
    """One source a clause names, and whether the device file has it."""

    kind: EvidenceKind
    name: str
    """Document name, item type, matrix name or record kind."""
    label: str
    """What was found (``"12 requirement items with kind risk_control"``) or is missing."""
    found: bool
    item_ids: tuple[str, ...] = ()
    """The counted items, for item evidence."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecklistRow:
    """A clause group for the device's class: required or not, evidence, state."""

    requirement: ClauseRequirement
    required: bool
    state: RowState
    evidence: tuple[EvidenceFound, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """Labels of the sources that are missing."""
        return tuple(entry.label for entry in self.evidence if not entry.found)


@dataclass(frozen=True, slots=True, kw_only=True)
class StandardReference:
    """A standard clause a GSPR row complies with (``[gspr] standards_link``)."""

    item_id: str
    text: str
    """Standard with edition and clause, or what is wrong with the reference."""
    found: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceReference:
    """An item that demonstrates a GSPR row (``[gspr] evidence_link``), where it is
    recorded."""

    item_id: str
    docname: str | None
    """The page the item is on; None when no such item exists."""
    version: str | None
    """Short SHA of the last commit that changed the item's file; None if unknown."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GsprRow:
    """One row of the GSPR checklist."""

    item: Item
    number: str
    """The GSPR number (the item id without the type prefix, e.g. ``17.2``)."""
    applicable: bool | None
    """None when the item does not say yes or no."""
    justification: str
    method: str
    standards: tuple[StandardReference, ...]
    evidence: tuple[EvidenceReference, ...]
    gaps: tuple[str, ...]
    """What the row lacks; empty when complete."""


def load_iec62304_checklist() -> Checklist:
    """The packaged IEC 62304:2006+A1:2015 clause checklist.

    :raises InputError: If the packaged data is malformed.
    """
    data = resources.files("qmsdoc.dossier") / "data" / "iec62304.toml"
    return parse_checklist(data.read_text(encoding="utf-8"), source=_PACKAGED)


def parse_checklist(text: str, *, source: str) -> Checklist:
    """Read a clause checklist from TOML text.

    :param source: The file name used in error messages.
    :raises InputError: If the TOML is invalid or an entry is malformed (names the
        file and the entry).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{source}: invalid TOML: {error}") from None
    standard = data.get("standard")
    if not isinstance(standard, dict) or not isinstance(standard.get("name"), str):
        raise InputError(f"{source}: [standard] needs a name")
    classes = _strings(standard.get("classes"), f"{source}: [standard] classes")
    raw_clauses = data.get("clauses")
    if not isinstance(raw_clauses, list) or not raw_clauses:
        raise InputError(f"{source}: no [[clauses]] entries")
    clauses = tuple(
        _clause(raw, where=f"{source}: clauses[{index}]", classes=classes)
        for index, raw in enumerate(raw_clauses)
    )
    return Checklist(
        standard=standard["name"],
        reference=str(standard.get("reference", "")),
        classes=classes,
        clauses=clauses,
    )


def checklist_rows(
    checklist: Checklist, safety_class: str, sources: EvidenceSources
) -> list[ChecklistRow]:
    """Each clause group for ``safety_class``: required or not, evidence and state.

    A required row is met when every source it names is present.

    :raises InputError: If ``safety_class`` is not one of the checklist's classes.
    """
    if safety_class not in checklist.classes:
        raise InputError(
            f"software safety class {safety_class!r} is not one of "
            f"{', '.join(checklist.classes)}"
        )
    rows = []
    for requirement in checklist.clauses:
        evidence = _evidence(requirement, sources)
        required = safety_class in requirement.classes
        state: RowState = "not required"
        if required:
            state = "met" if all(entry.found for entry in evidence) else "missing"
        rows.append(
            ChecklistRow(
                requirement=requirement,
                required=required,
                state=state,
                evidence=evidence,
            )
        )
    return rows


def gspr_rows(
    graph: TraceGraph,
    config: GsprConfig,
    *,
    item_type: str | None = None,
    prefix: str = "GSPR-",
    versions: Mapping[str, str] | None = None,
    states: Mapping[str, str] | None = None,
) -> list[GsprRow]:
    """The GSPR checklist: one row per item of ``item_type``, in GSPR number order.

    :param config: The profile's ``[gspr]`` table: the field and link names.
    :param item_type: The row type (default ``config.gspr_type``).
    :param prefix: The type's id prefix, left out of the GSPR number.
    :param versions: File path -> version of the file (see :func:`file_versions`).
    :param states: Item id -> verification state of every verifiable item: an
        evidence item with a state other than passed or waived (a protocol without a
        result) is a gap, not evidence.
    """
    items = sorted(
        graph.of_type(item_type or config.gspr_type),
        key=lambda item: natural_key(item.id),
    )
    return [
        _gspr_row(
            item,
            graph,
            config,
            prefix=prefix,
            versions=versions or {},
            states=states,
        )
        for item in items
    ]


def file_versions(commits: Sequence[CommitRecord]) -> dict[str, str]:
    """File path -> full SHA of the last commit that added or modified it.

    :param commits: Commits oldest first, as :meth:`History.commits` gives them.
    """
    versions: dict[str, str] = {}
    for commit in commits:
        for status, path in commit.changed:
            if status == "D":
                versions.pop(path, None)
            else:
                versions[path] = commit.sha
    return versions


def _clause(raw: object, *, where: str, classes: tuple[str, ...]) -> ClauseRequirement:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: must be a table")
    unknown = sorted(set(raw) - _CLAUSE_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown keys {', '.join(unknown)}")
    clause, title = raw.get("clause"), raw.get("title")
    if not isinstance(clause, str) or not clause or not isinstance(title, str):
        raise InputError(f"{where}: needs a clause and a title")
    where = f"{where} ({clause})"
    applies_to = _strings(raw.get("classes"), f"{where}: classes")
    strange = [name for name in applies_to if name not in classes]
    if strange:
        raise InputError(f"{where}: classes {strange} are not among {list(classes)}")
    records = _strings(raw.get("records", []), f"{where}: records")
    unknown_records = [name for name in records if name not in RECORD_KINDS]
    if unknown_records:
        raise InputError(
            f"{where}: unknown records {unknown_records}; records: {', '.join(RECORD_KINDS)}"
        )
    return ClauseRequirement(
        clause=clause,
        title=title,
        classes=applies_to,
        pages=_strings(raw.get("pages", []), f"{where}: pages"),
        items=tuple(_item_evidence(entry, where) for entry in raw.get("items", [])),
        matrices=_strings(raw.get("matrices", []), f"{where}: matrices"),
        records=records,
    )


def _item_evidence(raw: Any, where: str) -> ItemEvidence:
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise InputError(f"{where}: each of items needs a type")
    executed = raw.get("executed", False)
    if not isinstance(executed, bool):
        raise InputError(f"{where}: executed of {raw['type']} must be true or false")
    condition = raw.get("where", {})
    if not isinstance(condition, dict) or not all(
        isinstance(value, str) for value in condition.values()
    ):
        raise InputError(f"{where}: where of {raw['type']} must map fields to text")
    return ItemEvidence(
        item_type=raw["type"], where=tuple(sorted(condition.items())), executed=executed
    )


def _strings(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
        raise InputError(f"{where}: must be a list of strings")
    return tuple(raw)


def _evidence(
    requirement: ClauseRequirement, sources: EvidenceSources
) -> tuple[EvidenceFound, ...]:
    found: list[EvidenceFound] = []
    for page in requirement.pages:
        title = sources.pages.get(page)
        found.append(
            EvidenceFound(
                kind="page",
                name=page,
                label=title if title is not None else f"page {page}",
                found=title is not None,
            )
        )
    found.extend(_items_found(wanted, sources) for wanted in requirement.items)
    for name in requirement.matrices:
        spec = sources.profile.matrix(name)
        rows = len(build_matrix(sources.graph, spec).rows) if spec is not None else 0
        label = (
            f"matrix {name} ({rows} rows)"
            if spec is not None
            else f"matrix {name} (not in the profile)"
        )
        found.append(
            EvidenceFound(kind="matrix", name=name, label=label, found=rows > 0)
        )
    for name in requirement.records:
        present = sources.records.get(name)
        found.append(
            EvidenceFound(
                kind="record",
                name=name,
                label=present if present is not None else RECORD_KINDS[name],
                found=present is not None,
            )
        )
    return tuple(found)


def _items_found(wanted: ItemEvidence, sources: EvidenceSources) -> EvidenceFound:
    condition = "".join(f" with {key} {value}" for key, value in wanted.where)
    noun = wanted.item_type.replace("_", " ")
    if sources.profile.item_type(wanted.item_type) is None:
        return EvidenceFound(
            kind="items",
            name=wanted.item_type,
            label=f"{noun} items (type not in the profile)",
            found=False,
        )
    ids = tuple(
        item.id
        for item in sources.graph.of_type(wanted.item_type)
        if all((item.field(key) or "").strip() == value for key, value in wanted.where)
    )
    label = f"{len(ids)} {noun} item{'' if len(ids) == 1 else 's'}{condition}"
    found = bool(ids)
    if wanted.executed:
        states = sources.states or {}
        done = [i for i in ids if states.get(i) in VERIFIED]
        if sources.states is None:
            label += ": no evidence records configured"
        else:
            label += f", {len(done)} of {len(ids)} passed by executed records"
        found = found and len(done) == len(ids)
    return EvidenceFound(
        kind="items",
        name=wanted.item_type,
        label=label,
        found=found,
        item_ids=tuple(sorted(ids, key=natural_key)),
    )


def _gspr_row(
    item: Item,
    graph: TraceGraph,
    config: GsprConfig,
    *,
    prefix: str,
    versions: Mapping[str, str],
    states: Mapping[str, str] | None,
) -> GsprRow:
    yes, no = config.applicable_value, config.not_applicable_value
    answer = (item.field(config.applicable_field) or "").strip().lower()
    applicable = {yes.lower(): True, no.lower(): False}.get(answer)
    justification = " ".join((item.field(config.justification_field) or "").split())
    method = " ".join((item.field(config.method_field) or "").split())
    standards = tuple(
        _standard(config, graph.item(link.target), link.target)
        for link in item.links
        if link.link_type == config.standards_link
    )
    evidence = tuple(
        _evidence_reference(graph.item(link.target), link.target, versions)
        for link in item.links
        if link.link_type == config.evidence_link
    )
    gaps: list[str] = []
    if applicable is None:
        gaps.append(f"applicability not stated ({yes} or {no})")
    elif applicable:
        if not method:
            gaps.append("no method of conformity")
        if not evidence:
            gaps.append("no evidence")
    elif not justification:
        gaps.append("not applicable without justification")
    gaps += [f"unknown standard clause {s.item_id}" for s in standards if not s.found]
    gaps += [
        f"unknown evidence item {e.item_id}" for e in evidence if e.docname is None
    ]
    if states is None and applicable:
        gaps.append("no evidence records configured: results cannot be shown")
    for reference in evidence:
        state = (states or {}).get(reference.item_id)
        if state is not None and state not in VERIFIED:
            gaps.append(
                f"{reference.item_id} is not evidence yet: verification "
                f"{state.replace('_', ' ')}, no passed result"
            )
    return GsprRow(
        item=item,
        number=item.id.removeprefix(prefix),
        applicable=applicable,
        justification=justification,
        method=method,
        standards=standards,
        evidence=evidence,
        gaps=tuple(gaps),
    )


def _standard(
    config: GsprConfig, target: Item | None, item_id: str
) -> StandardReference:
    if target is None:
        return StandardReference(item_id=item_id, text="unknown item", found=False)
    standard = " ".join((target.field(config.standard_field) or "").split())
    clause = " ".join((target.field(config.clause_field) or "").split())
    text = ", clause ".join(part for part in (standard, clause) if part)
    return StandardReference(item_id=item_id, text=text or target.title, found=True)


def _evidence_reference(
    target: Item | None, item_id: str, versions: Mapping[str, str]
) -> EvidenceReference:
    if target is None:
        return EvidenceReference(item_id=item_id, docname=None, version=None)
    return EvidenceReference(
        item_id=item_id,
        docname=target.location.docname,
        version=versions.get(target.location.path),
    )
