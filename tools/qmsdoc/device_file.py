"""Read a project's device file and check it: the core entry point of the CLI.

Framework-free: sources are read with :mod:`qmsdoc.model.rst_source`, the same
records the Sphinx directive produces, so ``qms check`` and a Sphinx build agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from qmsdoc.ai.facts import AiFacts, load_ai_facts, performance_runs
from qmsdoc.ai.records import read_performance
from qmsdoc.checks import CheckContext, Finding
from qmsdoc.checks.intended_use import DIRECTIVE as INTENDED_USE
from qmsdoc.checks.records import RECORD_INVALID
from qmsdoc.design_review import read_review_facts
from qmsdoc.documents import read_documents
from qmsdoc.documents.control import DIRECTIVE as DOCUMENT_DIRECTIVE
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
from qmsdoc.model.needs_json import imported_items
from qmsdoc.model.rst_source import scan_file
from qmsdoc.processes import check_context
from qmsdoc.soup.store import read_records
from qmsdoc.trace import TraceGraph
from qmsdoc.vcs import GitHistory, source_state
from qmsdoc.vcs.clock import generation_time
from qmsdoc.vulnerability.store import read_scans

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator, Sequence

    from qmsdoc.design_review import ReviewFacts
    from qmsdoc.documents import DocumentSet
    from qmsdoc.evidence.records import EvidenceRun
    from qmsdoc.model import RawItem
    from qmsdoc.project import Project
    from qmsdoc.soup.records import SbomRecord
    from qmsdoc.vulnerability.records import ScanRecord

__all__ = [
    "CheckOutcome",
    "DeviceFile",
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
    """The ``directives`` of the source files. Each file is scanned once for every
    directive a command reads from it (items, intended-use statements, document
    declarations); the later readers, and the history reading the same blob at HEAD,
    get the records of that scan (:func:`~qmsdoc.model.rst_source.scan_text`)."""
    every = {*project.profile.directives, INTENDED_USE, DOCUMENT_DIRECTIVE}
    wanted = {name.lower() for name in directives}
    raw: list[RawItem] = []
    for path in project.source_files():
        raw.extend(
            record
            for record in scan_file(path, root=project.root, directives=every)
            if record.directive in wanted
        )
    return raw


def read_items(project: Project) -> tuple[Item, ...]:
    """The project's items with the profile applied, in location order, then the
    needs it imports or links to (:func:`~qmsdoc.model.needs_json.imported_items`).

    :raises InputError: If an imported needs file cannot be read.
    """
    return load_items(
        [*read_raw_items(project), *imported_items(project)], project.profile
    )


def read_items_with_evidence(
    project: Project, *, include_local: bool = False
) -> tuple[tuple[Item, ...], EvidenceView | None]:
    """The project's items and their verification states (without running checks).

    :raises InputError: If a result record is not valid.
    """
    raw = read_raw_items(project)
    items = load_items([*raw, *imported_items(project)], project.profile)
    return items, load_evidence(project, items, raw, include_local=include_local)


def check_device_file(project: Project, *, include_local: bool = False) -> CheckOutcome:
    """Read the project's items and evidence and run every check on them."""
    return DeviceFile.from_sources(project, include_local=include_local).outcome()


_WHERE = re.compile(
    r"(?P<path>[^:\n]+?)(?::(?P<line>[0-9]+)(?::[0-9]+)?)?: (?P<problem>.+)", re.S
)


class DeviceFile:
    """One device file and everything computed from it, each part computed once.

    The one pipeline of ``qms check``, the Sphinx build and the dossier: a front end
    supplies the items as written (the CLI from its source readers, the Sphinx build
    from the directives it ran) and reads the results: items, trace graph, risk and
    security estimates (:attr:`context`), evidence, reviews, signatures, SBOMs,
    scans, documents and :attr:`findings`. A committed record that cannot be read is
    a ``record_invalid`` finding at the record in both front ends, and the part it
    feeds is read as empty.
    """

    def __init__(
        self,
        project: Project,
        raw: Sequence[RawItem],
        *,
        statements: Sequence[RawItem] = (),
        include_local: bool = False,
        history: Callable[[], HistoryView | None] | None = None,
        git: GitHistory | None = None,
    ) -> None:
        """
        :param raw: The items as written, in location order.
        :param statements: The intended-use statements of the pages.
        :param include_local: Also read the git-ignored local evidence runs.
        :param history: Where the item histories come from, when the front end keeps
            them (the Sphinx build reads them once per build); default
            :func:`load_history` on the raw items.
        :param git: The reading of the repository, when the front end shares one
            with its other readers (default: one of this device file's own).
        """
        self.project = project
        self.raw = list(raw)
        self.statements = tuple(statements)
        self.include_local = include_local
        self._history_source = history
        self._problems: dict[str, Finding] = {}
        #: one reading of the repository for every reader of this device file (the
        #: history, the evidence staleness and the document manifests): each git
        #: log is run once per command
        self._git = git or GitHistory(project.root)

    @classmethod
    def from_sources(
        cls, project: Project, *, include_local: bool = False
    ) -> DeviceFile:
        """The device file as the project's source files say it now (the CLI).

        :raises ProjectError: If a source file cannot be read.
        """
        # each file is scanned once for the items, the intended-use statements and
        # the document declarations; the later readers, and the history reading the
        # same blob at HEAD, take their records from that scan (see _scan)
        return cls(
            project,
            read_raw_items(project),
            statements=_scan(project, {INTENDED_USE}),
            include_local=include_local,
        )

    @cached_property
    def imported(self) -> tuple[RawItem, ...]:
        """The needs the project imports (``needimport``) or links to
        (``[project] external_needs``): in the graph, never checked themselves."""
        return tuple(self._guarded(lambda: imported_items(self.project), list))

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """The items with the profile applied, the imported ones last."""
        return load_items([*self.raw, *self.imported], self.project.profile)

    @cached_property
    def evidence(self) -> EvidenceView | None:
        """Verification states from the evidence records (None: not configured)."""
        return self._guarded(
            lambda: load_evidence(
                self.project,
                self.items,
                self.raw,
                include_local=self.include_local,
                git=self._git,
            ),
            lambda: load_evidence(self.project, self.items, self.raw, runs=()),
        )

    @cached_property
    def reviews(self) -> dict[tuple[str, str, str], str] | None:
        """The reviewed-link record (None: not kept)."""
        return self._guarded(lambda: load_reviews(self.project), lambda: {})

    @cached_property
    def sboms(self) -> tuple[SbomRecord, ...]:
        """The imported SBOM records."""
        return self._guarded(lambda: load_sboms(self.project), tuple)

    @cached_property
    def scans(self) -> tuple[ScanRecord, ...]:
        """The imported vulnerability scanner records."""
        return self._guarded(lambda: load_scans(self.project), tuple)

    @cached_property
    def ai(self) -> AiFacts | None:
        """Performance records, dataset manifests and the build date for the AI
        checks (None: the profile has no ``[ai]`` table)."""
        config = self.project.profile.ai
        if config is None:
            return None
        items = self.items
        # the build date is read from git only when a model may be judged by it
        today = (
            generation_time(source_state(self.project.root)).date()
            if any(item.item_type == config.model_type for item in items)
            else None
        )
        return self._guarded(
            lambda: load_ai_facts(self.project.root, config, items, today=today),
            lambda: AiFacts(today=today),
        )

    @cached_property
    def history(self) -> HistoryView | None:
        """Item histories and signature manifests (None: not in git, or not read).

        :raises ProjectError: If the history is incomplete (from the CLI).
        """
        if self._history_source is not None:
            return self._history_source()
        return self._guarded(
            lambda: load_history(self.project, raw=self.raw, git=self._git), _none
        )

    @cached_property
    def signatures(self) -> dict[str, list[Approval]] | None:
        """Each item's signature manifest, whenever the profile keeps a signer
        registry (the dossier's ``approvals.json``); None without one or outside git."""
        if not self.project.profile.signer_registry:
            return None
        view = self.history
        return view.approvals if view is not None else None

    @cached_property
    def approvals(self) -> dict[str, list[Approval]] | None:
        """The signature manifests the checks judge: only when the profile requires
        signatures."""
        return self.signatures if approvals_required(self.project) else None

    @cached_property
    def documents(self) -> DocumentSet | None:
        """The pages and their document declarations (None: not controlled)."""
        return read_documents(self.project) if self.project.profile.documents else None

    @cached_property
    def document_approvals(self) -> dict[str, list[Approval]] | None:
        """Each controlled document's signature manifest, when signatures are read."""
        documents = self.documents
        if self.approvals is None or documents is None:
            return None
        return self._guarded(
            lambda: load_document_approvals(self.project, documents, git=self._git),
            _none,
        )

    @cached_property
    def review_facts(self) -> ReviewFacts | None:
        """Build date and reviewed baselines for the design-review checks."""
        config = self.project.profile.design_review
        if config is None:
            return None
        return read_review_facts(self.project.root, self.items, config)

    @cached_property
    def context(self) -> CheckContext:
        """What the checks and the computed pages read (graph, risks, threats)."""
        return CheckContext(
            items=self.items,
            profile=self.project.profile,
            evidence=self.evidence,
            reviews=self.reviews,
            approvals=self.approvals,
            sboms=self.sboms,
            scans=self.scans,
            review_facts=self.review_facts,
            documents=self.documents,
            document_approvals=self.document_approvals,
            ai=self.ai,
        )

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding, waivers applied, in stable order."""
        context = self.context
        return tuple(
            check_context(
                context,
                statements=self.statements,
                extra=sorted(self._problems.values(), key=Finding.sort_key),
            )
        )

    def outcome(self) -> CheckOutcome:
        """The items, the findings and the records the findings rest on."""
        return CheckOutcome(
            items=self.items,
            findings=self.findings,
            evidence=self.evidence,
            sboms=self.sboms,
            scans=self.scans,
        )

    def _guarded(self, read: Callable[[], _T], empty: Callable[[], _T]) -> _T:
        """``read()``; if a committed record cannot be read, a ``record_invalid``
        finding at the record, and ``empty()`` instead."""
        try:
            return read()
        except InputError as error:
            finding = self._record_finding(error)
            self._problems.setdefault(finding.message, finding)
            return empty()

    def _record_finding(self, error: InputError) -> Finding:
        message = str(error)
        path, line = "", 0
        match = _WHERE.fullmatch(message)
        if match is not None:
            candidate = Path(match.group("path"))
            root = self.project.root
            try:
                path = candidate.resolve().relative_to(root.resolve()).as_posix()
            except (OSError, ValueError):
                path = ""
            if path:
                line = int(match.group("line") or 0)
                message = match.group("problem")
        return Finding(
            check_id=RECORD_INVALID.check_id,
            severity=RECORD_INVALID.severity,
            item_id="",
            path=path,
            line=line,
            docname="",
            message=message,
        )


_T = TypeVar("_T")


def _none() -> None:
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryView:
    """Each item's changes and signature manifest, from git history."""

    head: str
    changes: dict[str, list[ItemChange]]
    approvals: dict[str, list[Approval]]
    signers: dict[str, Signer]
    baselines: tuple[BaselineApproval, ...] = ()


def load_history(
    project: Project,
    *,
    raw: list[RawItem] | None = None,
    git: GitHistory | None = None,
) -> HistoryView | None:
    """Item histories and manifests, or None outside a git repository.

    :param raw: The items as read from the working tree, when the caller has them.
    :param git: The reading of the repository to share with other readers.

    :raises InputError: If the signer registry or a review export is invalid.
    :raises ProjectError: If the history is incomplete (shallow or partial clone).
    """
    history = git or GitHistory(project.root)
    state = history.state()
    if state.commit is None:
        return None
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
    project: Project, documents: DocumentSet, *, git: GitHistory | None = None
) -> dict[str, list[Approval]] | None:
    """Each controlled document's signature manifest (by document number), the page
    text as signed content; None outside git or with an incomplete history.

    :raises InputError: If the signer registry or a review export is invalid.
    """
    history = git or GitHistory(project.root)
    source = history_input(project, history=history)
    if source.head is None or source.incomplete is not None:
        return None
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
    runs: Sequence[EvidenceRun] | None = None,
    git: GitHistory | None = None,
) -> EvidenceView | None:
    """The recorded results linked to the items, staleness judged from git, with the
    test items whose automated test does not exist and the records whose attachments
    do not match.

    :param include_local: Also read the git-ignored local runs (never released).
    :param runs: The runs to judge by, instead of the committed records.
    :param git: The reading of the repository to share with other readers.
    :raises InputError: If a result record is not valid.
    """
    config = project.profile.evidence
    if config is None:
        return None
    if runs is None:
        runs = read_runs(
            project.root / config.directory,
            include_local=include_local,
            root=project.root,
        )
        ai = project.profile.ai
        if ai is not None:  # performance records verify their evaluations
            records = read_performance(project.root / ai.records, root=project.root)
            runs = [*runs, *performance_runs(records, TraceGraph(items), ai)]
    view = evaluate_evidence(
        TraceGraph(items),
        project.profile,
        runs,
        history=(git or GitHistory(project.root)) if runs else None,
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
