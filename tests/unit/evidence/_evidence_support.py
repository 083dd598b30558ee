"""Helpers for the evidence tests: a small device file, results, runs and their view.

Items go through the real reader (:func:`qmsdoc.model.rst_source.scan_text`) and
loader, signatures through :func:`qmsdoc.evidence.status.current_signatures`, and past
commits through :class:`qmsdoc.vcs.FakeHistory`, exactly as ``load_evidence`` wires
them for a real project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.evidence import EvidenceRun, EvidenceView, TestResult, evaluate_evidence
from qmsdoc.evidence.status import current_signatures
from qmsdoc.model import load_items
from qmsdoc.model.rst_source import scan_text
from qmsdoc.trace import TraceGraph
from qmsdoc.vcs import FakeHistory

from .._rst import PATH, default_profile, rst

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.evidence.records import Outcome
    from qmsdoc.model import Item, RawItem
    from qmsdoc.profile import Profile

__all__ = [
    "COMMIT",
    "ITEMS",
    "OTHER_COMMIT",
    "evaluate",
    "line_of",
    "manual",
    "raw_items",
    "result",
    "run",
]

#: the commit every result below was produced from, unless a test says otherwise
COMMIT = "0123456789abcdef0123456789abcdef01234567"
OTHER_COMMIT = "fedcba9876543210fedcba9876543210fedcba98"

#: two requirements, a risk control, a test item with an automated test, a user need
ITEMS = rst(
    """\
    Items
    =====

    .. user_need:: See which results are abnormal
       :id: UN-001
       :status: approved

    .. requirement:: Flag results outside the reference range
       :id: REQ-001
       :status: approved
       :kind: functional
       :satisfies: UN-001

       The software shall flag a result below or above the reference range.

    .. requirement:: Show the reference range next to each result
       :id: REQ-002
       :status: approved
       :kind: functional

       The range is shown in the unit of the result.

    .. risk_control:: Independent flag of values outside the range
       :id: RC-001
       :status: approved
       :option: inherent_safety

    .. verification_test:: Flagging at the range limits
       :id: VT-001
       :status: approved
       :test_level: unit
       :method: test
       :automated_test: tests/unit/test_flags.py::test_limits
       :verifies: REQ-001, RC-001

       Values at, below and above each limit are flagged as specified.
    """
)


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the first line of ``text`` that contains ``marker``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in the text")


def raw_items(text: str, *, path: str = PATH) -> list[RawItem]:
    """The item directives of ``text`` as written, read as file ``path``."""
    return scan_text(
        text,
        path=path,
        docname=path.removesuffix(".rst"),
        directives=default_profile().directives,
    )


def result(
    name: str = "test_a",
    outcome: Outcome = "passed",
    *,
    classname: str = "tests.test_other",
    verifies: Sequence[str] = (),
    message: str = "",
    suite: str = "pytest",
) -> TestResult:
    """One test case result."""
    return TestResult(
        suite=suite,
        classname=classname,
        name=name,
        outcome=outcome,
        duration=0.01,
        message=message,
        verifies=tuple(verifies),
    )


def run(
    run_id: str,
    *results: TestResult,
    commit: str | None = COMMIT,
    date: str | None = "2024-05-02T10:00:00",
) -> EvidenceRun:
    """One run of ``results`` produced from ``commit``."""
    return EvidenceRun(
        run_id=run_id,
        commit=commit,
        date=date,
        source="junit.xml",
        results=results,
    )


def manual(
    run_id: str,
    *test_ids: str,
    outcome: Outcome = "passed",
    commit: str | None = COMMIT,
    date: str | None = "2024-05-03T09:00:00Z",
) -> EvidenceRun:
    """One manual execution record of each of ``test_ids`` (test or validation items),
    as ``qms evidence import`` reads it: a result named after the test that verifies
    the test id."""
    return EvidenceRun(
        run_id=run_id,
        commit=commit,
        date=date,
        source="protocol.xlsx",
        results=tuple(
            TestResult(
                suite="manual",
                classname=test_id,
                name=test_id,
                outcome=outcome,
                duration=0.0,
                message="",
                verifies=(test_id,),
            )
            for test_id in test_ids
        ),
        kind="manual",
        environment="iPhone 15, iOS 18.1",
        executor="A. Tester",
    )


def evaluate(
    runs: Sequence[EvidenceRun],
    *,
    now: str = ITEMS,
    history: dict[str, dict[str, str]] | None = None,
    use_history: bool = True,
    profile: Profile | None = None,
) -> tuple[tuple[Item, ...], EvidenceView]:
    """The items of ``now`` and the evidence view of ``runs`` over them.

    :param history: Files at each past commit; default: ``COMMIT`` holds ``now``
        unchanged as ``items.rst``.
    :param use_history: False to evaluate without any history (None).
    """
    active = profile or default_profile()
    raw = raw_items(now)
    items = load_items(raw, active)
    unchanged = active.evidence.unchanged_fields if active.evidence else ()
    current = current_signatures(raw, unchanged)
    commits = history if history is not None else {COMMIT: {PATH: now}}
    view = evaluate_evidence(
        TraceGraph(items),
        active,
        runs,
        history=FakeHistory(commits) if use_history else None,
        current=current,
        is_source=lambda path: path.endswith(".rst") and not path.startswith("_"),
    )
    return items, view
