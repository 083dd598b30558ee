"""Test-result records: what a test run proved, with its provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["OUTCOMES", "EvidenceRun", "Outcome", "TestResult"]

Outcome = Literal["passed", "failed", "error", "skipped", "flaky"]
OUTCOMES: tuple[Outcome, ...] = ("passed", "failed", "error", "skipped", "flaky")


@dataclass(frozen=True, slots=True, kw_only=True)
class TestResult:
    """One test case of one run.

    ``flaky`` means the case failed and then passed on a rerun (Surefire's
    ``flakyFailure``): it passed, but the record keeps that it was not stable.
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
    """Item ids named by the case's ``verifies`` property."""

    @property
    def node_id(self) -> str:
        """``classname::name``, the key that identifies a case across runs."""
        return f"{self.classname}::{self.name}"

    @property
    def passed(self) -> bool:
        """Passed, possibly after a rerun."""
        return self.outcome in ("passed", "flaky")

    @property
    def failed(self) -> bool:
        """Failed or errored."""
        return self.outcome in ("failed", "error")


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceRun:
    """The results of one test run and where they came from."""

    run_id: str
    commit: str | None
    """The commit the tested software was built from; None when unknown."""
    date: str | None
    """When the run happened (ISO 8601), from the command line or the report."""
    source: str
    """The imported file's name."""
    results: tuple[TestResult, ...]
