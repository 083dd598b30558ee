"""What every check reads: the items, the profile and the trace graph built once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qmsdoc.trace import TraceGraph

if TYPE_CHECKING:
    from qmsdoc.model import Item
    from qmsdoc.profile import Profile

__all__ = ["CheckContext"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckContext:
    """Read-only input of the checks."""

    items: tuple[Item, ...]
    profile: Profile
    graph: TraceGraph = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "graph", TraceGraph(self.items))
