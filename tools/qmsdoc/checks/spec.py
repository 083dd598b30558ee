"""A check's catalogue entry, declared once: its id, severity, summary and clause.

Each check module declares a :class:`CheckSpec` per check id next to the functions
that report it, and makes every finding through it (:meth:`CheckSpec.at`,
:meth:`CheckSpec.finding`), so a check id is written once in the package. The
module's ``CHECKS`` tuple pairs each registered spec with its function
(:class:`Check`); :func:`qmsdoc.processes.registered_checks` joins the tuples of the
modules each QMS process names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.checks.findings import Finding

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.model import Item, Location
    from qmsdoc.profile import Severity

__all__ = ["Check", "CheckSpec"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckSpec:
    """The catalogue entry of one check id.

    ``check_id`` is public: it is the Sphinx warning subtype, the name a waiver or the
    profile's ``[gate] advisory`` list uses, so it never changes. ``severity`` is the
    severity of its findings; a check whose findings can also be of another severity
    (a baseline that could not be verified is information, not an error) lists it in
    ``other_severities``, and :meth:`finding` accepts no undeclared one. ``clause``
    names the clause(s) the check serves; it is empty only where none applies, and
    the summary then says why.
    """

    check_id: str
    severity: Severity
    summary: str
    """One line, as ``qms checks`` prints it."""
    clause: str
    other_severities: tuple[Severity, ...] = ()

    @property
    def severities(self) -> tuple[Severity, ...]:
        """Every severity a finding of this check can have, the default first."""
        return (self.severity, *self.other_severities)

    def at(
        self,
        item: Item,
        message: str,
        *,
        location: Location | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding about ``item``, at its location unless another is given."""
        where = location or item.location
        if severity is None:  # the common case, built at once (30,000 on a deep chain)
            return Finding(
                check_id=self.check_id,
                severity=self.severity,
                item_id=item.id,
                path=where.path,
                line=where.line,
                docname=where.docname,
                message=message,
            )
        return self.finding(
            message,
            item_id=item.id,
            path=where.path,
            line=where.line,
            docname=where.docname,
            severity=severity,
        )

    def finding(
        self,
        message: str,
        *,
        path: str,
        line: int = 0,
        docname: str = "",
        item_id: str = "",
        severity: Severity | None = None,
    ) -> Finding:
        """A finding at a place that is not an item (a record, a page, an SBOM entry).

        :raises ValueError: ``severity`` is not one this check declares.
        """
        if severity is None:
            severity = self.severity
        elif severity not in self.severities:
            msg = f"{self.check_id}: severity {severity!r} is not declared"
            raise ValueError(msg)
        return Finding(
            check_id=self.check_id,
            severity=severity,
            item_id=item_id,
            path=path,
            line=line,
            docname=docname,
            message=message,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """A registered check: its catalogue entry and the function that finds its findings."""

    spec: CheckSpec
    function: Callable[[CheckContext], Iterable[Finding]]

    @property
    def check_id(self) -> str:
        """The id of the findings (the Sphinx warning subtype)."""
        return self.spec.check_id

    @property
    def summary(self) -> str:
        """The one-line summary of the catalogue."""
        return self.spec.summary
