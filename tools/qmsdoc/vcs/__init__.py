"""Version control: what the project's git repository says about the working tree."""

from __future__ import annotations

from qmsdoc.vcs.base import SourceState
from qmsdoc.vcs.git import source_state

__all__ = ["SourceState", "source_state"]
