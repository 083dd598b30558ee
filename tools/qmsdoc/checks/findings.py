"""Findings: what a check reports about the device file, never an exception."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qmsdoc.model.slot_state import get_slot_state, set_slot_state

if TYPE_CHECKING:
    from qmsdoc.profile import Severity

__all__ = ["Finding"]


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
