"""Evidence records: what a test run, a manual execution or a study proved, with its
provenance (what ran, where, by whom, from which tree).

Every source of results (JUnit or Robot Framework output, a manual execution record,
a study report) is read into an :class:`EvidenceRun` of :class:`TestResult` entries;
the verification state (:mod:`qmsdoc.evidence.status`) reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "KINDS",
    "OUTCOMES",
    "Attachment",
    "EvidenceKind",
    "EvidenceRun",
    "Outcome",
    "TestResult",
]

Outcome = Literal["passed", "failed", "error", "skipped", "disabled", "flaky"]
OUTCOMES: tuple[Outcome, ...] = (
    "passed",
    "failed",
    "error",
    "skipped",
    "disabled",
    "flaky",
)
EvidenceKind = Literal["automated", "manual", "study"]
KINDS: tuple[EvidenceKind, ...] = ("automated", "manual", "study")


@dataclass(frozen=True, slots=True, kw_only=True)
class TestResult:
    """One test case (or one manual test execution, or one study) of one run.

    ``flaky`` means the case failed and then passed on a rerun (Surefire's
    ``flakyFailure``): it passed, but the record keeps that it was not stable.
    ``skipped`` and ``disabled`` never pass; ``error`` fails.
    """

    __test__ = False  # not a pytest test class

    suite: str
    classname: str
    name: str
    outcome: Outcome
    duration: float
    """Seconds, rounded to milliseconds."""
    message: str
    """First line of the failure, error or skip message (at most 500 characters)."""
    verifies: tuple[str, ...]
    """Item ids named by the case's ``verifies`` property (or ``[Tags]``, or the
    test id of a manual execution record)."""
    reruns: int = 0
    """How many times the case was run again before its final outcome."""

    @property
    def node_id(self) -> str:
        """``classname::name``, the key that identifies a case across runs."""
        return f"{self.classname}::{self.name}"

    @property
    def label(self) -> str:
        """How a report names the case: its node id, or its name alone when it has no
        class (a manual execution or a study names its item)."""
        return self.node_id if self.classname else self.name

    @property
    def passed(self) -> bool:
        """Passed, possibly after a rerun."""
        return self.outcome in ("passed", "flaky")

    @property
    def failed(self) -> bool:
        """Failed or errored."""
        return self.outcome in ("failed", "error")

    @property
    def executed(self) -> bool:
        """Ran to a verdict: neither skipped nor disabled."""
        return self.outcome not in ("skipped", "disabled")


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    """A file a record refers to, by path relative to the project root and SHA-256."""

    path: str
    sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceRun:
    """The results of one run (or one execution or study) and where they came from."""

    run_id: str
    commit: str | None
    """The commit the tested software was built from; None when unknown."""
    date: str | None
    """When the run happened (ISO 8601), from the command line or the report."""
    source: str
    """The imported file's name."""
    results: tuple[TestResult, ...]
    kind: EvidenceKind = "automated"
    tree_clean: bool | None = None
    """Whether the tested tree had no uncommitted changes; None when not stated."""
    environment: str = ""
    """Where it ran: host, OS, device, browser or app build, CI runner."""
    executor: str = ""
    """Who ran it (identity of the tester or the CI system)."""
    local: bool = False
    """A developer's local run: shown, never counted for a release."""
    attachments: tuple[Attachment, ...] = ()
    record_path: str = ""
    """Where the record is stored, relative to the project root (set on reading)."""

    @property
    def counts_for_release(self) -> bool:
        """Whether the record may count for a release.

        An automated run counts when it is not local and ran from a known commit of a
        clean tree; a manual execution when it names the commit of the build under
        test; a study report always (it validates the device and states its own
        protocol version; its date and approver are in the record).
        """
        if self.local:
            return False
        if self.kind == "automated":
            return self.commit is not None and self.tree_clean is True
        if self.kind == "manual":
            return self.commit is not None
        return True
