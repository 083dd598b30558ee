"""Link results to items and decide each item's verification state, staleness included.

A result verifies an item when its ``verifies`` property or its name names the item,
or when it is the automated test of a test item that verifies the item. The latest
result of each test case counts. A result is stale when the item it verifies (or the
test item that carries it) has changed since the commit the result was produced
from; the item as it was is read from git history with the source reader.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from qmsdoc.model.rst_source import scan_files

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.evidence.records import EvidenceRun, TestResult
    from qmsdoc.model import RawItem
    from qmsdoc.profile import Profile
    from qmsdoc.profile.model import EvidenceConfig
    from qmsdoc.trace import TraceGraph
    from qmsdoc.vcs import History

__all__ = [
    "EvidenceView",
    "LinkedResult",
    "State",
    "VerificationState",
    "evaluate_evidence",
    "item_signature",
]

State = Literal["verified", "failed", "not_run", "stale"]
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


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationState:
    """An item's verification state and the results it rests on."""

    item_id: str
    state: State
    results: tuple[LinkedResult, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceView:
    """Everything the checks and pages need to know about test evidence."""

    runs: tuple[EvidenceRun, ...]
    states: dict[str, VerificationState] = field(default_factory=dict)
    """By item id, for the verified types and the test types."""
    unknown: tuple[tuple[EvidenceRun, TestResult, str], ...] = ()
    """Results naming an item id that does not exist."""


def item_signature(raw: RawItem, unchanged_fields: Sequence[str]) -> str:
    """A digest of what an item says, ignoring fields whose change does not matter."""
    options = sorted(
        (name, " ".join(value.split()))
        for name, value in raw.options
        if name not in unchanged_fields
    )
    # re-wrapping a paragraph is not a change: all white space counts as one space
    content = " ".join(raw.content.split())
    text = repr((raw.directive, " ".join(raw.title.split()), options, content))
    return hashlib.sha256(text.encode()).hexdigest()


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
    latest: dict[str, tuple[EvidenceRun, TestResult]] = {}
    for run in runs:  # oldest first: later runs overwrite
        for result in run.results:
            latest[result.node_id] = (run, result)
    automated = _automated_index(graph, config)
    stale = _StalenessJudge(history, profile, current, is_source)
    linked: dict[str, list[LinkedResult]] = {}
    unknown: list[tuple[EvidenceRun, TestResult, str]] = []
    for run, result in latest.values():
        for item_id in _named_ids(result, config):
            if item_id not in graph:
                unknown.append((run, result, item_id))
                continue
            linked.setdefault(item_id, []).append(
                LinkedResult(
                    run=run,
                    result=result,
                    via=None,
                    stale_reason=stale.reason(run, item_id, None),
                )
            )
        test_ids = dict.fromkeys(
            t for key in _case_keys(result) for t in automated.get(key, [])
        )
        for test_id in test_ids:
            linked.setdefault(test_id, []).append(
                LinkedResult(
                    run=run,
                    result=result,
                    via=None,
                    stale_reason=stale.reason(run, test_id, None),
                )
            )
            for edge in graph.outgoing(test_id):
                linked.setdefault(edge.target, []).append(
                    LinkedResult(
                        run=run,
                        result=result,
                        via=test_id,
                        stale_reason=stale.reason(run, edge.target, test_id),
                    )
                )
    states = {}
    for item in graph:
        if (
            item.item_type in config.verified_types
            or item.item_type in config.test_types
        ):
            results = tuple(
                sorted(
                    linked.get(item.id, []),
                    key=lambda r: (r.result.node_id, r.via or ""),
                )
            )
            states[item.id] = VerificationState(
                item_id=item.id, state=_state(results), results=results
            )
    return EvidenceView(runs=tuple(runs), states=states, unknown=tuple(unknown))


def _state(results: Sequence[LinkedResult]) -> State:
    ran = [r for r in results if r.result.outcome != "skipped"]
    if not ran:
        return "not_run"
    if any(r.result.failed for r in ran):
        return "failed"
    if any(r.stale_reason for r in ran):
        return "stale"
    return "verified"


def _named_ids(result: TestResult, config: EvidenceConfig) -> list[str]:
    ids = list(result.verifies)
    if config.name_pattern is not None:
        ids.extend(
            match.group(0) for match in config.name_pattern.finditer(result.name)
        )
    return list(dict.fromkeys(ids))


def _automated_index(graph: TraceGraph, config: EvidenceConfig) -> dict[str, list[str]]:
    """Test items by the normalised name of the automated test they declare."""
    index: dict[str, list[str]] = {}
    for item in graph:
        if item.item_type not in config.test_types:
            continue
        declared = item.field(config.automated_field)
        if declared:
            index.setdefault(_normalise(declared), []).append(item.id)
    return index


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
    ) -> None:
        self._history = history
        self._profile = profile
        self._current = current
        self._is_source = is_source
        self._past: dict[str, dict[str, str] | None] = {}

    def reason(self, run: EvidenceRun, item_id: str, test_id: str | None) -> str | None:
        if run.commit is None:
            return "the commit the result was produced from is unknown"
        past = self._signatures_at(run.commit)
        if past is None:
            return f"commit {run.commit[:12]} is not in the available history"
        for checked in (item_id, test_id):
            if checked is not None and past.get(checked) != self._current.get(checked):
                return f"{checked} changed after commit {run.commit[:12]}"
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
        config = self._profile.evidence
        unchanged = config.unchanged_fields if config else ()
        signatures: dict[str, str] = {}
        raws = scan_files(
            files, directives=self._profile.directives, is_source=self._is_source
        )
        for raw in raws:
            item_id = (raw.option("id") or "").strip()
            if item_id:
                signatures.setdefault(item_id, item_signature(raw, unchanged))
        return signatures
