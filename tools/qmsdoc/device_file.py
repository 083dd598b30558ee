"""Read a project's device file and check it: the core entry point of the CLI.

Framework-free: sources are read with :mod:`qmsdoc.model.rst_source`, the same
records the Sphinx directive produces, so ``qms check`` and a Sphinx build agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from qmsdoc.checks import Finding, run_checks
from qmsdoc.checks.intended_use import DIRECTIVE as INTENDED_USE
from qmsdoc.design_review import read_review_facts
from qmsdoc.documents import read_documents
from qmsdoc.documents.history import document_history, history_input
from qmsdoc.errors import InputError
from qmsdoc.evidence.inventory import missing_automated_tests
from qmsdoc.evidence.status import (
    EvidenceView,
    automated_tests,
    current_signatures,
    evaluate_evidence,
)
from qmsdoc.evidence.store import read_runs
from qmsdoc.history.approvals import (
    Approval,
    BaselineApproval,
    Signer,
    item_approvals,
    read_signature_sources,
    signs_baseline,
)
from qmsdoc.history.completeness import require_complete_history
from qmsdoc.history.items import ItemChange, item_digests, item_histories
from qmsdoc.history.suspect import read_reviews
from qmsdoc.input_files import file_sha256, read_input_text
from qmsdoc.model import Item, load_items
from qmsdoc.model.rst_source import scan_file
from qmsdoc.soup.store import read_records
from qmsdoc.trace import TraceGraph
from qmsdoc.vcs import GitHistory, source_state
from qmsdoc.vulnerability.store import read_scans

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator, Sequence

    from qmsdoc.documents import DocumentSet
    from qmsdoc.evidence.records import EvidenceRun
    from qmsdoc.model import RawItem
    from qmsdoc.project import Project
    from qmsdoc.soup.records import SbomRecord
    from qmsdoc.vulnerability.records import ScanRecord

__all__ = [
    "CheckOutcome",
    "check_device_file",
    "load_evidence",
    "load_sboms",
    "load_scans",
    "read_items",
    "read_items_with_evidence",
    "read_raw_items",
    "record_files",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOutcome:
    """The items of a device file and the findings about them."""

    items: tuple[Item, ...]
    findings: tuple[Finding, ...]
    evidence: EvidenceView | None = None
    sboms: tuple[SbomRecord, ...] = ()
    scans: tuple[ScanRecord, ...] = ()

    @property
    def passes_gate(self) -> bool:
        """True when no unwaived error or warning remains."""
        return not any(finding.fails_gate for finding in self.findings)


def read_raw_items(project: Project) -> list[RawItem]:
    """Every item directive in the project's source folders, as written."""
    return _scan(project, project.profile.directives)


def _scan(project: Project, directives: Collection[str]) -> list[RawItem]:
    raw: list[RawItem] = []
    for path in project.source_files():
        raw.extend(scan_file(path, root=project.root, directives=directives))
    return raw


def read_items(project: Project) -> tuple[Item, ...]:
    """The project's items with the profile applied, in location order."""
    return load_items(read_raw_items(project), project.profile)


def read_items_with_evidence(
    project: Project, *, include_local: bool = False
) -> tuple[tuple[Item, ...], EvidenceView | None]:
    """The project's items and their verification states (without running checks).

    :raises InputError: If a result record is not valid.
    """
    raw = read_raw_items(project)
    items = load_items(raw, project.profile)
    return items, load_evidence(project, items, raw, include_local=include_local)


def check_device_file(project: Project, *, include_local: bool = False) -> CheckOutcome:
    """Read the project's items and evidence and run every check on them."""
    # the items are scanned with exactly the profile's directives, as the history
    # scans each committed blob: the same text is then parsed once (rst_source keeps
    # recent scans)
    raw = read_raw_items(project)
    statements = _scan(project, {INTENDED_USE})
    items = load_items(raw, project.profile)
    evidence = load_evidence(project, items, raw, include_local=include_local)
    approvals = (
        load_approvals(project, raw=raw) if approvals_required(project) else None
    )
    documents = read_documents(project) if project.profile.documents else None
    sboms, scans = load_sboms(project), load_scans(project)
    findings = run_checks(
        items,
        project.profile,
        evidence=evidence,
        reviews=load_reviews(project),
        approvals=approvals,
        sboms=sboms,
        scans=scans,
        statements=statements,
        review_facts=read_review_facts(project.root, items, config)
        if (config := project.profile.design_review) is not None
        else None,
        documents=documents,
        document_approvals=load_document_approvals(project, documents)
        if approvals is not None and documents is not None
        else None,
    )
    return CheckOutcome(
        items=items,
        findings=tuple(findings),
        evidence=evidence,
        sboms=sboms,
        scans=scans,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryView:
    """Each item's changes and signature manifest, from git history."""

    head: str
    changes: dict[str, list[ItemChange]]
    approvals: dict[str, list[Approval]]
    signers: dict[str, Signer]
    baselines: tuple[BaselineApproval, ...] = ()


def load_history(
    project: Project, *, raw: list[RawItem] | None = None
) -> HistoryView | None:
    """Item histories and manifests, or None outside a git repository.

    :param raw: The items as read from the working tree, when the caller has them.

    :raises InputError: If the signer registry or a review export is invalid.
    :raises ProjectError: If the history is incomplete (shallow or partial clone).
    """
    state = source_state(project.root)
    if state.commit is None:
        return None
    history = GitHistory(project.root)
    require_complete_history(history)
    changes = item_histories(
        history, directives=project.profile.directives, is_source=project.is_source
    )
    signers, reviews = read_signature_sources(project.root, project.profile)
    policy = project.profile.approval_policy
    current = current_signatures(
        raw if raw is not None else read_raw_items(project), ()
    )
    baselines = _baseline_approvals(project, history)
    approvals = {
        item_id: item_approvals(
            item_changes,
            reviews=reviews,
            signers=signers,
            current=current.get(item_id, ""),
            trailers=dict(policy.trailers) if policy is not None else None,
            baselines=baselines,
        )
        for item_id, item_changes in changes.items()
    }
    return HistoryView(
        head=state.commit,
        changes=changes,
        approvals=approvals,
        signers=signers,
        baselines=tuple(baselines),
    )


def _baseline_approvals(
    project: Project, history: GitHistory
) -> list[BaselineApproval]:
    """The merges whose scope trailer says ``baseline``, with every item's content at
    the merge commit (what they signed)."""
    policy = project.profile.approval_policy
    scope = policy.scope_trailer if policy is not None else None
    baselines = []
    for request in history.pull_requests() if scope is not None else ():
        if not signs_baseline(request, scope):
            continue
        files = history.files_at(request.merge_commit) or {}
        baselines.append(
            BaselineApproval(
                request=request,
                content=item_digests(
                    files,
                    directives=project.profile.directives,
                    is_source=project.is_source,
                ),
            )
        )
    return baselines


def load_document_approvals(
    project: Project, documents: DocumentSet
) -> dict[str, list[Approval]] | None:
    """Each controlled document's signature manifest (by document number), the page
    text as signed content; None outside git or with an incomplete history.

    :raises InputError: If the signer registry or a review export is invalid.
    """
    source = history_input(project)
    if source.head is None or source.incomplete is not None:
        return None
    history = GitHistory(project.root)
    manifests: dict[str, list[Approval]] = {}
    for declaration in documents.declarations:
        try:
            text = read_input_text(
                project.root / declaration.path, kind="source", root=project.root
            )
        except InputError:
            text = None
        record = document_history(
            declaration, source=source, history=history, current=text
        )
        manifests.setdefault(declaration.number, list(record.signatures))
    return manifests


def approvals_required(project: Project) -> bool:
    """Whether the profile requires signatures (``required_types`` or a policy)."""
    policy = project.profile.approval_policy
    return bool(project.profile.approval_types) or bool(policy and policy.rules)


def load_approvals(
    project: Project, *, raw: list[RawItem] | None = None
) -> dict[str, list[Approval]] | None:
    """Each item's signature manifest from git history, or None when not configured
    or not in a git repository.

    :param raw: The items as read from the working tree, when the caller has them.

    :raises InputError: If the signer registry or a review export is invalid.
    """
    if project.profile.signer_registry is None:
        return None
    view = load_history(project, raw=raw)
    return view.approvals if view is not None else None


def load_reviews(project: Project) -> dict[tuple[str, str, str], str] | None:
    """The reviewed-link record, or None if the profile or the project keeps none.

    :raises InputError: If the record is malformed.
    """
    if project.profile.suspect_record is None:
        return None
    return read_reviews(project.root / project.profile.suspect_record)


def record_files(project: Project) -> list[tuple[str, Path]]:
    """(kind, file) of every committed JSON record, by kind then file name."""
    found: list[tuple[str, Path]] = []
    for kind, name in project.profile.record_folders:
        folder = project.root / name
        if folder.is_dir():
            found.extend((kind, path) for path in sorted(folder.glob("*.json")))
    return found


def load_sboms(project: Project) -> tuple[SbomRecord, ...]:
    """The imported SBOM records (none when the profile does not track SOUP).

    :raises InputError: If a record is not valid.
    """
    config = project.profile.soup
    if config is None:
        return ()
    return read_records(project.root / config.directory)


def load_scans(project: Project) -> tuple[ScanRecord, ...]:
    """The imported vulnerability scanner records (none without a ``[soup]`` table).

    :raises InputError: If a record is not valid.
    """
    config = project.profile.soup
    if config is None:
        return ()
    return read_scans(project.root / config.vulnerabilities)


def load_evidence(
    project: Project,
    items: tuple[Item, ...],
    raw: list[RawItem],
    *,
    include_local: bool = False,
) -> EvidenceView | None:
    """The recorded results linked to the items, staleness judged from git, with the
    test items whose automated test does not exist and the records whose attachments
    do not match.

    :param include_local: Also read the git-ignored local runs (never released).
    :raises InputError: If a result record is not valid.
    """
    config = project.profile.evidence
    if config is None:
        return None
    runs = read_runs(
        project.root / config.directory, include_local=include_local, root=project.root
    )
    view = evaluate_evidence(
        TraceGraph(items),
        project.profile,
        runs,
        history=GitHistory(project.root) if runs else None,
        current=current_signatures(raw, config.unchanged_fields),
        is_source=project.is_source,
    )
    return replace(
        view,
        missing_tests=missing_automated_tests(
            project.root, automated_tests(items, config)
        ),
        attachment_problems=tuple(attachment_problems(project.root, runs)),
    )


def attachment_problems(
    root: Path, runs: Sequence[EvidenceRun]
) -> Iterator[tuple[EvidenceRun, str]]:
    """Each record attachment that is missing, outside the project or changed."""
    for run in runs:
        for attachment in run.attachments:
            path = root / attachment.path
            if (
                Path(attachment.path).is_absolute()
                or ".." in Path(attachment.path).parts
            ):
                yield run, f"attachment {attachment.path} is outside the project"
                continue
            if not path.exists() and not path.is_symlink():
                yield run, f"attachment {attachment.path} does not exist"
                continue
            try:
                digest = file_sha256(path, root=root)
            except InputError as error:
                yield run, f"attachment {attachment.path} cannot be used: {error}"
                continue
            if digest != attachment.sha256:
                yield (
                    run,
                    (
                        f"attachment {attachment.path} has SHA-256 {digest[:12]}..., "
                        f"the record states {attachment.sha256[:12]}...: the file changed"
                    ),
                )
