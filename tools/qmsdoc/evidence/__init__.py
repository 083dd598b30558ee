"""Test evidence: JUnit results imported as records, linked to items, judged for staleness."""

from __future__ import annotations

from qmsdoc.evidence.records import EvidenceRun, TestResult
from qmsdoc.evidence.status import EvidenceView, VerificationState, evaluate_evidence
from qmsdoc.evidence.store import import_reports, read_runs, write_run

__all__ = [
    "EvidenceRun",
    "EvidenceView",
    "TestResult",
    "VerificationState",
    "evaluate_evidence",
    "import_reports",
    "read_runs",
    "write_run",
]
