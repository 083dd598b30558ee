"""Verification state under each requirement, risk control and test item.

The item directive leaves an :class:`evidence_node` after the item's box; it is filled
at ``doctree-resolved`` from the recorded results. Pages holding one are re-read when
the evidence records change (see :func:`evidence_fingerprint`).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from docutils import nodes

from qmsdoc.device_file import record_files
from qmsdoc.input_files import file_sha256
from qmsdoc.sphinxext.aggregate import PART_METADATA
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.tables import paragraph

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from qmsdoc.evidence.status import LinkedResult, VerificationState
    from qmsdoc.project import Project

__all__ = ["evidence_fingerprint", "evidence_node", "resolve_evidence", "setup"]


class evidence_node(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder for an item's verification state."""


def evidence_fingerprint(project: Project) -> str:
    """A digest of the committed records (test evidence, SBOMs, scans) and of the
    software under test (``[evidence] software_paths``), so a new or changed record,
    or a change that makes automated results stale, refreshes the pages that show
    them."""
    digest = hashlib.sha256()
    for kind, path in record_files(project):
        digest.update(f"{kind}/{path.name}".encode())
        digest.update(file_sha256(path, root=project.root).encode())
    config = project.profile.evidence
    for name in config.software_paths if config is not None else ():
        base = project.root / name
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(project.root).as_posix().encode())
                digest.update(file_sha256(path, root=project.root).encode())
    return digest.hexdigest()


def resolve_evidence(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace every placeholder with the item's verification state."""
    placeholders = list(doctree.findall(evidence_node))
    if not placeholders:
        return
    context = QmsDomain.of(app.env).check_context()
    view = context.evidence if context is not None else None
    for node in placeholders:
        state = view.states.get(node["item_id"]) if view is not None else None
        node.replace_self([_render(state)] if state is not None else [])


def _render(state: VerificationState) -> nodes.Node:
    parts: list[str | nodes.Node] = [
        nodes.strong("", "Verification: "),
        state.describe() if state.state != "passed" else state.label,
    ]
    shown = list(state.executed) or list(state.results)
    # one entry per case and run; the test items it reached the item through, together
    grouped: dict[tuple[str, str], list[LinkedResult]] = {}
    for linked in shown:
        grouped.setdefault((linked.run.run_id, linked.result.node_id), []).append(
            linked
        )
    for index, group in enumerate(grouped.values()):
        parts.append("; " if index else ". Latest records: ")
        parts.append(_describe(group))
    container = paragraph(*parts)
    container["classes"] += ["qms-evidence", f"qms-evidence-{state.state}"]
    return container


def _describe(group: list[LinkedResult]) -> str:
    first = group[0]
    run = first.run
    commit = run.commit[:10] if run.commit else "unknown commit"
    when = f", {run.date[:19]}" if run.date else ""
    # a manual or study record names its test item: no need to say "via" it again
    vias = sorted(
        {
            linked.via
            for linked in group
            if linked.via and linked.via != first.result.name
        }
    )
    via = f" ({', '.join(vias)})" if vias else ""
    reasons = sorted({linked.stale_reason for linked in group if linked.stale_reason})
    stale = f" [stale: {'; '.join(reasons)}]" if reasons else ""
    local = ", local run (not for release)" if run.local else ""
    return (
        f"{first.result.name} {first.result.outcome}{via} "
        f"({first.record}, {run.kind}, {commit}{when}{local}){stale}"
    )


def setup(app: Sphinx) -> dict[str, Any]:
    """The verification state under each item (evidence, :mod:`qmsdoc.processes`)."""
    app.add_node(evidence_node)
    app.connect("doctree-resolved", resolve_evidence)
    return PART_METADATA
