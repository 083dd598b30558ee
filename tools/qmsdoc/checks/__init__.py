"""The checks: pure functions from the items and profile to findings.

Each check module declares the catalogue entry of each of its check ids once
(:class:`CheckSpec`: id, severity, summary, clause), makes every finding through it,
and lists its checks in a ``CHECKS`` tuple. :data:`REGISTRY` joins those tuples,
explicitly; nothing registers itself on import. :func:`run_checks` runs them all,
applies waivers and sorts the findings; :func:`catalogue_entries` lists the entries
a profile turns on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks import (
    approvals,
    change,
    coverage,
    design_review,
    documents,
    evidence,
    fields,
    identity,
    intended_use,
    links,
    records,
    risk,
    security,
    soup,
    vulnerability,
    waivers,
)
from qmsdoc.checks.context import CheckContext
from qmsdoc.checks.findings import Finding
from qmsdoc.checks.intended_use import check_intended_use
from qmsdoc.checks.spec import Check, CheckSpec
from qmsdoc.checks.waivers import apply_waivers

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from qmsdoc.design_review import ReviewFacts
    from qmsdoc.documents import DocumentSet
    from qmsdoc.evidence.status import EvidenceView
    from qmsdoc.history.approvals import Approval
    from qmsdoc.model import Item, RawItem
    from qmsdoc.profile import Profile
    from qmsdoc.soup.records import SbomRecord
    from qmsdoc.vulnerability.records import ScanRecord

__all__ = [
    "REGISTRY",
    "UNREGISTERED_SPECS",
    "Check",
    "CheckContext",
    "CheckSpec",
    "Finding",
    "catalogue",
    "catalogue_entries",
    "check_context",
    "run_checks",
]

#: every check the run executes: the ``CHECKS`` of each check module, joined
REGISTRY: tuple[Check, ...] = (
    *identity.CHECKS,
    *fields.CHECKS,
    *links.CHECKS,
    *coverage.CHECKS,
    *approvals.CHECKS,
    *change.CHECKS,
    *risk.CHECKS,
    *evidence.CHECKS,
    *soup.CHECKS,
    *vulnerability.CHECKS,
    *security.CHECKS,
    *design_review.CHECKS,
    *documents.CHECKS,
)

#: findings made outside the registry: statements in documents
#: (:mod:`qmsdoc.checks.intended_use`), records that cannot be read
#: (:mod:`qmsdoc.checks.records`) and the waivers themselves
#: (:mod:`qmsdoc.checks.waivers`)
UNREGISTERED_SPECS: tuple[CheckSpec, ...] = (
    *intended_use.SPECS,
    *records.SPECS,
    *waivers.SPECS,
)


def _signatures_required(profile: Profile) -> bool:
    policy = profile.approval_policy
    return bool(profile.approval_types) or bool(policy is not None and policy.rules)


def _turned_on(spec: CheckSpec, profile: Profile) -> bool:
    """Whether the profile configures what ``spec`` checks (its section is there)."""
    check_id = spec.check_id
    return (
        (profile.risk is not None or not check_id.startswith("risk_"))
        and (profile.evidence is not None or not check_id.startswith("evidence_"))
        and (profile.suspect_record is not None or spec is not change.LINK_SUSPECT)
        and (_signatures_required(profile) or not check_id.startswith("approval_"))
        and (
            profile.soup is not None
            or not check_id.startswith(("soup_", "vulnerability_"))
        )
        and (profile.security is not None or not check_id.startswith("security_"))
        and (
            profile.design_review is not None
            or not check_id.startswith("design_review_")
        )
        and (profile.documents is not None or not check_id.startswith("document_"))
    )


def catalogue_entries(profile: Profile) -> list[CheckSpec]:
    """The catalogue entry of every check id the profile turns on, sorted by id.

    The registry's coverage entry is replaced by one entry per coverage rule of the
    profile (:func:`qmsdoc.checks.coverage.rule_spec`); the findings made outside
    the registry (:data:`UNREGISTERED_SPECS`) are listed too.
    """
    entries = [
        check.spec
        for check in REGISTRY
        if check.spec is not coverage.COVERAGE and _turned_on(check.spec, profile)
    ]
    entries.extend(coverage.rule_spec(rule) for rule in profile.coverage)
    entries.extend(UNREGISTERED_SPECS)
    return sorted(entries, key=lambda spec: (spec.check_id, spec.summary))


def catalogue(profile: Profile) -> list[tuple[str, str]]:
    """Every check id with a one-line summary, coverage rules expanded, sorted."""
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
    """Run every registered check, apply waivers, and return the findings in stable order.

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
    profile = context.profile
    findings = [finding for check in REGISTRY for finding in check.function(context)]
    findings.extend(check_intended_use(statements))
    findings.extend(extra)
    check_ids = {spec.check_id for spec in catalogue_entries(profile)}
    waived = apply_waivers(findings, context.items, check_ids=check_ids)
    advisory = set(profile.advisory_checks)
    marked = [f.as_advisory() if f.check_id in advisory else f for f in waived]
    return sorted(set(marked), key=Finding.sort_key)
