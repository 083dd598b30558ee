"""Section completeness and the release-readiness gate, framework-free.

Each section is filled (every source it names is present and not empty), not
applicable (with the reason from the plan), external (prepared outside the design
history file, with a note) or missing (with what is missing). A document role is
present when a page of the project declares it (``.. qms-document-control::`` with
``:role:``); the section then names the role and its pages. The gate collects the
conditions that stop a release: unresolved findings, unverified requirements or risk
controls, failed or stale evidence, open suspect links, unaccepted residual risk,
missing approvals, design reviews. Each condition can be switched on or off; a release
turns all on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from qmsdoc.design_review.records import BASELINE_CHECKS, missing_review
from qmsdoc.dossier.plan import applies
from qmsdoc.model.ordering import natural_key
from qmsdoc.trace.matrix import build_matrix

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence

    from qmsdoc.checks import Finding
    from qmsdoc.documents import DocumentSet
    from qmsdoc.dossier.plan import PathwayPlan, SectionPlan
    from qmsdoc.evidence.status import EvidenceView
    from qmsdoc.profile import Profile
    from qmsdoc.risk.estimate import RiskEstimate
    from qmsdoc.trace import TraceGraph
    from qmsdoc.vulnerability.records import ScanRecord

__all__ = [
    "ALL_CONDITIONS",
    "EVERYDAY_CONDITIONS",
    "GateCondition",
    "SectionState",
    "declared_roles",
    "gate_conditions",
    "section_states",
]

State = Literal["filled", "not applicable", "external", "missing"]
ALL_CONDITIONS = (
    "consistency",
    "findings",
    "unverified",
    "failed_evidence",
    "stale_evidence",
    "suspect_links",
    "residual_risk",
    "approvals",
    "status",
    "design_review",
    "sections",
)
#: conditions checked on every dossier build; a release adds the others
EVERYDAY_CONDITIONS = (
    "consistency",
    "findings",
    "failed_evidence",
    "suspect_links",
    "residual_risk",
    "sections",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionState:
    """A section of the plan and how the device file fills it."""

    plan: SectionPlan
    state: State
    detail: str
    sources: tuple[str, ...]
    """What fills it (document roles with their pages, pages, item counts, matrices,
    records)."""
    pages: tuple[str, ...] = ()
    """The pages (document names) that fill it, in the order the plan names them."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GateCondition:
    """One condition of the release-readiness gate and what fails it."""

    name: str
    checked: bool
    failures: tuple[str, ...]

    @property
    def fails(self) -> bool:
        """Checked and not met."""
        return self.checked and bool(self.failures)


def declared_roles(documents: DocumentSet | None) -> dict[str, tuple[str, ...]]:
    """Each document role a written page declares, with the pages (document names)
    that declare it, in path order; empty without document control. A page still
    the stub ``qms init`` wrote (:data:`qmsdoc.documents.control.STUB_MARKER`) fills
    no role: the document is not written."""
    roles: dict[str, list[str]] = {}
    if documents is None:
        return {}
    stubs = {page.docname for page in documents.pages if page.stub_line}
    for declaration in documents.declarations:
        if declaration.role and declaration.docname not in stubs:
            pages = roles.setdefault(declaration.role, [])
            if declaration.docname not in pages:
                pages.append(declaration.docname)
    return {role: tuple(pages) for role, pages in roles.items()}


def section_states(
    plan: PathwayPlan,
    *,
    graph: TraceGraph,
    profile: Profile,
    pages: Collection[str],
    records: Collection[str],
    roles: Mapping[str, Sequence[str]] | None = None,
    scans: Sequence[ScanRecord] = (),
) -> list[SectionState]:
    """The state of every section of ``plan`` that applies to the device file (a
    section with ``when_item_type`` only when the graph holds an item of that type).

    :param pages: Document names of the project (e.g. ``source/intended-use``).
    :param records: The generated records present in the dossier.
    :param roles: Each document role a page declares, with its pages
        (:func:`declared_roles`); None: no page declares one.
    :param scans: The imported vulnerability scans: when there are some and they
        report no vulnerability, a section's vulnerability assessments may be none.
    """
    sources = _Sources(
        graph=graph, profile=profile, pages=pages, records=records, scans=scans
    )
    declared = roles or {}
    present = {type_name for type_name in _conditions(plan) if graph.of_type(type_name)}
    return [
        _state(section, sources, declared)
        for section in plan.sections
        if applies(section, present)
    ]


def _conditions(plan: PathwayPlan) -> set[str]:
    """The item types the plan's conditional sections name."""
    return {s.when_item_type for s in plan.sections if s.when_item_type}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Sources:
    """What the device file holds that a section can name."""

    graph: TraceGraph
    profile: Profile
    pages: Collection[str]
    records: Collection[str]
    scans: Sequence[ScanRecord] = ()


def _state(
    section: SectionPlan, sources: _Sources, roles: Mapping[str, Sequence[str]]
) -> SectionState:
    if section.not_applicable:
        return SectionState(
            plan=section,
            state="not applicable",
            detail=section.not_applicable,
            sources=(),
        )
    if section.administrative:
        return SectionState(
            plan=section, state="external", detail=section.administrative, sources=()
        )
    found: list[str] = []
    missing: list[str] = []
    pages: list[str] = []
    for role in section.documents:
        declaring = roles.get(role, ())
        if declaring:
            found.append(f"{role}: {', '.join(declaring)}")
            pages += [page for page in declaring if page not in pages]
        else:
            missing.append(_missing_role(role, sources.profile))
    for page in section.pages:
        if page in sources.pages:
            found.append(f"page {page}")
            pages += [page] if page not in pages else []
        else:
            missing.append(f"page {page}")
    _item_sources(section, sources, found, missing)
    if not (found or missing):
        missing.append(
            "nothing names what fills this section; name its documents, or why it "
            "does not apply, in qms.toml ([project.pathway_overrides])"
        )
    if missing:
        return SectionState(
            plan=section,
            state="missing",
            detail="missing: " + "; ".join(missing),
            sources=tuple(found),
            pages=tuple(pages),
        )
    return SectionState(
        plan=section,
        state="filled",
        detail="",
        sources=tuple(found),
        pages=tuple(pages),
    )


def _missing_role(role: str, profile: Profile) -> str:
    """``document role 'intended-use' (Intended use and indications (...); no page
    declares it)``."""
    config = profile.documents
    described = dict(config.roles) if config is not None else {}
    about = f"{described[role]}; " if role in described else ""
    return f"document role {role!r} ({about}no page declares it)"


def _item_sources(
    section: SectionPlan, sources: _Sources, found: list[str], missing: list[str]
) -> None:
    """Items of the named types, trace matrices and generated records."""
    graph = sources.graph
    for type_name in section.item_types:
        count = sum(
            1
            for item in graph.of_type(type_name)
            if all(
                (item.field(key) or "").strip() == value for key, value in section.where
            )
        )
        condition = "".join(f" with {key} {value}" for key, value in section.where)
        if not count and _nothing_to_assess(type_name, sources):
            found.append(
                f"0 {type_name} items (the imported vulnerability scans report no"
                " vulnerability to assess)"
            )
            continue
        (found if count else missing).append(f"{count} {type_name} items{condition}")
    for name in section.matrices:
        spec = sources.profile.matrix(name)
        rows = len(build_matrix(graph, spec).rows) if spec is not None else 0
        (found if rows else missing).append(f"matrix {name} ({rows} rows)")
    for record in section.records:
        (found if record in sources.records else missing).append(f"record {record}")


def _nothing_to_assess(type_name: str, sources: _Sources) -> bool:
    """No assessment item is needed: ``type_name`` is the profile's vulnerability
    assessment type, vulnerability scans were imported and none reports a finding
    (a reported one without an assessment is ``qms.vulnerability_unassessed``)."""
    config = sources.profile.soup
    return (
        config is not None
        and type_name == config.assessment_type
        and bool(sources.scans)
        and not any(scan.findings for scan in sources.scans)
    )


def gate_conditions(
    *,
    graph: TraceGraph,
    findings: Sequence[Finding],
    evidence: EvidenceView | None,
    risks: Sequence[RiskEstimate],
    profile: Profile,
    sections: Sequence[SectionState],
    checked: Collection[str],
    consistency: Sequence[str] = (),
) -> list[GateCondition]:
    """Every gate condition, with what fails it; only ``checked`` ones can fail."""
    failures: dict[str, list[str]] = {name: [] for name in ALL_CONDITIONS}
    failures["consistency"] = list(consistency)
    _finding_failures(findings, failures)
    _evidence_failures(graph, evidence, profile, failures)
    _risk_failures(risks, profile, failures)
    failures["status"] = status_failures(graph, profile)
    failures["design_review"] = design_review_failures(graph, findings, profile)
    failures["sections"] = [
        f"{state.plan.section_id} {state.plan.title}: {state.detail}"
        for state in sections
        if state.state == "missing" and state.plan.required
    ]
    return [
        GateCondition(
            name=name, checked=name in checked, failures=tuple(failures[name])
        )
        for name in ALL_CONDITIONS
    ]


#: findings that restate a verification state: the state's own conditions report them
_STATE_CHECKS = frozenset(
    {"evidence_failed", "evidence_stale", "evidence_not_executed"}
)


def _finding_failures(
    findings: Sequence[Finding], failures: dict[str, list[str]]
) -> None:
    for finding in findings:
        where = f"{finding.path}:{finding.line}: {finding.message}"
        if finding.waived:
            continue
        if finding.check_id == "link_suspect":
            failures["suspect_links"].append(where)
        elif finding.check_id.startswith("approval_"):
            failures["approvals"].append(where)
        elif finding.check_id.startswith("design_review_"):
            continue  # the design_review condition reports them
        elif finding.fails_strict_gate and finding.check_id not in _STATE_CHECKS:
            failures["findings"].append(f"{where} [qms.{finding.check_id}]")


def _evidence_failures(
    graph: TraceGraph,
    evidence: EvidenceView | None,
    profile: Profile,
    failures: dict[str, list[str]],
) -> None:
    """Each gated item whose verification state stops a release, with why.

    Read from the one verification state (:mod:`qmsdoc.evidence.status`): failed and
    stale records, items planned but not executed or not planned at all, and passes
    resting only on runs that do not count for a release.
    """
    if profile.evidence is None:
        return
    if evidence is None:
        failures["unverified"].append("no evidence records were read")
        return
    for state in evidence.gated(graph):
        if state.state == "failed":
            failures["failed_evidence"].append(f"{state.item_id}: {state.describe()}")
        elif state.state == "stale":
            failures["stale_evidence"].append(f"{state.item_id}: {state.describe()}")
        elif (problem := state.release_problem) is not None:
            failures["unverified"].append(f"{state.item_id}: {problem}")


def status_failures(graph: TraceGraph, profile: Profile) -> list[str]:
    """Items a release cannot contain in their document-control state.

    Every item whose status is neither released (``approved``) nor retired
    (``obsolete``), and every released item that cites (links to) an item that is not
    released: ISO 13485 4.2.4 and 7.3.5 (documents approved before issue), via
    21 CFR 820.10.
    """
    field = profile.status_field
    if field is None or not profile.released_statuses:
        return []
    released, retired = set(profile.released_statuses), set(profile.retired_statuses)
    items = sorted(graph, key=lambda item: natural_key(item.id))
    failures = []
    for item in items:
        status = (item.field(field) or "").strip()
        if status in retired:
            continue
        if status not in released:
            failures.append(f"{item.id}: {field} {status or 'not set'}, not released")
            continue
        for edge in graph.outgoing(item.id):
            target = graph.item(edge.target)
            cited = (target.field(field) or "").strip() if target is not None else ""
            if target is not None and cited not in released:
                failures.append(
                    f"{item.id}: {status} but {edge.link_type} {target.id}, which is "
                    f"{cited or 'without ' + field}"
                )
    return failures


def design_review_failures(
    graph: TraceGraph, findings: Sequence[Finding], profile: Profile
) -> list[str]:
    """What stops a release in its design reviews (ISO 13485 7.3.5 via 21 CFR 820.10).

    Every unwaived design-review finding that fails the release gate (open or
    overdue actions, no independent participant, unknown baselines), and a missing
    approved review of a baseline in the release's history.
    """
    config = profile.design_review
    if config is None:
        return []
    failures = [
        f"{finding.path}:{finding.line}: {finding.message}"
        for finding in findings
        if finding.check_id.startswith("design_review_") and finding.fails_strict_gate
    ]
    missing = missing_review(
        graph,
        config,
        baseline_problems={
            finding.item_id
            for finding in findings
            if finding.check_id in BASELINE_CHECKS and finding.severity != "info"
        },
    )
    return [*failures, missing] if missing is not None else failures


def _risk_failures(
    risks: Sequence[RiskEstimate], profile: Profile, failures: dict[str, list[str]]
) -> None:
    if profile.risk is None:
        return
    for estimate in risks:
        residual = estimate.residual
        if residual is None or residual.region.acceptable:
            continue
        justified = bool(
            (estimate.situation.field(profile.risk.fields.benefit_risk) or "").strip()
        )
        if not (residual.region.needs_benefit_risk and justified):
            failures["residual_risk"].append(
                f"{estimate.situation.id}: residual risk {residual.region.label} not accepted"
            )
