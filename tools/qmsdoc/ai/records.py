"""Performance records (``qmsdoc-performance/1``): the measured performance of one
model version on one dataset, per metric and subgroup, for one performance evaluation.

``qms performance import`` writes one record per evaluation,
``<[ai] records>/<evaluation id>.json``; a later import of the same evaluation
replaces it (git keeps the earlier one, as for SBOM records). The record names the
model (id, version, weights and configuration digests) and the dataset (id, content
digest) it was measured on, and the metrics file it came from (name and SHA-256).
It is written with sorted keys and rows and no time of its own (a date only when
given), so the same input gives the same bytes.

The criteria are judged when the record is read, against the evaluation as it is
written now (:func:`judge_record`); :func:`evidence_run` turns the judgement into an
evidence run, so the evaluation's verification state comes from the one evidence
state machinery (:mod:`qmsdoc.evidence.status`): passed only when every criterion
holds. Framework-free.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.ai.criteria import OVERALL, CriterionResult, judge, parse_criteria
from qmsdoc.errors import InputError
from qmsdoc.evidence.records import EvidenceRun, TestResult
from qmsdoc.input_files import read_input_text
from qmsdoc.json_input import load_json
from qmsdoc.profile.model import split_list
from qmsdoc.storage.atomic import write_atomic
from qmsdoc.storage.locking import locked
from qmsdoc.storage.record_fields import RECORD_ID, RecordFields

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.model import Item
    from qmsdoc.profile.ai import AiConfig
    from qmsdoc.trace import TraceGraph

__all__ = [
    "FORMAT",
    "Metric",
    "ModelRef",
    "PerformanceRecord",
    "evidence_run",
    "judge_record",
    "parse_performance",
    "plan_subgroups",
    "read_performance",
    "record_document",
    "store_performance",
]

FORMAT = "qmsdoc-performance/1"


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """One estimate: a metric in one subgroup, with its confidence interval."""

    metric: str
    subgroup: str
    """:data:`qmsdoc.ai.criteria.OVERALL` for the whole dataset."""
    value: float
    ci_low: float
    ci_high: float
    n: int
    """Number of cases the estimate rests on."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelRef:
    """The model an evaluation measured, as the model item said at import."""

    item_id: str
    version: str
    weights_digest: str
    config_digest: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PerformanceRecord:
    """One evaluation's measured performance."""

    evaluation: str
    model: ModelRef
    dataset: str
    """The dataset item's id."""
    dataset_digest: str
    source: str
    """The metrics file's name."""
    source_sha256: str
    metrics: tuple[Metric, ...]
    date: str | None = None
    record_path: str = ""
    """Where the record is stored, relative to the project root (set on reading)."""

    def values(self) -> dict[tuple[str, str], float]:
        """Point estimate by (metric, subgroup)."""
        return {(m.metric, m.subgroup): m.value for m in self.metrics}


def record_document(record: PerformanceRecord) -> dict[str, Any]:
    """The JSON document of a record (rows sorted by metric, then subgroup, the
    overall row first)."""
    rows = sorted(
        record.metrics,
        key=lambda m: (m.metric, m.subgroup != OVERALL, m.subgroup),
    )
    return {
        "format": FORMAT,
        "evaluation": record.evaluation,
        "model": {
            "id": record.model.item_id,
            "version": record.model.version,
            "weights_digest": record.model.weights_digest,
            "config_digest": record.model.config_digest,
        },
        "dataset": {"id": record.dataset, "digest": record.dataset_digest},
        "source": {"file": record.source, "sha256": record.source_sha256},
        "date": record.date,
        "metrics": [
            {
                "metric": m.metric,
                "subgroup": m.subgroup,
                "value": m.value,
                "ci_low": m.ci_low,
                "ci_high": m.ci_high,
                "n": m.n,
            }
            for m in rows
        ],
    }


def store_performance(directory: Path, record: PerformanceRecord) -> Path:
    """Write the record of its evaluation (replacing an earlier one) atomically,
    under the lock of the records folder.

    :raises InputError: If the evaluation id cannot name a file.
    :raises OutputError: If the folder cannot be written.
    """
    if not RECORD_ID.fullmatch(record.evaluation):
        raise InputError(
            f"{record.evaluation!r} cannot name a record file: use letters, digits,"
            " '.', '_' or '-' only"
        )
    path = directory / f"{record.evaluation}.json"
    text = json.dumps(record_document(record), indent=1, ensure_ascii=False) + "\n"
    with locked(directory, subject=path):
        write_atomic(path, text.encode("utf-8"))
    return path


def read_performance(
    directory: Path, *, root: Path | None = None
) -> tuple[PerformanceRecord, ...]:
    """Every performance record in ``directory`` (none if it does not exist), by
    evaluation id.

    :raises InputError: If a record is not valid (one line naming the file).
    """
    if not directory.is_dir():
        return ()
    records = []
    for path in sorted(directory.glob("*.json")):
        where = path.relative_to(root).as_posix() if root is not None else path.name
        records.append(_read(path, where))
    return tuple(sorted(records, key=lambda record: record.evaluation))


def _read(path: Path, where: str) -> PerformanceRecord:
    return parse_performance(read_input_text(path, kind="record"), str(path), where)


def parse_performance(text: str, origin: str, where: str) -> PerformanceRecord:
    """The record written in ``text`` (read from ``origin``, named in messages;
    ``where`` becomes its :attr:`~PerformanceRecord.record_path`): a record read at a
    past revision (``qms pccp check``).

    :raises InputError: If the record is not valid (one line naming ``origin``).
    """
    path = origin
    document = load_json(text, path)
    fields = RecordFields(document, str(path))
    fields.expect_format(FORMAT)
    model = RecordFields(fields.value("model"), str(path), prefix="model.")
    dataset = RecordFields(fields.value("dataset"), str(path), prefix="dataset.")
    source = RecordFields(fields.value("source"), str(path), prefix="source.")
    date = fields.value("date") if "date" in document else None
    if date is not None and not isinstance(date, str):
        fields.fail("date", "must be a string or null")
    metrics = []
    for index, entry in enumerate(fields.entries("metrics")):
        row = RecordFields(entry, str(path), prefix=f"metrics[{index}].")
        metrics.append(
            Metric(
                metric=row.text("metric"),
                subgroup=row.text("subgroup"),
                value=_float(row, "value"),
                ci_low=_float(row, "ci_low"),
                ci_high=_float(row, "ci_high"),
                n=row.number("n"),
            )
        )
    return PerformanceRecord(
        evaluation=fields.text("evaluation"),
        model=ModelRef(
            item_id=model.text("id"),
            version=model.text("version", blank=True),
            weights_digest=model.text("weights_digest", blank=True),
            config_digest=model.text("config_digest", blank=True),
        ),
        dataset=dataset.text("id"),
        dataset_digest=dataset.text("digest", blank=True),
        source=source.text("file"),
        source_sha256=source.digest("sha256"),
        metrics=tuple(metrics),
        date=date,
        record_path=where,
    )


def _float(fields: RecordFields, key: str) -> float:
    value = fields.value(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        fields.fail(key, f"must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        fields.fail(key, "must be a finite number")
    return number


def plan_subgroups(evaluation: Item, config: AiConfig) -> tuple[str, ...]:
    """The subgroups the plan names for an evaluation: the profile's ``[ai]
    subgroups``, then the evaluation's own."""
    own = split_list(evaluation.field(config.subgroups_field) or "")
    return tuple(dict.fromkeys([*config.subgroups, *own]))


def judge_record(
    record: PerformanceRecord, evaluation: Item, config: AiConfig
) -> list[CriterionResult]:
    """Every acceptance criterion of ``evaluation`` judged on the record."""
    criteria, _ = parse_criteria(evaluation.field(config.criteria_field) or "")
    return judge(criteria, record.values(), plan_subgroups(evaluation, config))


def evidence_run(
    record: PerformanceRecord, graph: TraceGraph, config: AiConfig
) -> EvidenceRun | None:
    """The record as an evidence run: one result per judged criterion, naming the
    evaluation; a criterion not met, or with no result to judge, failed. None when
    the evaluation is not in the device file (its record verifies nothing)."""
    evaluation = graph.item(record.evaluation)
    if evaluation is None or evaluation.item_type != config.evaluation_type:
        return None
    judged = judge_record(record, evaluation, config)
    criteria, wrong = parse_criteria(evaluation.field(config.criteria_field) or "")
    results = [_result(record, outcome) for outcome in judged]
    if wrong or not criteria:
        problem = (
            f"criteria that cannot be read: {'; '.join(wrong)}"
            if wrong
            else "no acceptance criteria"
        )
        results.append(_case(record, "acceptance criteria", "failed", problem))
    return EvidenceRun(
        run_id=f"performance-{record.evaluation}",
        commit=None,
        date=record.date,
        source=record.source,
        results=tuple(results),
        kind="study",
        record_path=record.record_path,
    )


def _result(record: PerformanceRecord, outcome: CriterionResult) -> TestResult:
    verdict = "passed" if outcome.met else "failed"
    return _case(record, outcome.label, verdict, outcome.detail)


def _case(
    record: PerformanceRecord, name: str, outcome: str, message: str
) -> TestResult:
    return TestResult(
        suite="performance",
        classname=record.evaluation,
        name=name,
        outcome="passed" if outcome == "passed" else "failed",
        duration=0.0,
        message=message,
        verifies=(record.evaluation,),
    )
