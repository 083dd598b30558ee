"""Findings: what a check reports about the device file, never an exception."""

from __future__ import annotations

from dataclasses import dataclass, replace
from operator import attrgetter
from typing import TYPE_CHECKING

from qmsdoc.model.slot_state import get_slot_state, set_slot_state

if TYPE_CHECKING:
    from collections.abc import Iterable

    from qmsdoc.profile import Severity

__all__ = ["Finding", "in_order"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem found by one check, at one place.

    ``justification`` is set when a waiver on the item accepts the finding: it is then
    a recorded deviation that does not fail the gate.
    """

    check_id: str
    severity: Severity
    item_id: str
    path: str
    line: int
    docname: str
    message: str
    justification: str | None = None
    advisory: bool = False
    """The profile's gate lists this check as advisory: shown, but it does not fail."""

    __getstate__ = get_slot_state
    __setstate__ = set_slot_state

    @property
    def waived(self) -> bool:
        """Whether a justified waiver turned this finding into a deviation."""
        return self.justification is not None

    @property
    def fails_gate(self) -> bool:
        """Unwaived errors and warnings fail the gate, unless advisory; information never."""
        return self.fails_strict_gate and not self.advisory

    @property
    def fails_strict_gate(self) -> bool:
        """The release gate: advisory findings fail too."""
        return not self.waived and self.severity in ("error", "warning")

    def sort_key(self) -> tuple[str, int, str, str, str]:
        """Stable order: file, line, check, item, message."""
        return (self.path, self.line, self.check_id, self.item_id, self.message)

    def as_advisory(self) -> Finding:
        """The same finding, marked advisory (built directly: ``replace`` costs three
        times as much, and a deep chain has tens of thousands of findings)."""
        return Finding(
            check_id=self.check_id,
            severity=self.severity,
            item_id=self.item_id,
            path=self.path,
            line=self.line,
            docname=self.docname,
            message=self.message,
            justification=self.justification,
            advisory=True,
        )

    def with_waiver(self, justification: str) -> Finding:
        """The same finding, accepted as a deviation for ``justification``."""
        return replace(self, justification=justification)


#: :meth:`Finding.sort_key` read in C (a deep chain has tens of thousands of findings)
_SORT_KEY = attrgetter("path", "line", "check_id", "item_id", "message")


def in_order(findings: Iterable[Finding]) -> list[Finding]:
    """The findings in stable order (:meth:`Finding.sort_key`), each once.

    Sorted as given, then a finding equal to one already kept under the same key is
    dropped: the order never depends on hashing, and only findings that share a
    place and a message are compared.
    """
    ordered = sorted(findings, key=_SORT_KEY)
    kept: list[Finding] = []
    run_start = 0
    for finding in ordered:
        if kept and _SORT_KEY(kept[-1]) == _SORT_KEY(finding):
            if finding in kept[run_start:]:
                continue
        else:
            run_start = len(kept)
        kept.append(finding)
    return kept
