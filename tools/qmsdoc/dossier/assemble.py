"""Assemble the technical file of one pathway into a folder, sealed by a manifest.

Everything is written into a temporary folder beside the target and moved into place
only when complete, so a failed run never leaves a dossier that looks whole. The
folder holds the HTML build, the section index, the workbook, the findings and gap
reports, the evidence records, the approval manifest when there is one, the readiness
report, and ``MANIFEST.sha256`` with every file's digest, the source commit and
whether the tree was clean. With ``SOURCE_DATE_EPOCH`` (default: the commit time) two
runs on the same commit give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmsdoc import __version__
from qmsdoc.device_file import DeviceFile, record_files
from qmsdoc.dossier.consistency import consistency_problems
from qmsdoc.dossier.originals import find_originals
from qmsdoc.dossier.plan import project_pathway
from qmsdoc.dossier.readiness import (
    ALL_CONDITIONS,
    EVERYDAY_CONDITIONS,
    GateCondition,
    SectionState,
    declared_roles,
    gate_conditions,
    section_states,
)
from qmsdoc.errors import OutputError, ProjectError
from qmsdoc.export.pdf import print_pdf
from qmsdoc.export.rendering import render_index
from qmsdoc.export.xlsx import WorkbookContext, workbook_bytes
from qmsdoc.history.approvals import approval_record
from qmsdoc.history.completeness import rewritten_tags
from qmsdoc.input_files import read_input_bytes
from qmsdoc.report import findings_document, gaps_document
from qmsdoc.risk.estimate import estimate_risks
from qmsdoc.trace.gaps import gap_report
from qmsdoc.vcs import GitHistory, source_state
from qmsdoc.vcs.clock import generation_time

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.dossier.originals import ImportedOriginal
    from qmsdoc.evidence.status import EvidenceView, State
    from qmsdoc.project import Project
    from qmsdoc.trace import TraceGraph

__all__ = ["DossierResult", "assemble_dossier", "verification_entries"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DossierResult:
    """Where the dossier went, its sections and whether the gate passed."""

    folder: Path
    sections: tuple[SectionState, ...]
    conditions: tuple[GateCondition, ...]
    elements: tuple[SectionState, ...] = ()
    """The software documentation elements (FDA pathways), empty otherwise."""
    verification: dict[State, int] | None = None
    """Gated items per verification state; None without evidence records."""

    @property
    def passes(self) -> bool:
        """No checked condition fails."""
        return not any(condition.fails for condition in self.conditions)


def assemble_dossier(
    project: Project,
    pathway: str,
    *,
    html: Path,
    output: Path,
    release: str | None,
    singlehtml: Path | None = None,
) -> DossierResult:
    """Build the dossier folder ``output / pathway``.

    :param html: A finished Sphinx HTML build of the project.
    :param release: A release tag: every gate condition is checked.
    :raises ProjectError: If the pathway is unknown or the HTML build is missing.
    :raises OutputError: If the folder cannot be written.
    """
    submitted = project_pathway(project, pathway)
    plan = submitted.plan
    if not (html / "index.html").is_file():
        raise ProjectError(f"{html}: no HTML build here; run `make html` first")
    device = DeviceFile.from_sources(project)
    outcome = device.outcome()
    graph = device.context.graph
    state = source_state(project.root)
    generated = generation_time(state)
    pages = {
        path.relative_to(project.root).with_suffix("").as_posix()
        for path in project.source_files()
    }
    files: dict[str, bytes] = {}
    files["findings.json"] = _json(
        findings_document(
            outcome.findings, project.profile, item_count=len(outcome.items)
        )
    )
    report = gap_report(graph, project.profile, outcome.evidence)
    files["gaps.json"] = _json(gaps_document(report, graph))
    files["traceability.xlsx"] = workbook_bytes(
        WorkbookContext(
            project=project.name, profile=project.profile, graph=graph, gaps=report,
            commit=state.label, generated=generated, generator=f"qmsdoc {__version__}",
            evidence=outcome.evidence,
            html_base="html/", sboms=outcome.sboms, scans=outcome.scans,
        )
    )  # fmt: skip
    records = {"findings", "gaps", "workbook"}
    for kind, record in record_files(project):
        files[f"{kind}/{record.name}"] = read_input_bytes(
            record, kind="record", root=project.root
        )
        records.add(kind)
    originals = find_originals(
        project.root,
        sboms=outcome.sboms,
        scans=outcome.scans,
        tracked=GitHistory(project.root).tracked,
    )
    for original in originals:
        if original.path is not None and original.shipped_as is not None:
            files[original.shipped_as] = read_input_bytes(
                project.root / original.path,
                kind="sbom" if original.kind == "sbom" else "report",
                root=project.root,
            )
    approvals = device.signatures
    if approvals:
        files["approvals.json"] = _json(
            {
                item_id: [approval_record(a) for a in entries]
                for item_id, entries in sorted(approvals.items())
            }
        )
        records.add("approvals")
    roles = declared_roles(device.documents)
    sections = section_states(
        plan,
        graph=graph,
        profile=project.profile,
        pages=pages,
        records=records,
        roles=roles,
        scans=outcome.scans,
    )
    elements: list[SectionState] = []
    elements_note = submitted.elements_note
    if submitted.elements is not None:
        elements = section_states(
            submitted.elements,
            graph=graph,
            profile=project.profile,
            pages=pages,
            records=records,
            roles=roles,
            scans=outcome.scans,
        )
    risks = estimate_risks(graph, project.profile.risk) if project.profile.risk else []
    checked = ALL_CONDITIONS if release else EVERYDAY_CONDITIONS
    conditions = gate_conditions(
        graph=graph, findings=outcome.findings, evidence=outcome.evidence, risks=risks,
        profile=project.profile, sections=[*sections, *elements], checked=checked,
        consistency=[
            *consistency_problems(project.classification, plan.name, risks),
            *rewritten_tags(GitHistory(project.root), project.profile.baseline_pattern),
        ],
    )  # fmt: skip
    stamp = generated.strftime("%Y-%m-%dT%H:%M:%SZ")
    commit = state.commit or "unknown"
    gate_fails = any(condition.fails for condition in conditions)
    files["dossier-report.json"] = _json(
        _report(
            plan.name,
            sections,
            conditions,
            elements=elements,
            elements_note=elements_note,
            commit=commit,
            clean=state.clean,
            release=release,
            generated=stamp,
            verification=verification_entries(graph, outcome.evidence, commit),
            originals=originals,
        )
    )
    if singlehtml is not None:
        files["technical-file.pdf"] = _pdf(
            singlehtml,
            cover={
                "Title": f"{project.name}: {plan.title}",
                "Pathway": plan.name,
                "Commit": commit,
                "Working tree": {
                    True: "clean",
                    False: "modified",
                    None: "unknown (not in git)",
                }[state.clean],
                "Release": release or "none (not a release build)",
                "Generated": stamp,
            },
            dirty=not state.clean,
            generated=generated,
            page_size="A4" if plan.region == "EU" else "Letter",
            running_header=f"{project.name} · {plan.title} · commit {commit[:12]}",
        )
    files["index.html"] = render_index(
        {
            "project": project.name, "plan": plan, "sections": sections, "conditions": conditions,
            "elements": elements, "elements_note": elements_note,
            "gate_fails": gate_fails, "commit": commit, "clean": bool(state.clean),
            "release": release, "generated": stamp, "generator": f"qmsdoc {__version__}",
            "records": sorted(name for name in files if name != "index.html"),
        },
        overrides=project.root / "templates",
    ).encode("utf-8")  # fmt: skip
    folder = output / plan.name
    _write_sealed(folder, files, html=html, commit=commit, clean=state.clean)
    return DossierResult(
        folder=folder,
        sections=tuple(sections),
        conditions=tuple(conditions),
        elements=tuple(elements),
        verification=outcome.evidence.counts(graph)
        if outcome.evidence is not None
        else None,
    )


def _pdf(
    singlehtml: Path,
    *,
    cover: dict[str, str],
    dirty: bool,
    generated: Any,
    page_size: str,
    running_header: str,
) -> bytes:
    """The PDF: A4 for an EU pathway, Letter for a US one (``page_size``)."""
    with tempfile.TemporaryDirectory(prefix="qms-dossier-pdf-") as work:
        target = Path(work) / "technical-file.pdf"
        print_pdf(
            singlehtml,
            target,
            cover=cover,
            dirty=dirty,
            generated=generated,
            page_size=page_size,
            running_header=running_header,
        )
        return target.read_bytes()


def _write_sealed(
    folder: Path,
    files: dict[str, bytes],
    *,
    html: Path,
    commit: str,
    clean: bool | None,
) -> None:
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as error:
        raise OutputError(
            f"{folder.parent}: cannot be written: {error.strerror or error}"
        ) from None
    try:
        shutil.copytree(
            html,
            staging / "html",
            ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"),
        )
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        lines = [
            f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(staging).as_posix()}"
            for path in sorted(staging.rglob("*"))
            if path.is_file()
        ]
        tree = "clean" if clean else ("modified" if clean is False else "unknown")
        header = f"# source commit: {commit}\n# working tree: {tree}\n"
        (staging / "MANIFEST.sha256").write_text(
            header + "\n".join(lines) + "\n", encoding="utf-8"
        )
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(
            f"{folder}: cannot be written: {error.strerror or error}"
        ) from None


def _report(
    pathway: str,
    sections: list[SectionState],
    conditions: list[GateCondition],
    *,
    elements: list[SectionState],
    elements_note: str,
    commit: str,
    clean: bool | None,
    release: str | None,
    generated: str,
    verification: dict[str, Any] | None = None,
    originals: Sequence[ImportedOriginal] = (),
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "pathway": pathway,
        "commit": commit,
        "working_tree_clean": clean,
        "release": release,
        "generated": generated,
        "gate": "fail" if any(condition.fails for condition in conditions) else "pass",
        "sections": [_section_entry(state) for state in sections],
        "conditions": [
            {
                "condition": c.name,
                "checked": c.checked,
                "fails": c.fails,
                "failures": list(c.failures),
            }
            for c in conditions
        ],
    }
    if verification is not None:
        report["verification"] = verification
    if originals:
        report["imported_originals"] = [
            {
                "kind": o.kind,
                "record": o.record,
                "source": o.source,
                "sha256": o.sha256,
                "shipped_as": o.shipped_as,
                "note": o.note,
            }
            for o in originals
        ]
    if elements:
        report["software_documentation"] = {
            "basis": elements_note,
            "elements": [_section_entry(state) for state in elements],
        }
    return report


def verification_entries(
    graph: TraceGraph, evidence: EvidenceView | None, commit: str
) -> dict[str, Any] | None:
    """Counts per verification state and every gated item's state with its records.

    For each executed record it says on what basis it holds for this commit: run at
    this commit, or at an earlier one whose changes do not touch the item or its test
    (a stale record is not listed as holding).
    """
    if evidence is None:
        return None
    items = []
    for state in evidence.gated(graph):
        records: list[dict[str, Any]] = []
        for linked in state.executed:
            run = linked.run
            if linked.stale_reason:
                basis = f"stale: {linked.stale_reason}"
            elif run.commit == commit:
                basis = "run at this commit"
            elif run.commit:
                basis = f"run at {run.commit[:12]}; the item and its test are unchanged since"
            elif run.kind == "study":
                basis = "study report: states its protocol version, not a commit"
            else:
                basis = "commit unknown"
            entry = {
                "record": linked.record,
                "case": linked.result.label,
                "kind": run.kind,
                "result": linked.result.outcome,
                "via": linked.via,
                "commit": run.commit,
                "counts_for_release": run.counts_for_release,
                "basis": basis,
            }
            if entry not in records:  # one case may name the item several ways
                records.append(entry)
        items.append(
            {
                "item": state.item_id,
                "state": state.state,
                "detail": state.describe(),
                "records": records,
            }
        )
    return {"counts": evidence.counts(graph), "items": items}


def _section_entry(state: SectionState) -> dict[str, Any]:
    return {
        "id": state.plan.section_id,
        "title": state.plan.title,
        "required": state.plan.required,
        "state": state.state,
        "detail": state.detail,
        "sources": list(state.sources),
    }


def _json(document: Any) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
