"""Design reviews (ISO 13485 7.3.5 via 21 CFR 820.10), framework-free.

:mod:`~qmsdoc.design_review.records` reads review and action items (participants,
baselines, open actions) and says whether a release has the review it needs;
:mod:`~qmsdoc.design_review.repository` resolves the reviewed baselines in git and
fixes the build date, the only I/O the design-review checks depend on.
"""

from __future__ import annotations

from qmsdoc.design_review.records import (
    BaselineFact,
    Participant,
    ReviewFacts,
    is_closed,
    missing_review,
    parse_participants,
)
from qmsdoc.design_review.repository import read_review_facts, resolve_baseline

__all__ = [
    "BaselineFact",
    "Participant",
    "ReviewFacts",
    "is_closed",
    "missing_review",
    "parse_participants",
    "read_review_facts",
    "resolve_baseline",
]
