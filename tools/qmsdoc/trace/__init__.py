"""The trace graph: items and links, indexed once, read by every check and export."""

from __future__ import annotations

from qmsdoc.trace.graph import CoverageFigure, Edge, TraceGraph

__all__ = ["CoverageFigure", "Edge", "TraceGraph"]
