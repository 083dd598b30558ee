"""The checks: pure functions from the items and profile to findings.

Checks are listed in :data:`REGISTRY`, explicitly; nothing registers itself on
import. :func:`run_checks` runs them all, applies waivers and sorts the findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.checks.approvals import (
    check_approval_missing,
    check_approval_not_independent,
    check_approval_policy,
    check_approval_signer_unknown,
)
from qmsdoc.checks.change import check_link_suspect
from qmsdoc.checks.context import CheckContext
from qmsdoc.checks.coverage import check_coverage
from qmsdoc.checks.design_review import (
    check_design_review_action_open,
    check_design_review_action_overdue,
    check_design_review_action_unresolved,
    check_design_review_baseline_not_in_history,
    check_design_review_baseline_unknown,
    check_design_review_not_independent,
    check_design_review_participant_invalid,
)
from qmsdoc.checks.documents import (
    check_document_number_duplicate,
    check_document_number_invalid,
    check_document_number_missing,
)
from qmsdoc.checks.evidence import (
    check_evidence_attachment,
    check_evidence_failed,
    check_evidence_not_executed,
    check_evidence_stale,
    check_evidence_test_missing,
    check_evidence_unknown_item,
)
from qmsdoc.checks.fields import (
    check_field_missing,
    check_field_unknown,
    check_field_value,
)
from qmsdoc.checks.findings import Finding
from qmsdoc.checks.identity import (
    check_id_duplicate,
    check_id_malformed,
    check_id_missing,
)
from qmsdoc.checks.intended_use import check_intended_use
from qmsdoc.checks.links import (
    check_link_cycle,
    check_link_not_allowed,
    check_link_self,
    check_link_target_unknown,
)
from qmsdoc.checks.risk import (
    check_risk_control_unverified,
    check_risk_estimate,
    check_risk_information_only,
    check_risk_new_hazard,
    check_risk_overall_evaluation,
    check_risk_residual_missing,
    check_risk_residual_unjustified,
    check_risk_uncontrolled,
    check_risk_value_mismatch,
)
from qmsdoc.checks.security import (
    check_security_estimate,
    check_security_residual_missing,
    check_security_residual_unjustified,
    check_security_uncontrolled,
    check_security_value_mismatch,
)
from qmsdoc.checks.soup import (
    check_soup_hazard_unlinked,
    check_soup_not_in_sbom,
    check_soup_unlisted,
    check_soup_version_mismatch,
)
from qmsdoc.checks.vulnerability import (
    check_vulnerability_unassessed,
    check_vulnerability_under_investigation,
    check_vulnerability_unjustified,
    check_vulnerability_unmitigated,
)
from qmsdoc.checks.waivers import apply_waivers

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

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
    "Check",
    "CheckContext",
    "Finding",
    "catalogue",
    "check_context",
    "run_checks",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """A registered check: its id (the warning subtype) and its function."""

    check_id: str
    summary: str
    function: Callable[[CheckContext], Iterable[Finding]]


REGISTRY: tuple[Check, ...] = (
    Check(check_id="id_missing", summary="item without an :id:", function=check_id_missing),
    Check(check_id="id_malformed", summary="id does not match its type's pattern", function=check_id_malformed),
    Check(check_id="id_duplicate", summary="two items share an id", function=check_id_duplicate),
    Check(check_id="field_unknown", summary="field not declared for the item's type", function=check_field_unknown),
    Check(check_id="field_missing", summary="required field missing or empty", function=check_field_missing),
    Check(check_id="field_value", summary="value not allowed by the field", function=check_field_value),
    Check(check_id="link_target_unknown", summary="link to an item that does not exist", function=check_link_target_unknown),
    Check(check_id="link_not_allowed", summary="link not allowed by the profile's rules", function=check_link_not_allowed),
    Check(check_id="link_self", summary="item links to itself", function=check_link_self),
    Check(check_id="link_cycle", summary="links form a cycle", function=check_link_cycle),
    Check(check_id="coverage", summary="design-control chain coverage (one id per rule)", function=check_coverage),
    Check(check_id="approval_missing", summary="item of a required type whose current content no approval covers (Part 11 11.70)", function=check_approval_missing),
    Check(check_id="approval_signer_unknown", summary="signer not in the signer registry (Part 11 11.50)", function=check_approval_signer_unknown),
    Check(check_id="approval_policy", summary="signature the approval policy requires (role, meaning) missing or not covering the current content (ISO 13485 4.2.4, 7.3.5)", function=check_approval_policy),
    Check(check_id="approval_not_independent", summary="signature required to be independent given only by the author (ISO 13485 7.3.5)", function=check_approval_not_independent),
    Check(check_id="link_suspect", summary="link whose target changed since it was reviewed (IEC 62304 6.2.3)", function=check_link_suspect),
    Check(check_id="risk_estimate", summary="severity or probability missing or off the plan's scale (ISO 14971 5.5)", function=check_risk_estimate),
    Check(check_id="risk_uncontrolled", summary="risk needing control has no risk control (7.1)", function=check_risk_uncontrolled),
    Check(check_id="risk_information_only", summary="only information for safety where a design control may be feasible (7.1)", function=check_risk_information_only),
    Check(check_id="risk_control_unverified", summary="risk control without verification of implementation and effectiveness (7.2)", function=check_risk_control_unverified),
    Check(check_id="risk_residual_missing", summary="controlled situation without residual estimate (7.3)", function=check_risk_residual_missing),
    Check(check_id="risk_residual_unjustified", summary="residual risk not acceptable without benefit-risk justification (7.4)", function=check_risk_residual_unjustified),
    Check(check_id="risk_new_hazard", summary="hazard introduced by a control not analysed (7.5)", function=check_risk_new_hazard),
    Check(check_id="risk_value_mismatch", summary="typed risk disagrees with the computed risk (5.5, 6)", function=check_risk_value_mismatch),
    Check(check_id="risk_overall_evaluation", summary="overall residual risk evaluation missing (8)", function=check_risk_overall_evaluation),
    Check(check_id="evidence_failed", summary="verification of a requirement or risk control failed (ISO 13485 7.3.6)", function=check_evidence_failed),
    Check(check_id="evidence_stale", summary="verification result older than the last change of the item", function=check_evidence_stale),
    Check(check_id="soup_unlisted", summary="SBOM component without a SOUP item (IEC 62304 8.1.2)", function=check_soup_unlisted),
    Check(check_id="soup_version_mismatch", summary="SOUP item version differs from the SBOM (IEC 62304 8.1.2)", function=check_soup_version_mismatch),
    Check(check_id="soup_not_in_sbom", summary="SOUP item whose component is in no imported SBOM (IEC 62304 6.1)", function=check_soup_not_in_sbom),
    Check(check_id="soup_hazard_unlinked", summary="safety-relevant SOUP without a link to a hazard (IEC 62304 7.1.2)", function=check_soup_hazard_unlinked),
    Check(check_id="vulnerability_unassessed", summary="reported vulnerability without an assessment (IEC 62304 7.1.3; 524B)", function=check_vulnerability_unassessed),
    Check(check_id="vulnerability_unjustified", summary="not_affected vulnerability without VEX justification", function=check_vulnerability_unjustified),
    Check(check_id="vulnerability_unmitigated", summary="affected vulnerability without action or mitigating control (524B)", function=check_vulnerability_unmitigated),
    Check(check_id="vulnerability_under_investigation", summary="vulnerability still under investigation (IEC 62304 5.8.3)", function=check_vulnerability_under_investigation),
    Check(check_id="security_estimate", summary="threat impact or exploitability missing or off the scale", function=check_security_estimate),
    Check(check_id="security_uncontrolled", summary="security risk needing control has no security control", function=check_security_uncontrolled),
    Check(check_id="security_residual_missing", summary="controlled threat without residual exploitability", function=check_security_residual_missing),
    Check(check_id="security_residual_unjustified", summary="residual security risk not acceptable without justification", function=check_security_residual_unjustified),
    Check(check_id="security_value_mismatch", summary="typed security risk disagrees with the computed one", function=check_security_value_mismatch),
    Check(check_id="evidence_not_executed", summary="verification planned but no executed record (ISO 13485 7.3.6)", function=check_evidence_not_executed),
    Check(check_id="evidence_test_missing", summary="automated_test names a test that does not exist (IEC 62304 5.7.5)", function=check_evidence_test_missing),
    Check(check_id="evidence_attachment", summary="record attachment missing or its SHA-256 differs (ISO 13485 4.2.5)", function=check_evidence_attachment),
    Check(check_id="evidence_unknown_item", summary="recorded result names an item that does not exist", function=check_evidence_unknown_item),
    Check(check_id="design_review_not_independent", summary="design review without a participant independent of the stage (ISO 13485 7.3.5)", function=check_design_review_not_independent),
    Check(check_id="design_review_participant_invalid", summary="design review participant not written as 'name (role, ...)'", function=check_design_review_participant_invalid),
    Check(check_id="design_review_action_open", summary="design review action still open (release fails; ISO 13485 7.3.5)", function=check_design_review_action_open),
    Check(check_id="design_review_action_overdue", summary="open design review action past its due date on the build date", function=check_design_review_action_overdue),
    Check(check_id="design_review_action_unresolved", summary="closed design review action without its resolution", function=check_design_review_action_unresolved),
    Check(check_id="design_review_baseline_unknown", summary="design review baseline is neither a commit nor a tag of the repository", function=check_design_review_baseline_unknown),
    Check(check_id="design_review_baseline_not_in_history", summary="design review baseline is not HEAD or an ancestor of it", function=check_design_review_baseline_not_in_history),
    Check(check_id="document_number_missing", summary="page of the device file without a document number (ISO 13485 4.2.4)", function=check_document_number_missing),
    Check(check_id="document_number_duplicate", summary="document number declared by two pages, or twice on one (ISO 13485 4.2.4)", function=check_document_number_duplicate),
    Check(check_id="document_number_invalid", summary="document number off the profile's pattern, or unknown document role", function=check_document_number_invalid),
)  # fmt: skip

#: checks outside the registry: the waivers themselves (:mod:`qmsdoc.checks.waivers`)
#: and statements in documents (:mod:`qmsdoc.checks.intended_use`)
UNREGISTERED_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "intended_use_mismatch",
        "intended-use statement differs from the controlled one (807.92(a)(5); MDR Annex II 1.1)",
    ),
    (
        "record_invalid",
        "committed record (evidence, reviewed links, SBOM, scan, signer registry, "
        "review export) that cannot be read (ISO 13485 4.2.5)",
    ),
    ("waiver_invalid", "waiver that is malformed, names no check or is not justified"),
    ("waiver_unused", "waiver that matches no finding"),
)


def _signatures_required(profile: Profile) -> bool:
    policy = profile.approval_policy
    return bool(profile.approval_types) or bool(policy is not None and policy.rules)


def catalogue(profile: Profile) -> list[tuple[str, str]]:
    """Every check id with a one-line summary, coverage rules expanded, sorted."""
    entries = [
        (check.check_id, check.summary)
        for check in REGISTRY
        if check.check_id != "coverage"
        and (profile.risk is not None or not check.check_id.startswith("risk_"))
        and (profile.evidence is not None or not check.check_id.startswith("evidence_"))
        and (profile.suspect_record is not None or check.check_id != "link_suspect")
        and (
            _signatures_required(profile) or not check.check_id.startswith("approval_")
        )
        and (
            profile.soup is not None
            or not check.check_id.startswith(("soup_", "vulnerability_"))
        )
        and (profile.security is not None or not check.check_id.startswith("security_"))
        and (
            profile.design_review is not None
            or not check.check_id.startswith("design_review_")
        )
        and (
            profile.documents is not None or not check.check_id.startswith("document_")
        )
    ]
    entries.extend((rule.check_id, rule.description) for rule in profile.coverage)
    entries.extend(UNREGISTERED_CHECKS)
    return sorted(entries)


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
    check_ids = {check_id for check_id, _ in catalogue(profile)}
    waived = apply_waivers(findings, context.items, check_ids=check_ids)
    advisory = set(profile.advisory_checks)
    marked = [f.as_advisory() if f.check_id in advisory else f for f in waived]
    return sorted(set(marked), key=Finding.sort_key)
