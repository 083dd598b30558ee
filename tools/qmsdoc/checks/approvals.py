"""Approval checks: signatures that cover what an item says now, by the roles the
profile's approval policy names (21 CFR Part 11 11.50 and 11.70; ISO 13485 4.2.4,
7.3.5 and 7.3.9 via 21 CFR 820.10).

A signature counts for an item only when it *covers its current content*: the SHA-256
of the item's normalized content that was signed is the item's content now, and it
was given for the content that was merged. Findings are advisory on the everyday
gate and stop a release.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from qmsdoc.checks.documents import declaration_finding
from qmsdoc.checks.spec import Check, CheckSpec

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.history.approvals import Approval
    from qmsdoc.profile.approval_policy import SignatureRule

__all__ = [
    "APPROVAL_MISSING",
    "APPROVAL_NOT_INDEPENDENT",
    "APPROVAL_POLICY",
    "APPROVAL_SIGNER_UNKNOWN",
    "CHECKS",
    "check_approval_missing",
    "check_approval_not_independent",
    "check_approval_policy",
    "check_approval_signer_unknown",
    "policy_gaps",
]

APPROVAL_MISSING = CheckSpec(
    check_id="approval_missing",
    severity="error",
    summary=(
        "item of a required type whose current content no approval covers "
        "(Part 11 11.70)"
    ),
    clause="ISO 13485 7.3.9 via 21 CFR 820.10; 21 CFR 11.50, 11.70",
)
APPROVAL_SIGNER_UNKNOWN = CheckSpec(
    check_id="approval_signer_unknown",
    severity="error",
    summary="signer not in the signer registry (Part 11 11.50)",
    clause="21 CFR 11.50, 11.100",
)
APPROVAL_POLICY = CheckSpec(
    check_id="approval_policy",
    severity="error",
    summary=(
        "signature the approval policy requires (role, meaning) missing or not "
        "covering the current content (ISO 13485 4.2.4, 7.3.5)"
    ),
    clause="ISO 13485 4.2.4, 7.3.5 via 21 CFR 820.10; 21 CFR 11.50",
)
APPROVAL_NOT_INDEPENDENT = CheckSpec(
    check_id="approval_not_independent",
    severity="error",
    summary=(
        "signature required to be independent given only by the author "
        "(ISO 13485 7.3.5)"
    ),
    clause="ISO 13485 7.3.5 via 21 CFR 820.10",
)


def check_approval_missing(context: CheckContext) -> Iterator[Finding]:
    """An item of a required type has an approval that covers its current content.

    Serves ISO 13485 7.3.9 via 21 CFR 820.10 and Part 11 11.50/11.70: a design change is approved
    before implementation, and the signature is linked to the record it signs.
    """
    if context.approvals is None:
        return
    for item in context.local_items:
        if item.item_type not in context.profile.approval_types:
            continue
        manifest = context.approvals.get(item.id, [])
        if any(a.meaning == "approval" and a.covers_content for a in manifest):
            continue
        earlier = [a for a in manifest if a.meaning == "approval"]
        detail = (
            f"; approvals by {', '.join(sorted({a.login for a in earlier}))} do not cover it"
            if earlier
            else ""
        )
        yield APPROVAL_MISSING.at(
            item,
            f"{item.id}: the current content has no approval{detail}",
        )


def check_approval_signer_unknown(context: CheckContext) -> Iterator[Finding]:
    """Every signer is in the signer registry (printed name and role, Part 11 11.50).

    Serves 21 CFR Part 11 11.50 and 11.100: a signature shows the signer's printed
    name; an unregistered signer is never silently an approval.
    """
    if context.approvals is None:
        return
    for item in context.local_items:
        unknown = sorted(
            {
                a.login
                for a in context.approvals.get(item.id, [])
                if a.meaning != "authorship" and a.name is None
            }
        )
        if unknown:
            yield APPROVAL_SIGNER_UNKNOWN.at(
                item,
                f"{item.id}: signed by {', '.join(unknown)}, not in the signer registry",
            )


def check_approval_policy(context: CheckContext) -> Iterator[Finding]:
    """Each item and controlled document has the signatures its approval policy
    rules require: by each role named, with an accepted meaning, covering its
    current content.

    Serves ISO 13485 4.2.4 and 7.3.5 via 21 CFR 820.10 (documents reviewed and
    approved before issue by the functions concerned) and Part 11 11.50 (meaning).
    """
    yield from _policy_findings(context, APPROVAL_POLICY, independence=False)


def check_approval_not_independent(context: CheckContext) -> Iterator[Finding]:
    """Where a rule asks for independence, a signature by someone other than the
    author of the signed content covers the item or document.

    Serves ISO 13485 7.3.5 via 21 CFR 820.10: design reviews include a person
    independent of the design stage being reviewed. A project-wide exception of the
    policy (``independence_exception``) records the deviation with its justification.
    """
    policy = context.profile.approval_policy
    exception = policy.independence_exception if policy is not None else None
    for found in _policy_findings(context, APPROVAL_NOT_INDEPENDENT, independence=True):
        yield found if exception is None else replace(found, justification=exception)


def _policy_findings(
    context: CheckContext, spec: CheckSpec, *, independence: bool
) -> Iterator[Finding]:
    """The policy's gaps for each item (rules naming its type) and each controlled
    document (rules naming its role, or ``*``; the page text is the signed content),
    at the item or the document declaration."""
    policy = context.profile.approval_policy
    if context.approvals is None or policy is None:
        return
    yield from _item_findings(context, spec, independence=independence)
    documents, manifests = context.documents, context.document_approvals
    if documents is None or manifests is None:
        return
    for declaration in documents.declarations:
        manifest = manifests.get(declaration.number, [])
        for rule in policy.rules_for_document(declaration.role or None):
            if independence and not rule.independent:
                continue
            for gap in policy_gaps(rule, manifest, independence=independence):
                message = f"document {declaration.number}: {gap}"
                yield declaration_finding(declaration, spec, message)


def _item_findings(
    context: CheckContext, spec: CheckSpec, *, independence: bool
) -> Iterator[Finding]:
    """The policy's gaps for each item: a new file has thousands of items with no
    signature, whose gaps under one rule are worked out once."""
    policy = context.profile.approval_policy
    if context.approvals is None or policy is None:
        return
    unsigned: dict[int, list[str]] = {}  # id(rule) -> gaps of an empty manifest
    by_type: dict[str, tuple[SignatureRule, ...]] = {}
    for item in context.local_items:
        manifest = context.approvals.get(item.id, [])
        if item.item_type not in by_type:
            by_type[item.item_type] = policy.rules_for_type(item.item_type)
        for rule in by_type[item.item_type]:
            if independence and not rule.independent:
                continue
            if manifest:
                gaps = policy_gaps(rule, manifest, independence=independence)
            else:
                if id(rule) not in unsigned:
                    unsigned[id(rule)] = policy_gaps(
                        rule, manifest, independence=independence
                    )
                gaps = unsigned[id(rule)]
            for gap in gaps:
                yield spec.at(item, f"{item.id}: {gap}")


def policy_gaps(
    rule: SignatureRule, manifest: Sequence[Approval], *, independence: bool
) -> list[str]:
    """What ``manifest`` lacks under ``rule``: without ``independence``, the roles
    without a covering signature; with it, the roles signed only by the author.

    Used for items and for controlled documents alike.
    """
    authors = {
        name
        for a in manifest
        if a.meaning == "authorship"
        for name in (a.login, a.name)
        if name
    }
    gaps = []
    for role in rule.roles or ("",):
        holder = f"role {role}" if role else "a registered signer"
        covering = [
            a
            for a in manifest
            if a.meaning in rule.meanings
            and a.name is not None
            and a.covers_content
            and (not role or role in a.roles)
        ]
        meanings = " or ".join(rule.meanings)
        if not independence and not covering:
            gaps.append(
                f"no {meanings} by {holder} covers the current content "
                f"(policy: {rule.name}){_stale(manifest, rule)}"
            )
        elif (
            independence
            and covering
            and all(a.login in authors or a.name in authors for a in covering)
        ):
            gaps.append(
                f"the {meanings} by {holder} is by the author of the signed content, "
                f"not independent (policy: {rule.name})"
            )
    return gaps


def _stale(manifest: Sequence[Approval], rule: SignatureRule) -> str:
    """Signatures of the rule's meanings that no longer cover the content, cited."""
    old = sorted(
        {
            f"{a.name or a.login} ({a.reference or a.signed[:12]})"
            for a in manifest
            if a.meaning in rule.meanings and not a.covers_content
        }
    )
    return f"; signed before a change: {', '.join(old)}" if old else ""


#: the approval checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(spec=APPROVAL_MISSING, function=check_approval_missing),
    Check(spec=APPROVAL_SIGNER_UNKNOWN, function=check_approval_signer_unknown),
    Check(spec=APPROVAL_POLICY, function=check_approval_policy),
    Check(spec=APPROVAL_NOT_INDEPENDENT, function=check_approval_not_independent),
)
