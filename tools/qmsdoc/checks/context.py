"""What every check reads: the items, the profile and the trace graph built once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qmsdoc.risk.estimate import RiskEstimate, estimate_risks
from qmsdoc.security.estimate import SecurityEstimate, estimate_threats
from qmsdoc.trace import TraceGraph

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from qmsdoc.ai.facts import AiFacts
    from qmsdoc.design_review import ReviewFacts
    from qmsdoc.documents import DocumentSet
    from qmsdoc.evidence.status import EvidenceView
    from qmsdoc.history.approvals import Approval
    from qmsdoc.model import Item
    from qmsdoc.profile import Profile
    from qmsdoc.soup.records import SbomRecord
    from qmsdoc.vulnerability.records import ScanRecord

__all__ = ["CheckContext", "local_only"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckContext:
    """Read-only input of the checks.

    ``items`` may hold external items (:attr:`qmsdoc.model.Item.origin`: imported
    from another project's needs.json): they are in the graph, so links to them
    resolve and coverage counts them as counterparts, but no check reports on them.
    A check reads :attr:`local_items`, :attr:`local_risks`, :attr:`local_threats` or
    :meth:`local_of_type` for the items it reports on.
    """

    items: tuple[Item, ...]
    profile: Profile
    evidence: EvidenceView | None = None
    """Test results linked to the items; None when no evidence was loaded."""
    reviews: Mapping[tuple[str, str, str], str] | None = None
    """Reviewed-link record (source, link, target) -> target fingerprint; None: untracked."""
    approvals: Mapping[str, Sequence[Approval]] | None = None
    """Signature manifest per item id; None when approvals are not required."""
    sboms: tuple[SbomRecord, ...] = ()
    """Imported SBOM records; empty when none was imported or SOUP is not tracked."""
    scans: tuple[ScanRecord, ...] = ()
    """Imported vulnerability scanner records."""
    review_facts: ReviewFacts | None = None
    """Build date and reviewed baselines for the design-review checks; None: not read
    (no review items): the checks that need them then say nothing."""
    documents: DocumentSet | None = None
    """The device file's pages and their document declarations; None: not read."""
    document_approvals: Mapping[str, Sequence[Approval]] | None = None
    """Signature manifest per document number; None when approvals are not read."""
    ai: AiFacts | None = None
    """Performance records, dataset manifests and the build date for the AI checks;
    None: not read (no ``[ai]`` table): the checks that need them say nothing."""
    graph: TraceGraph = field(init=False)
    local_items: tuple[Item, ...] = field(init=False)
    """The items written in the sources: the ones findings are about."""
    risks: tuple[RiskEstimate, ...] = field(init=False)
    """Computed risk of every hazardous situation; empty without a risk model."""
    threats: tuple[SecurityEstimate, ...] = field(init=False)
    """Computed security risk of every threat; empty without a security model."""

    def __post_init__(self) -> None:
        graph = TraceGraph(self.items)
        object.__setattr__(self, "graph", graph)
        object.__setattr__(self, "local_items", local_only(self.items))
        risk_model = self.profile.risk
        risks = estimate_risks(graph, risk_model) if risk_model is not None else []
        object.__setattr__(self, "risks", tuple(risks))
        security = self.profile.security
        threats = estimate_threats(graph, security) if security is not None else []
        object.__setattr__(self, "threats", tuple(threats))

    @property
    def local_risks(self) -> tuple[RiskEstimate, ...]:
        """The risks of hazardous situations written in the sources."""
        return tuple(risk for risk in self.risks if not risk.situation.origin)

    @property
    def local_threats(self) -> tuple[SecurityEstimate, ...]:
        """The security risks of threats written in the sources."""
        return tuple(threat for threat in self.threats if not threat.threat.origin)

    def local_of_type(self, item_type: str) -> tuple[Item, ...]:
        """The items of ``item_type`` in the graph that are written in the sources."""
        return local_only(self.graph.of_type(item_type))


def local_only(items: Iterable[Item]) -> tuple[Item, ...]:
    """``items`` without the external ones (those with an ``origin``)."""
    return tuple(item for item in items if not item.origin)
