"""The gap report file (``traceability/gaps.json``): stable order, no timestamps."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from qmsdoc.storage.atomic import write_atomic

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.trace.gaps import GapReport
    from qmsdoc.trace.graph import TraceGraph

__all__ = ["gaps_document", "write_gaps"]


def gaps_document(report: GapReport, graph: TraceGraph) -> dict[str, Any]:
    """The gap report as a JSON-ready mapping."""
    rules = []
    for figure in report.figures:
        holes = []
        for item_id in figure.uncovered:
            item = graph.item(item_id)
            holes.append(
                {
                    "item": item_id,
                    "title": item.title if item else "",
                    "file": item.location.path if item else "",
                    "line": item.location.line if item else 0,
                }
            )
        entry: dict[str, Any] = {
            "rule": figure.rule.name,
            "check": f"qms.{figure.rule.check_id}",
            "description": figure.rule.description,
            "clause": figure.rule.clause,
            "blocking": figure.rule.blocking,
            "items": figure.total,
            "traced": figure.covered,
            "traced_percent": figure.percent,
            "empty": figure.empty,
            "holes": holes,
        }
        verified = report.verified_figure(figure.rule.name)
        if verified is not None:
            entry["verified"] = verified.verified
            entry["verified_percent"] = verified.percent
            entry["not_verified"] = [
                {"item": item_id, "state": state}
                for item_id, state in verified.unverified
            ]
        rules.append(entry)
    summary: dict[str, Any] = {
        "rules": len(report.figures),
        "holes": report.hole_count,
        "empty_rules": sum(1 for figure in report.figures if figure.empty),
        "trace_gate": "fail" if report.blocking_failed else "pass",
    }
    if report.state_counts:
        summary["verification_states"] = dict(report.state_counts)
    return {"summary": summary, "rules": rules}


def write_gaps(path: Path, report: GapReport, graph: TraceGraph) -> None:
    """Write the gap report atomically, byte-identical for the same graph."""
    text = json.dumps(gaps_document(report, graph), indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
