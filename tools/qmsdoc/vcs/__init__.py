"""Version control: what the project's git repository says about the working tree."""

from __future__ import annotations

from qmsdoc.vcs.base import (
    Baseline,
    CommitRecord,
    FakeHistory,
    History,
    PullRequest,
    SourceState,
)
from qmsdoc.vcs.git import GitHistory, source_state

__all__ = [
    "Baseline",
    "CommitRecord",
    "FakeHistory",
    "GitHistory",
    "History",
    "PullRequest",
    "SourceState",
    "source_state",
]
