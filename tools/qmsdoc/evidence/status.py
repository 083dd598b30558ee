"""The one verification state of every item, computed from evidence records.

Every view (item blocks, risk table and report, matrices, gap report, checklists, the
dossier gates) reads :class:`VerificationState`; none counts links as verification.

*Verifiers* are the items of the profile's test types (verification tests, validation
activities). A verifier's results are the records that name it (a manual execution
record, a study report, a JUnit ``verifies`` property) or the automated test it
declares in its ``automated_test`` field. The latest result of each case counts.

A verified item (requirement, risk control, security control, user need...) is:

* ``not_planned``: no verifier links to it and no executed result names it;
* ``planned``: linked, but not every verifier has an executed result;
* ``passed``: every verifier (and every result naming it) passed;
* ``failed``: a verifier or a result naming it failed or errored;
* ``stale``: a result predates a change of the item or of its test;
* ``waived``: not executed, with a justified waiver of ``evidence_not_executed``.

A result is stale when the item it verifies (or the test item that carries it) has
changed since the commit the result was produced from; the item as it was is read
from git history with the source reader.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from qmsdoc.model.ordering import natural_key
from qmsdoc.model.rst_source import scan_files

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from qmsdoc.evidence.records import EvidenceRun, TestResult
    from qmsdoc.model import Item, RawItem
    from qmsdoc.profile import Profile
    from qmsdoc.profile.model import EvidenceConfig
    from qmsdoc.trace import TraceGraph
    from qmsdoc.vcs import History

__all__ = [
    "LABELS",
    "STATES",
    "VERIFIED",
    "WAIVER_CHECK",
    "EvidenceView",
    "LinkedResult",
    "State",
    "VerificationState",
    "VerifierState",
    "automated_tests",
    "combine_states",
    "current_signatures",
    "evaluate_evidence",
    "item_signature",
]

State = Literal["not_planned", "planned", "passed", "failed", "stale", "waived"]
STATES: tuple[State, ...] = (
    "not_planned",
    "planned",
    "passed",
    "failed",
    "stale",
    "waived",
)
#: how each state reads in a report
LABELS: dict[State, str] = {
    "not_planned": "not planned",
    "planned": "planned, not executed",
    "passed": "passed",
    "failed": "FAILED",
    "stale": "stale",
    "waived": "waived",
}
#: the states in which an item counts as verified
VERIFIED: frozenset[State] = frozenset({"passed", "waived"})
#: the check whose waiver marks an item's verification as waived
WAIVER_CHECK = "evidence_not_executed"
#: decides whether a POSIX path relative to the root holds items
SourceFilter = Callable[[str], bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedResult:
    """The latest result of one test case, as it bears on one item."""

    run: EvidenceRun
    result: TestResult
    via: str | None
    """The test item through which the result verifies, if any."""
    stale_reason: str | None
    """Why the result no longer holds for the item, or None."""

    @property
    def record(self) -> str:
        """Where a reviewer opens the record (its path, else its run id)."""
        return self.run.record_path or f"run {self.run.run_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifierState:
    """A test item (or validation activity) and the state of its own results."""

    verifier_id: str
    state: State
    """``planned`` (no executed result), ``passed``, ``failed`` or ``stale``."""
    results: tuple[LinkedResult, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationState:
    """An item's verification state and the records it rests on."""

    item_id: str
    state: State
    results: tuple[LinkedResult, ...]
    """Every latest result bearing on the item (directly or through a verifier)."""
    verifiers: tuple[VerifierState, ...] = ()
    """The items that verify it, each with its own state."""
    waiver: str | None = None
    """The justification, when the state is ``waived``."""

    @property
    def label(self) -> str:
        """The state as a report prints it."""
        return LABELS[self.state]

    @property
    def verified(self) -> bool:
        """Passed, or waived with a justification."""
        return self.state in VERIFIED

    @property
    def executed(self) -> tuple[LinkedResult, ...]:
        """The results that ran to a verdict."""
        return tuple(r for r in self.results if r.result.executed)

    @property
    def traced(self) -> bool:
        """A verifier is linked or a result names the item."""
        return self.state != "not_planned" or bool(self.verifiers)

    @property
    def release_problem(self) -> str | None:
        """Why this state does not allow a release, or None when it does."""
        if self.state == "waived":
            return None
        if self.state != "passed":
            return self.describe()
        local = sorted(
            {r.run.run_id for r in self.executed if not r.run.counts_for_release}
        )
        if local:
            return (
                "passed only on runs that do not count for a release "
                f"(local, unknown commit or uncommitted changes): {', '.join(local)}"
            )
        return None

    def describe(self) -> str:
        """One line: the state and what it rests on."""
        if self.state == "not_planned":
            return "not planned: no verification test or validation is linked"
        if self.state == "waived":
            return f"waived: {self.waiver}"
        if self.state == "failed":
            failed = {
                f"{r.result.name} ({r.record})"
                for r in self.executed
                if r.result.failed
            }
            return "failed: " + "; ".join(sorted(failed))
        if self.state == "stale":
            stale = {r.stale_reason for r in self.executed if r.stale_reason}
            return "stale: " + "; ".join(sorted(stale))
        if self.state == "planned":
            return f"planned, not executed: {self._pending()}"
        records = sorted({r.record for r in self.executed})
        return "passed: " + ", ".join(records)

    def _pending(self) -> str:
        if not self.verifiers:
            return f"no executed result recorded for {self.item_id}"
        pending = [v.verifier_id for v in self.verifiers if v.state == "planned"]
        done = len(self.verifiers) - len(pending)
        return (
            f"{done} of {len(self.verifiers)} verifiers have a result; "
            f"no result for {', '.join(pending) or 'any'}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceView:
    """Everything the checks and pages need to know about verification evidence."""

    runs: tuple[EvidenceRun, ...]
    states: dict[str, VerificationState] = field(default_factory=dict)
    """By item id, for the verified types and the test types."""
    unknown: tuple[tuple[EvidenceRun, TestResult, str], ...] = ()
    """Results naming an item id that does not exist."""
    verified_types: tuple[str, ...] = ()
    """The item types whose verification is gated."""
    missing_tests: dict[str, str] = field(default_factory=dict)
    """Test item id -> why its ``automated_test`` names no existing test."""
    attachment_problems: tuple[tuple[EvidenceRun, str], ...] = ()
    """Records whose attachment is missing or does not match its SHA-256."""

    def state_of(self, item_id: str) -> VerificationState | None:
        """The item's verification state, if it is verifiable."""
        return self.states.get(item_id)

    def gated(self, graph: TraceGraph) -> list[VerificationState]:
        """The states of the gated (verified-type) items, by id."""
        return [
            state
            for item_id, state in sorted(
                self.states.items(), key=lambda entry: natural_key(entry[0])
            )
            if (item := graph.item(item_id)) is not None
            and item.item_type in self.verified_types
        ]

    def counts(self, graph: TraceGraph) -> dict[State, int]:
        """How many gated items are in each state (every state present, maybe 0)."""
        counts: dict[State, int] = dict.fromkeys(STATES, 0)
        for state in self.gated(graph):
            counts[state.state] += 1
        return counts


def current_signatures(
    raws: Iterable[RawItem], unchanged_fields: Sequence[str]
) -> dict[str, str]:
    """The signature of every item with an id as it is written now, by id."""
    return {
        item_id: item_signature(raw, unchanged_fields)
        for raw in raws
        if (item_id := (raw.option("id") or "").strip())
    }


def item_signature(raw: RawItem, unchanged_fields: Sequence[str]) -> str:
    """A digest of what an item says, ignoring fields whose change does not matter.

    The records of one text are shared (:func:`qmsdoc.model.rst_source.scan_text`
    keeps recent scans), so the evidence, history and approval readers of one
    command digest each item once.
    """
    return _signature(raw, tuple(unchanged_fields))


@lru_cache(maxsize=65536)
def _signature(raw: RawItem, unchanged_fields: tuple[str, ...]) -> str:
    options = sorted(
        (name, " ".join(value.split()))
        for name, value in raw.options
        if name not in unchanged_fields
    )
    # re-wrapping a paragraph is not a change: all white space counts as one space
    content = " ".join(raw.content.split())
    text = repr((raw.directive, " ".join(raw.title.split()), options, content))
    return hashlib.sha256(text.encode()).hexdigest()


def combine_states(states: Iterable[State]) -> State:
    """The state of a set of verifier states: failed over stale over planned over
    passed; nothing is ``not_planned``."""
    present = set(states)
    if not present:
        return "not_planned"
    order: tuple[State, ...] = ("failed", "stale", "planned")
    for state in order:
        if state in present:
            return state
    return "passed"


def evaluate_evidence(
    graph: TraceGraph,
    profile: Profile,
    runs: Sequence[EvidenceRun],
    *,
    history: History | None,
    current: dict[str, str],
    is_source: SourceFilter,
) -> EvidenceView:
    """Link the latest results to items and decide their states.

    :param current: Signature of every item now, by id (see :func:`item_signature`).
    :param history: Sources at past commits; None when history is unavailable.
    :param is_source: Whether a path at a past commit belongs to the device file.
    """
    config = profile.evidence
    if config is None:
        return EvidenceView(runs=tuple(runs))
    stale = _StalenessJudge(
        history,
        profile,
        current,
        is_source,
        test_files=_automated_files(graph, config),
    )
    direct, unknown = _link_results(graph, config, runs, stale)
    verifier_types = set(config.test_types)
    verifiers = {
        item.id: VerifierState(
            verifier_id=item.id,
            state=_result_state(results := _sorted(direct.get(item.id, []))),
            results=results,
        )
        for item in graph
        if item.item_type in verifier_types
    }
    states: dict[str, VerificationState] = {}
    for item in graph:
        if item.id in verifiers:
            own = verifiers[item.id]
            state = _waived(item, own.state)
            states[item.id] = VerificationState(
                item_id=item.id,
                state=state,
                results=own.results,
                waiver=_waiver(item) if state == "waived" else None,
            )
        if item.item_type in config.verified_types:
            states[item.id] = _verified_state(
                item,
                graph=graph,
                config=config,
                verifiers=verifiers,
                own=direct.get(item.id, []),
                stale=stale,
            )
    return EvidenceView(
        runs=tuple(runs),
        states=states,
        unknown=tuple(unknown),
        verified_types=config.verified_types,
    )


def _link_results(
    graph: TraceGraph,
    config: EvidenceConfig,
    runs: Sequence[EvidenceRun],
    stale: _StalenessJudge,
) -> tuple[dict[str, list[LinkedResult]], list[tuple[EvidenceRun, TestResult, str]]]:
    """The latest result of each case, by the item it names or whose automated
    test it is; and the results naming items that do not exist."""
    latest: dict[tuple[str, str], tuple[EvidenceRun, TestResult]] = {}
    for run in runs:  # oldest first: later runs overwrite
        for result in run.results:
            latest[(run.kind, result.node_id)] = (run, result)
    automated = _automated_index(graph, config)
    direct: dict[str, list[LinkedResult]] = {}
    unknown: list[tuple[EvidenceRun, TestResult, str]] = []
    for run, result in latest.values():
        named = _named_ids(result, config)
        reached = [i for i in named if i in graph]
        unknown.extend((run, result, i) for i in named if i not in graph)
        reached.extend(
            t
            for key in _case_keys(result)
            for t in automated.get(key, [])
            if t not in named
        )
        for item_id in dict.fromkeys(reached):
            direct.setdefault(item_id, []).append(
                LinkedResult(
                    run=run,
                    result=result,
                    via=None,
                    stale_reason=stale.reason(run, item_id, None),
                )
            )
    return direct, unknown


def _verified_state(
    item: Item,
    *,
    graph: TraceGraph,
    config: EvidenceConfig,
    verifiers: dict[str, VerifierState],
    own: list[LinkedResult],
    stale: _StalenessJudge,
) -> VerificationState:
    linked = [
        verifiers[edge.source]
        for edge in graph.incoming(item.id)
        if edge.link_type in config.verification_links and edge.source in verifiers
    ]
    through = [
        LinkedResult(
            run=r.run,
            result=r.result,
            via=v.verifier_id,
            stale_reason=stale.reason(r.run, item.id, v.verifier_id),
        )
        for v in linked
        for r in v.results
    ]
    linked = [replace(v, state=_with_item_staleness(v, through)) for v in linked]
    executed = [r for r in own if r.result.executed]
    parts = [
        *(v.state for v in linked),
        *([_result_state(executed)] if executed else []),
    ]
    state = _waived(item, combine_states(parts))
    return VerificationState(
        item_id=item.id,
        state=state,
        results=_sorted([*own, *through]),
        verifiers=tuple(sorted(linked, key=lambda v: v.verifier_id)),
        waiver=_waiver(item) if state == "waived" else None,
    )


def _with_item_staleness(verifier: VerifierState, through: list[LinkedResult]) -> State:
    """The verifier's state for one verified item: stale when the item changed."""
    if verifier.state != "passed":
        return verifier.state
    mine = [r for r in through if r.via == verifier.verifier_id and r.result.executed]
    return "stale" if any(r.stale_reason for r in mine) else "passed"


def _result_state(results: Sequence[LinkedResult]) -> State:
    ran = [r for r in results if r.result.executed]
    if not ran:
        return "planned"
    if any(r.result.failed for r in ran):
        return "failed"
    if any(r.stale_reason for r in ran):
        return "stale"
    return "passed"


def _waiver(item: Item) -> str | None:
    for waiver in item.waivers:
        if waiver.check_id == WAIVER_CHECK and len(waiver.justification.split()) >= 5:
            return waiver.justification
    return None


def _waived(item: Item, state: State) -> State:
    if state in ("not_planned", "planned") and _waiver(item) is not None:
        return "waived"
    return state


def _sorted(results: Iterable[LinkedResult]) -> tuple[LinkedResult, ...]:
    return tuple(
        sorted(
            results,
            key=lambda r: (r.via or "", r.result.node_id, r.run.run_id),
        )
    )


def _named_ids(result: TestResult, config: EvidenceConfig) -> list[str]:
    ids = list(result.verifies)
    if config.name_pattern is not None:
        ids.extend(
            match.group(0) for match in config.name_pattern.finditer(result.name)
        )
    return list(dict.fromkeys(ids))


def automated_tests(items: Iterable[Item], config: EvidenceConfig) -> dict[str, str]:
    """Test item id -> the automated test it declares (``path::name``), if any."""
    return {
        item.id: declared.strip()
        for item in items
        if item.item_type in config.test_types
        and (declared := item.field(config.automated_field))
        and declared.strip()
    }


def _automated_index(graph: TraceGraph, config: EvidenceConfig) -> dict[str, list[str]]:
    """Test items by the normalised name of the automated test they declare."""
    index: dict[str, list[str]] = {}
    for item_id, declared in automated_tests(graph, config).items():
        index.setdefault(_normalise(declared), []).append(item_id)
    return index


def _automated_files(graph: TraceGraph, config: EvidenceConfig) -> dict[str, str]:
    """Test item id -> the file of the automated test it declares."""
    return {
        item_id: declared.split("::", 1)[0].strip()
        for item_id, declared in automated_tests(graph, config).items()
    }


def _case_keys(result: TestResult) -> list[str]:
    """Node ids a case may be declared as: ``path/to/test_x.py::test_y``, and for a
    test method ``path/to/test_x.py::TestClass::test_y`` (the JUnit classname joins
    module and class with dots, so every split is a candidate); also ``classname::name``.
    """
    parts = result.classname.split(".") if result.classname else []
    keys = [_normalise(f"{result.classname}::{result.name}")]
    for split in range(len(parts), 0, -1):
        module = "/".join(parts[:split])
        inner = "::".join([*parts[split:], result.name])
        keys.append(_normalise(f"{module}.py::{inner}"))
    return keys


def _normalise(node_id: str) -> str:
    # a parametrised case (test_y[a-1]) counts for the test that declares test_y
    return re.sub(r"\[.*\]$", "", node_id.strip())


class _StalenessJudge:
    def __init__(
        self,
        history: History | None,
        profile: Profile,
        current: dict[str, str],
        is_source: SourceFilter,
        *,
        test_files: dict[str, str] | None = None,
    ) -> None:
        self._history = history
        self._profile = profile
        self._current = current
        self._is_source = is_source
        self._test_files = test_files or {}
        config = profile.evidence
        self._software = config.software_paths if config is not None else ()
        self._past: dict[str, dict[str, str] | None] = {}
        self._files: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def reason(self, run: EvidenceRun, item_id: str, test_id: str | None) -> str | None:
        if run.commit is None and run.kind == "study":
            return None  # a study report states its protocol version, not a commit
        if run.commit is None:
            return "the commit the result was produced from is unknown"
        past = self._signatures_at(run.commit)
        if past is None:
            return f"commit {run.commit[:12]} is not in the available history"
        for checked in (item_id, test_id):
            if checked is not None and past.get(checked) != self._current.get(checked):
                return f"{checked} changed after commit {run.commit[:12]}"
        if run.kind == "automated":
            return self._code_changed(run.commit, (item_id, test_id))
        return None

    def _code_changed(self, commit: str, checked: tuple[str | None, ...]) -> str | None:
        """An automated result no longer holds when its test file or the software
        under test (the profile's ``software_paths``) changed after its commit."""
        if self._history is None:
            return None
        tests = [self._test_files[i] for i in checked if i in self._test_files]
        for path in (*tests, *self._software):
            if self._history.changed_since(commit, path):
                return f"{path} changed after commit {commit[:12]}"
        return None

    def _signatures_at(self, commit: str) -> dict[str, str] | None:
        if commit not in self._past:
            self._past[commit] = self._read(commit)
        return self._past[commit]

    def _read(self, commit: str) -> dict[str, str] | None:
        if self._history is None:
            return None
        files = self._history.files_at(commit)
        if files is None:
            return None
        signatures: dict[str, str] = {}
        for path, text in sorted(files.items()):
            for item_id, signature in self._file_signatures(path, text):
                signatures.setdefault(item_id, signature)
        return signatures

    def _file_signatures(self, path: str, text: str) -> list[tuple[str, str]]:
        """(id, signature) of a file's items, parsed once per path and content:
        records of many commits mostly see the same files."""
        key = (path, hashlib.sha256(text.encode()).hexdigest())
        cached = self._files.get(key)
        if cached is None:
            config = self._profile.evidence
            unchanged = config.unchanged_fields if config else ()
            raws = scan_files(
                {path: text},
                directives=self._profile.directives,
                is_source=self._is_source,
            )
            cached = [
                (item_id, item_signature(raw, unchanged))
                for raw in raws
                if (item_id := (raw.option("id") or "").strip())
            ]
            self._files[key] = cached
        return cached
