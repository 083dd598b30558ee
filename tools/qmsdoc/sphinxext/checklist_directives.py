"""Conformity checklists as generated documents.

``.. qms-iec62304-checklist::``
    IEC 62304:2006+A1:2015 clause groups for the device's software safety class
    (``[project.classification] software_safety_class``, or option ``:safety-class:``):
    required or not, the evidence found in the device file, and the state.
``.. qms-gspr-checklist::``
    EU MDR/IVDR Annex I checklist from the GSPR items (MDR Annex II section 4):
    applicability, justification, method, standards, evidence with page and version,
    and the gaps of each row; names from the profile's ``[gspr]`` table.

The rows are computed by :mod:`qmsdoc.dossier.checklist`; this module only renders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from qmsdoc.dossier.checklist import (
    EvidenceSources,
    checklist_rows,
    file_versions,
    gspr_rows,
    load_iec62304_checklist,
)
from qmsdoc.errors import QmsError
from qmsdoc.sphinxext.aggregate import PART_METADATA, AggregateDirective, add_aggregates
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.tables import paragraph, table
from qmsdoc.vcs import GitHistory, source_state

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sphinx.application import Sphinx

    from qmsdoc.dossier.checklist import ChecklistRow, EvidenceFound, GsprRow
    from qmsdoc.project import Project
    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest
    from qmsdoc.sphinxext.tables import Cell

__all__ = ["CHECKLIST_DIRECTIVES", "CHECKLIST_RENDERERS", "setup"]

#: item links shown per evidence entry before "and N more"
_SHOWN_ITEMS = 6


class Iec62304ChecklistDirective(AggregateDirective):
    """Option ``:safety-class:`` overrides the class of the project classification."""

    kind = "iec62304-checklist"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "safety-class": directives.unchanged
    }


class GsprChecklistDirective(AggregateDirective):
    """Option ``:type:`` names the GSPR item type (default: the profile's ``[gspr]
    gspr_type``)."""

    kind = "gspr-checklist"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "type": directives.unchanged
    }


CHECKLIST_DIRECTIVES: dict[str, type[AggregateDirective]] = {
    "qms-iec62304-checklist": Iec62304ChecklistDirective,
    "qms-gspr-checklist": GsprChecklistDirective,
}


def render_iec62304_checklist(request: RenderRequest) -> Sequence[nodes.Node]:
    """Clause groups with required-for-class, evidence and state."""
    project = QmsDomain.of(request.builder.env).project()
    safety_class = str(
        request.option("safety-class")
        or project.classification.software_safety_class
        or ""
    ).strip()
    if not safety_class:
        return [
            paragraph(
                "Missing input: the software safety class is not set "
                "(qms.toml, [project.classification] software_safety_class)."
            )
        ]
    try:
        checklist = load_iec62304_checklist()
        rows = checklist_rows(checklist, safety_class, _sources(request, project))
    except QmsError as error:
        request.warn(f"qms-iec62304-checklist: {error}")
        return [paragraph(f"Missing input: {error}.")]
    required = [row for row in rows if row.required]
    missing = [row for row in required if row.state == "missing"]
    output: list[nodes.Node] = [
        paragraph(
            f"{checklist.standard}, software safety class {safety_class}: "
            f"{len(required)} of {len(rows)} clause groups required, "
            f"{len(required) - len(missing)} met, {len(missing)} with missing evidence."
        )
    ]
    output.append(_checklist_table(request, rows, safety_class))
    if missing:
        output.append(
            paragraph(
                "Missing evidence: "
                + "; ".join(
                    f"{row.requirement.clause}: {', '.join(row.missing)}"
                    for row in missing
                )
                + "."
            )
        )
    return output


def render_gspr_checklist(request: RenderRequest) -> Sequence[nodes.Node]:
    """One row per GSPR item; rows with gaps are marked."""
    config = request.context.profile.gspr
    if config is None:
        request.warn(
            "qms-gspr-checklist: the profile has no [gspr] table; nothing to show"
        )
        return []
    item_type = str(request.option("type") or config.gspr_type)
    spec = request.context.profile.item_type(item_type)
    if spec is None:
        request.warn(f"qms-gspr-checklist: unknown item type {item_type!r}")
        return []
    versions = _file_versions(QmsDomain.of(request.builder.env))
    rows = gspr_rows(
        request.context.graph,
        config,
        item_type=item_type,
        prefix=spec.prefix,
        versions=versions,
        states=_states(request),
    )
    if not rows:
        return [paragraph(f"Missing input: the device file has no {item_type} items.")]
    applicable = sum(1 for row in rows if row.applicable)
    with_gaps = [row for row in rows if row.gaps]
    output: list[nodes.Node] = [
        paragraph(
            f"{len(rows)} rows: {applicable} applicable, "
            f"{sum(1 for row in rows if row.applicable is False)} not applicable; "
            f"{len(with_gaps)} with gaps."
        )
    ]
    output.append(_gspr_table(request, rows))
    output.append(
        paragraph(
            "The version of an evidence document is the short SHA of the last commit "
            "that changed its file."
            if versions
            else "Versions are not shown: the device file is not in a git repository; "
            "each evidence item is identified by its document."
        )
    )
    return output


CHECKLIST_RENDERERS: dict[str, Renderer] = {
    "iec62304-checklist": render_iec62304_checklist,
    "gspr-checklist": render_gspr_checklist,
}


def _checklist_table(
    request: RenderRequest, rows: Sequence[ChecklistRow], safety_class: str
) -> nodes.table:
    body: list[list[Cell]] = []
    classes: list[list[list[str]]] = []
    for row in rows:
        body.append(
            [
                row.requirement.clause,
                row.requirement.title,
                "yes" if row.required else "no",
                _evidence_cell(request, row),
                nodes.strong("", "MISSING") if row.state == "missing" else row.state,
            ]
        )
        state_class = ["qms-gap"] if row.state == "missing" else []
        classes.append(
            [[], [], [], [], [f"qms-state-{row.state.replace(' ', '-')}", *state_class]]
        )
    headers = ["Clause", "Requirement", f"Required for class {safety_class}"]
    return table(
        [*headers, "Evidence", "State"],
        body,
        classes=["qms-iec62304-checklist"],
        cell_classes=classes,
        widths=[10, 32, 8, 42, 8],
    )


def _gspr_table(request: RenderRequest, rows: Sequence[GsprRow]) -> nodes.table:
    classes: list[list[list[str]]] = [
        [[] for _ in range(7)] + [["qms-gap"] if row.gaps else []] for row in rows
    ]
    headers = ["GSPR", "Requirement", "Applicable", "Justification if not applicable"]
    return table(
        [
            *headers,
            "Method of conformity",
            "Standards (edition)",
            "Evidence (item, document, version)",
            "Gaps",
        ],
        [_gspr_cells(request, row) for row in rows],
        classes=["qms-gspr-checklist"],
        cell_classes=classes,
        widths=[6, 16, 6, 14, 16, 14, 20, 8],
    )


def _file_versions(domain: QmsDomain) -> dict[str, str]:
    """Short SHA of the last commit that changed each file; empty outside git."""
    if domain.history() is None:
        return {}
    commits = GitHistory(domain.project().root).commits()
    return {path: sha[:7] for path, sha in file_versions(commits).items()}


def _sources(request: RenderRequest, project: Project) -> EvidenceSources:
    env = request.builder.env
    pages = {
        docname: env.titles[docname].astext()
        for docname in env.found_docs
        if docname in env.titles
    }
    context = request.context
    records: dict[str, str] = {}
    runs = context.evidence.runs if context.evidence is not None else ()
    if runs:
        noun = "evidence record" if len(runs) == 1 else "evidence records"
        records["test_runs"] = f"{len(runs)} {noun}, latest {runs[-1].run_id}"
    if context.reviews is not None:
        records["reviewed_links"] = (
            f"reviewed-link record ({len(context.reviews)} links)"
        )
    head = source_state(project.root).commit
    if head is not None:
        records["version_control"] = f"git repository, HEAD {head[:7]}"
        tag = GitHistory(project.root).latest_tag(project.profile.baseline_pattern)
        if tag:
            records["baselines"] = f"baseline tag {tag}"
    return EvidenceSources(
        graph=context.graph,
        profile=context.profile,
        pages=pages,
        records=records,
        states=_states(request),
    )


def _states(request: RenderRequest) -> dict[str, str] | None:
    """Item id -> verification state, or None without evidence records."""
    evidence = request.context.evidence
    if evidence is None:
        return None
    return {item_id: state.state for item_id, state in evidence.states.items()}


def _evidence_cell(request: RenderRequest, row: ChecklistRow) -> list[nodes.Node]:
    cell: list[nodes.Node] = []
    for entry in row.evidence:
        if cell:
            cell.append(nodes.Text("; "))
        cell.extend(_evidence_entry(request, entry))
    return cell or [nodes.Text("-")]


def _evidence_entry(request: RenderRequest, entry: EvidenceFound) -> list[nodes.Node]:
    if not entry.found:
        return [nodes.strong("", f"missing: {entry.label}")]
    if entry.kind == "page":
        uri = request.builder.get_relative_uri(request.fromdocname, entry.name)
        return [nodes.reference("", entry.label, internal=True, refuri=uri)]
    parts: list[nodes.Node] = [nodes.Text(entry.label)]
    if entry.item_ids:
        parts.append(nodes.Text(" ("))
        for index, item_id in enumerate(entry.item_ids[:_SHOWN_ITEMS]):
            if index:
                parts.append(nodes.Text(", "))
            parts.append(request.link(item_id))
        more = len(entry.item_ids) - _SHOWN_ITEMS
        parts.append(nodes.Text(f" and {more} more)" if more > 0 else ")"))
    return parts


def _gspr_cells(request: RenderRequest, row: GsprRow) -> list[Cell]:
    standards: list[nodes.Node] = []
    for reference in row.standards:
        if standards:
            standards.append(nodes.Text("; "))
        standards += [
            request.link(reference.item_id),
            nodes.Text(f": {reference.text}"),
        ]
    evidence: list[nodes.Node] = []
    for found in row.evidence:
        if evidence:
            evidence.append(nodes.Text("; "))
        evidence.append(request.link(found.item_id))
        if found.docname is not None:
            version = f" @ {found.version}" if found.version else ""
            evidence.append(nodes.Text(f" ({found.docname}{version})"))
    answer = {True: "Y", False: "N", None: "?"}[row.applicable]
    return [
        request.link(row.item.id, row.number),
        row.item.title,
        answer,
        (row.justification or "-") if row.applicable is False else "-",
        row.method or "-",
        standards or "-",
        evidence or "-",
        [nodes.strong("", "; ".join(row.gaps))] if row.gaps else "none",
    ]


def setup(app: Sphinx) -> dict[str, Any]:
    """The conformity checklists (dossier, :mod:`qmsdoc.processes`)."""
    add_aggregates(app, CHECKLIST_DIRECTIVES, CHECKLIST_RENDERERS)
    return PART_METADATA
