"""What the AI checks read from outside the items: the performance records, the
dataset manifests and the build date.

Read once per device file (:func:`load_ai_facts`); a record or manifest that cannot
be read raises one :class:`~qmsdoc.errors.InputError` line naming its file, which
the device file reports as ``record_invalid``. Framework-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qmsdoc.ai.datasets import Manifest, read_manifest
from qmsdoc.ai.records import PerformanceRecord, evidence_run, read_performance

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date
    from pathlib import Path

    from qmsdoc.evidence.records import EvidenceRun
    from qmsdoc.model import Item
    from qmsdoc.profile.ai import AiConfig
    from qmsdoc.trace import TraceGraph

__all__ = ["AiFacts", "dataset_digest", "load_ai_facts", "performance_runs"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AiFacts:
    """The performance records, the manifests by dataset id, the build date."""

    records: tuple[PerformanceRecord, ...] = ()
    manifests: dict[str, Manifest] = field(default_factory=dict)
    today: date | None = None
    """The build date (``SOURCE_DATE_EPOCH``, else HEAD's commit time, else now);
    None: not read, and end of support is not judged."""

    def record_of(self, evaluation: str) -> PerformanceRecord | None:
        """The performance record of an evaluation, if imported."""
        for record in self.records:
            if record.evaluation == evaluation:
                return record
        return None


def load_ai_facts(
    root: Path,
    config: AiConfig,
    items: Iterable[Item],
    *,
    today: date | None = None,
) -> AiFacts:
    """Read the performance records and the manifests the dataset items name.

    :raises InputError: If a record or a manifest cannot be read.
    """
    manifests: dict[str, Manifest] = {}
    for item in items:
        if item.item_type != config.dataset_type or item.origin:
            continue
        relative = (item.field(config.manifest_field) or "").strip()
        if relative:  # read_manifest keeps it inside the project
            manifests[item.id] = read_manifest(root, relative)
    return AiFacts(
        records=read_performance(root / config.records, root=root),
        manifests=manifests,
        today=today,
    )


def dataset_digest(item: Item, config: AiConfig, facts: AiFacts | None) -> str:
    """The content digest a dataset item states, else its manifest's ("": none)."""
    stated = (item.field(config.dataset_digest_field) or "").strip()
    if stated:
        return stated
    manifest = facts.manifests.get(item.id) if facts is not None else None
    return manifest.digest if manifest is not None else ""


def performance_runs(
    records: Iterable[PerformanceRecord], graph: TraceGraph, config: AiConfig
) -> list[EvidenceRun]:
    """The performance records as evidence runs of their evaluations."""
    return [
        run
        for record in records
        if (run := evidence_run(record, graph, config)) is not None
    ]
