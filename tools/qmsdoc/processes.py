"""The QMS processes qmsdoc serves, each declared once: the registry of features.

Each :class:`QmsProcess` names the profile section that configures it, the checks it
runs (with their catalogue entries), the Sphinx parts that give its directives and
pages, the ``qms`` commands, the workbook sheets and the dossier records it owns.
The check catalogue and the check run (:func:`catalogue_entries`,
:func:`registered_checks`), the Sphinx extension's ``setup``, the ``qms`` command
list, the workbook's sheets and the dossier's record kinds are all built from
:data:`PROCESSES`; nothing else lists them.

The declarations are data, light to import (the ``qms`` command line reads them to
list its commands): check modules, Sphinx parts and commands are named by module
path, imported only when used, as Sphinx names its extensions and Python packages
their entry points. Tests import every name and prove that each check, directive,
command and sheet belongs to exactly one process.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from qmsdoc.checks import Check, CheckContext, CheckSpec, Finding
    from qmsdoc.design_review import ReviewFacts
    from qmsdoc.documents import DocumentSet
    from qmsdoc.evidence.status import EvidenceView
    from qmsdoc.history.approvals import Approval
    from qmsdoc.model import Item, RawItem
    from qmsdoc.profile import Profile
    from qmsdoc.soup.records import SbomRecord
    from qmsdoc.vulnerability.records import ScanRecord

__all__ = [
    "PROCESSES",
    "QmsProcess",
    "catalogue",
    "catalogue_entries",
    "check_context",
    "commands",
    "outside_specs",
    "process",
    "record_kinds",
    "registered_checks",
    "run_checks",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class QmsProcess:
    """One process of the quality management system and everything qmsdoc has for it."""

    name: str
    """Identifier (``risk``)."""
    title: str
    """What the process is, in the standards' words."""
    clause: str
    """The clauses it serves."""
    sections: tuple[str, ...]
    """The profile tables that configure it (``risk`` for ``[risk]``); empty: the
    process is always on."""
    enabled: Callable[[Profile], bool]
    """Whether the profile configures the process: its checks are in the catalogue
    (and may be waived) only then."""
    check_modules: tuple[str, ...] = ()
    """Modules of :mod:`qmsdoc.checks` whose ``CHECKS`` the check run executes."""
    spec_modules: tuple[str, ...] = ()
    """Modules whose ``SPECS`` are findings made outside the check run (waivers,
    records that cannot be read, statements in documents)."""
    pages: tuple[str, ...] = ()
    """Sphinx parts (modules with a Sphinx ``setup(app)``) that register the
    process's directives, nodes and handlers."""
    commands: tuple[tuple[str, str], ...] = ()
    """``qms`` command name -> ``module:attribute`` of its click command."""
    sheets: tuple[str, ...] = ()
    """Workbook sections (:mod:`qmsdoc.export.xlsx` writes them in this order)."""
    records: tuple[str, ...] = ()
    """Record kinds the dossier writes for the process (a plan section may name them)."""


def _always(_: Profile) -> bool:
    return True


def _signatures(profile: Profile) -> bool:
    policy = profile.approval_policy
    return bool(profile.approval_types) or bool(policy is not None and policy.rules)


PROCESSES: tuple[QmsProcess, ...] = (
    QmsProcess(
        name="device_file",
        title="The device file: profile, items, checks and the control of records",
        clause="ISO 13485 4.2.4, 4.2.5 via 21 CFR 820.10; IEC 62304 5.1.1",
        sections=(),
        enabled=_always,
        spec_modules=("qmsdoc.checks.waivers", "qmsdoc.checks.records"),
        commands=(
            ("init", "qmsdoc.cli.init:init_command"),
            ("profile", "qmsdoc.cli.profile:profile_command"),
            ("items", "qmsdoc.cli.check:items_command"),
            ("check", "qmsdoc.cli.check:check_command"),
            ("checks", "qmsdoc.cli.check:checks_command"),
            ("import", "qmsdoc.cli.interchange:import_group"),
            ("export", "qmsdoc.cli.interchange:export_group"),
        ),
        records=("findings",),
    ),
    QmsProcess(
        name="design_controls",
        title="Design and development: user needs, inputs, outputs, traceability",
        clause="ISO 13485 7.3.2-7.3.7 via 21 CFR 820.10; IEC 62304 5.2-5.5, 5.7",
        sections=("types", "links", "coverage", "matrices"),
        enabled=_always,
        check_modules=(
            "qmsdoc.checks.identity",
            "qmsdoc.checks.fields",
            "qmsdoc.checks.links",
            "qmsdoc.checks.coverage",
        ),
        spec_modules=("qmsdoc.checks.intended_use",),
        pages=(
            "qmsdoc.sphinxext.matrix_directive",
            "qmsdoc.sphinxext.document_directives",
            "qmsdoc.sphinxext.design_directives",
            "qmsdoc.sphinxext.intended_use",
        ),
        commands=(
            ("matrix", "qmsdoc.cli.trace:matrix_command"),
            ("gaps", "qmsdoc.cli.trace:gaps_command"),
        ),
        sheets=("matrices", "coverage", "gaps"),
        records=("gaps", "workbook"),
    ),
    QmsProcess(
        name="evidence",
        title="Verification and validation by executed records",
        clause="ISO 13485 7.3.6, 7.3.7, 4.2.5 via 21 CFR 820.10; IEC 62304 5.7",
        sections=("evidence",),
        enabled=lambda profile: profile.evidence is not None,
        check_modules=("qmsdoc.checks.evidence",),
        pages=("qmsdoc.sphinxext.evidence_display",),
        commands=(("evidence", "qmsdoc.cli.evidence:evidence_group"),),
        sheets=("verification",),
        records=("evidence",),
    ),
    QmsProcess(
        name="risk",
        title="Risk management: analysis, evaluation, control, residual risk",
        clause="ISO 14971:2019 4.4-8; IEC 62304 7",
        sections=("risk",),
        enabled=lambda profile: profile.risk is not None,
        check_modules=("qmsdoc.checks.risk",),
        pages=("qmsdoc.sphinxext.risk_directives",),
    ),
    QmsProcess(
        name="security",
        title="Security risk management: threats, security controls, residual risk",
        clause="FD&C Act 524B; FDA premarket cybersecurity guidance (2026); IEC 81001-5-1",
        sections=("security",),
        enabled=lambda profile: profile.security is not None,
        check_modules=("qmsdoc.checks.security",),
        pages=("qmsdoc.sphinxext.security_directives",),
    ),
    QmsProcess(
        name="soup",
        title="SOUP and the software bill of materials",
        clause="IEC 62304 5.3.3, 7.1.2, 8.1.2; FD&C Act 524B(b)(3)",
        sections=("soup",),
        enabled=lambda profile: profile.soup is not None,
        check_modules=("qmsdoc.checks.soup",),
        commands=(("soup", "qmsdoc.cli.soup:soup_group"),),
        sheets=("soup",),
        records=("sbom",),
    ),
    QmsProcess(
        name="vulnerabilities",
        title="Vulnerability assessment of SOUP (scanner records, VEX)",
        clause="IEC 62304 7.1.3, 6.1; FD&C Act 524B(b)(1)",
        sections=("soup",),
        enabled=lambda profile: profile.soup is not None,
        check_modules=("qmsdoc.checks.vulnerability",),
        commands=(
            ("vulnerabilities", "qmsdoc.cli.vulnerability:vulnerabilities_group"),
        ),
        sheets=("vulnerabilities",),
        records=("vulnerabilities",),
    ),
    QmsProcess(
        name="ai",
        title="AI-enabled device software functions: models, data, performance, change plans",
        clause=(
            "FDA AI-DSF draft guidance (Jan 2025); FD&C Act 515C and FDA PCCP guidance"
            " (Dec 2024); EU AI Act Art. 9-15, 17, 72, Annex IV"
        ),
        sections=("ai",),
        enabled=lambda profile: profile.ai is not None,
        check_modules=("qmsdoc.checks.ai",),
        pages=("qmsdoc.sphinxext.ai_documents", "qmsdoc.sphinxext.ai_pages"),
        commands=(
            ("performance", "qmsdoc.cli.performance:performance_group"),
            ("pccp", "qmsdoc.cli.pccp:pccp_group"),
        ),
        records=("performance",),
    ),
    QmsProcess(
        name="change_control",
        title="Design changes: history, suspect links and their review",
        clause="ISO 13485 7.3.9 via 21 CFR 820.10; IEC 62304 6.2.3, 8",
        sections=("suspect",),
        enabled=lambda profile: profile.suspect_record is not None,
        check_modules=("qmsdoc.checks.change",),
        pages=(
            "qmsdoc.sphinxext.history_display",
            "qmsdoc.sphinxext.changelog_directive",
        ),
        commands=(
            ("history", "qmsdoc.cli.change:history_command"),
            ("diff", "qmsdoc.cli.change:diff_command"),
            ("suspect", "qmsdoc.cli.change:suspect_command"),
            ("review", "qmsdoc.cli.change:review_command"),
        ),
    ),
    QmsProcess(
        name="approvals",
        title="Approvals and electronic signatures by pull-request review",
        clause="21 CFR 11.50, 11.70; ISO 13485 4.2.4, 7.3.5 via 21 CFR 820.10",
        sections=("approvals",),
        enabled=_signatures,
        check_modules=("qmsdoc.checks.approvals",),
        commands=(("approvals", "qmsdoc.cli.change:approvals_command"),),
        records=("approvals",),
    ),
    QmsProcess(
        name="design_review",
        title="Design reviews: participants, independence, actions",
        clause="ISO 13485 7.3.5 via 21 CFR 820.10",
        sections=("design_review",),
        enabled=lambda profile: profile.design_review is not None,
        check_modules=("qmsdoc.checks.design_review",),
    ),
    QmsProcess(
        name="document_control",
        title="Control of documents: numbers, roles, approval",
        clause="ISO 13485 4.2.4 via 21 CFR 820.10",
        sections=("documents",),
        enabled=lambda profile: profile.documents is not None,
        check_modules=("qmsdoc.checks.documents",),
        pages=(
            "qmsdoc.sphinxext.document_control",
            "qmsdoc.sphinxext.document_template",
        ),
    ),
    QmsProcess(
        name="release",
        title="Software release: version history and known residual anomalies",
        clause="IEC 62304 5.8, 9; ISO 13485 7.3.8",
        sections=(),
        enabled=_always,
        pages=("qmsdoc.sphinxext.release_directives",),
        commands=(("release", "qmsdoc.cli.release:release_group"),),
    ),
    QmsProcess(
        name="dossier",
        title="The technical file per submission pathway, with conformity checklists",
        clause="FDA eSTAR; EU MDR Annex II, III; IVDR Annex II, III",
        sections=(),
        enabled=_always,
        pages=("qmsdoc.sphinxext.checklist_directives",),
        commands=(("dossier", "qmsdoc.cli.dossier:dossier_command"),),
    ),
)


def process(name: str) -> QmsProcess:
    """The process called ``name``.

    :raises KeyError: If there is none.
    """
    for candidate in PROCESSES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def commands() -> dict[str, str]:
    """Every ``qms`` command: name -> ``module:attribute``, in name order."""
    return dict(sorted(pair for entry in PROCESSES for pair in entry.commands))


def record_kinds() -> tuple[str, ...]:
    """The record kinds the dossier may write, in process order."""
    return tuple(kind for entry in PROCESSES for kind in entry.records)


@cache
def registered_checks() -> tuple[Check, ...]:
    """Every check the check run executes, process by process."""
    return tuple(
        check
        for entry in PROCESSES
        for module in entry.check_modules
        for check in _checks(module)
    )


def outside_specs() -> tuple[CheckSpec, ...]:
    """The catalogue entries of findings made outside the check run (waivers,
    records that cannot be read, statements in documents), process by process."""
    return tuple(
        spec
        for entry in PROCESSES
        for module in entry.spec_modules
        for spec in _specs(module)
    )


def catalogue_entries(profile: Profile) -> list[CheckSpec]:
    """The catalogue entry of every check id the profile turns on, sorted by id.

    A process's checks are in the catalogue (and may be waived) only when the profile
    configures the process. The ``coverage`` check's entry is replaced by one entry
    per coverage rule of the profile (its id, severity, description and clause); the
    findings made outside the check run (``SPECS``) are listed too.
    """
    from qmsdoc.checks.coverage import COVERAGE, rule_spec  # noqa: PLC0415 (loaded when the checks run)

    entries: list[CheckSpec] = []
    for entry in PROCESSES:
        if entry.enabled(profile):
            for module in entry.check_modules:
                entries.extend(
                    check.spec
                    for check in _checks(module)
                    if check.spec is not COVERAGE
                )
            for module in entry.spec_modules:
                entries.extend(_specs(module))
    entries.extend(rule_spec(rule) for rule in profile.coverage)
    return sorted(entries, key=lambda spec: (spec.check_id, spec.summary))


def catalogue(profile: Profile) -> list[tuple[str, str]]:
    """Every check id the profile turns on, with its one-line summary, sorted."""
    return [(spec.check_id, spec.summary) for spec in catalogue_entries(profile)]


def run_checks(
    items: Sequence[Item],
    profile: Profile,
    *,
    evidence: EvidenceView | None = None,
    reviews: Mapping[tuple[str, str, str], str] | None = None,
    approvals: Mapping[str, Sequence[Approval]] | None = None,
    sboms: Sequence[SbomRecord] = (),
    scans: Sequence[ScanRecord] = (),
    statements: Sequence[RawItem] = (),
    review_facts: ReviewFacts | None = None,
    documents: DocumentSet | None = None,
    document_approvals: Mapping[str, Sequence[Approval]] | None = None,
) -> list[Finding]:
    """Run every registered check, apply waivers, and return the findings in stable
    order (the device file builds the context itself: :func:`check_context`).

    :param items: The device file's items (as loaded by :func:`qmsdoc.model.load_items`).
    :param profile: The profile the items are checked against.
    :param evidence: Test results linked to the items, when loaded.
    :param reviews: The reviewed-link record, when the project keeps one.
    :param approvals: Signature manifest per item, when approvals are required.
    :param sboms: Imported SBOM records (SOUP checks compare the items with them).
    :param scans: Imported vulnerability scanner records.
    :param statements: Intended-use statements of the documents (``qms-intended-use``).
    :param review_facts: Build date and reviewed baselines in git, for the design
        review checks that need them (:func:`qmsdoc.design_review.read_review_facts`).
    :param documents: The pages and their document declarations (document checks).
    :param document_approvals: Signature manifest per document number, when
        approvals are required.
    """
    from qmsdoc.checks import CheckContext  # noqa: PLC0415 (loaded when the checks run)

    context = CheckContext(
        items=tuple(items),
        profile=profile,
        evidence=evidence,
        reviews=reviews,
        approvals=approvals,
        sboms=tuple(sboms),
        scans=tuple(scans),
        review_facts=review_facts,
        documents=documents,
        document_approvals=document_approvals,
    )
    return check_context(context, statements=statements)


def check_context(
    context: CheckContext,
    *,
    statements: Sequence[RawItem] = (),
    extra: Sequence[Finding] = (),
) -> list[Finding]:
    """Run every registered check on a prepared context (see :func:`run_checks`).

    :param extra: Findings found while the context was read (a committed record that
        cannot be used: ``record_invalid``); waivers and the advisory list apply to
        them as to any other.
    """
    from qmsdoc.checks.findings import in_order  # noqa: PLC0415 (loaded with the checks)
    from qmsdoc.checks.intended_use import check_intended_use  # noqa: PLC0415
    from qmsdoc.checks.waivers import apply_waivers  # noqa: PLC0415

    profile = context.profile
    findings = [
        finding for check in registered_checks() for finding in check.function(context)
    ]
    findings.extend(check_intended_use(statements))
    findings.extend(extra)
    check_ids = {spec.check_id for spec in catalogue_entries(profile)}
    waived = apply_waivers(findings, context.items, check_ids=check_ids)
    advisory = set(profile.advisory_checks)
    marked = [f.as_advisory() if f.check_id in advisory else f for f in waived]
    return in_order(marked)


def _checks(module: str) -> tuple[Check, ...]:
    checks: tuple[Check, ...] = importlib.import_module(module).CHECKS
    return checks


def _specs(module: str) -> tuple[CheckSpec, ...]:
    specs: tuple[CheckSpec, ...] = importlib.import_module(module).SPECS
    return specs
