"""Version control: what the project's git repository says about the working tree."""

from __future__ import annotations

from qmsdoc.vcs.base import FakeHistory, History, SourceState
from qmsdoc.vcs.git import GitHistory, source_state

__all__ = ["FakeHistory", "GitHistory", "History", "SourceState", "source_state"]
