"""The checks: pure functions from the items and profile to findings.

Each check module declares the catalogue entry of each of its check ids once
(:class:`CheckSpec`: id, severity, summary, clause), makes every finding through it,
and lists its checks in a ``CHECKS`` tuple (findings made outside the check run, in a
``SPECS`` tuple). Nothing registers itself on import: the QMS processes name the
modules whose checks they run (:data:`qmsdoc.processes.PROCESSES`), and
:func:`qmsdoc.processes.run_checks` runs them, applies waivers and sorts the findings.
"""

from __future__ import annotations

from qmsdoc.checks.context import CheckContext
from qmsdoc.checks.findings import Finding
from qmsdoc.checks.spec import Check, CheckSpec

__all__ = ["Check", "CheckContext", "CheckSpec", "Finding"]
