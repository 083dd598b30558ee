"""Result records on disk: one JSON file per run under the evidence folder.

Written in a stable order with no volatile fields beyond what the run states, so a
record can be committed and reviewed like any other file.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import InputError
from qmsdoc.evidence.junit import parse_junit
from qmsdoc.evidence.records import OUTCOMES, EvidenceRun, TestResult
from qmsdoc.report.atomic import write_atomic
from qmsdoc.report.record_fields import as_list, as_optional_text, as_text, as_texts

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

__all__ = ["import_reports", "read_runs", "run_document", "write_run"]

_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
FORMAT = "qmsdoc-evidence/1"


def import_reports(
    paths: Sequence[Path],
    *,
    commit: str | None,
    run_id: str | None,
    date: str | None,
    verifies_property: str = "verifies",
) -> EvidenceRun:
    """Read JUnit reports into one run; command-line provenance wins over the files'.

    :raises InputError: If a file cannot be read or parsed, or the run id is unusable.
    """
    results: list[TestResult] = []
    digest = hashlib.sha256()
    report_commit = report_run = report_date = None
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(
                f"{path}: cannot be read: {error.strerror or error}"
            ) from None
        digest.update(data)
        report = parse_junit(
            data, source=str(path), verifies_property=verifies_property
        )
        results.extend(report.results)
        report_commit = report_commit or report.commit
        report_run = report_run or report.run_id
        report_date = report_date or report.timestamp
    chosen_id = run_id or report_run or f"run-{digest.hexdigest()[:12]}"
    if not _RUN_ID.fullmatch(chosen_id):
        raise InputError(
            f"run id {chosen_id!r}: use letters, digits, '.', '_' or '-' only"
        )
    return EvidenceRun(
        run_id=chosen_id,
        commit=commit or report_commit,
        date=date or report_date,
        source=", ".join(path.name for path in paths),
        results=tuple(sorted(results, key=lambda r: (r.suite, r.classname, r.name))),
    )


def run_document(run: EvidenceRun) -> dict[str, Any]:
    """The run as a JSON-ready mapping."""
    return {
        "format": FORMAT,
        "run": run.run_id,
        "commit": run.commit,
        "date": run.date,
        "source": run.source,
        "summary": {
            outcome: sum(1 for r in run.results if r.outcome == outcome)
            for outcome in OUTCOMES
        },
        "results": [
            {
                "suite": result.suite,
                "classname": result.classname,
                "name": result.name,
                "outcome": result.outcome,
                "duration": result.duration,
                "message": result.message,
                "verifies": list(result.verifies),
            }
            for result in run.results
        ],
    }


def write_run(directory: Path, run: EvidenceRun) -> Path:
    """Write the run's record atomically and return its path."""
    path = directory / f"{run.run_id}.json"
    text = json.dumps(run_document(run), indent=1, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
    return path


def read_runs(directory: Path) -> list[EvidenceRun]:
    """Every run recorded in ``directory`` (none if it does not exist), by date then id.

    :raises InputError: If a record is not valid.
    """
    if not directory.is_dir():
        return []
    runs = [_read(path) for path in sorted(directory.glob("*.json"))]
    return sorted(runs, key=lambda run: (run.date or "", run.run_id))


def _read(path: Path) -> EvidenceRun:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT:
            raise InputError(
                f"{path}: not a qmsdoc evidence record (format {document.get('format')!r})"
            )
        results = tuple(
            TestResult(
                suite=as_text(entry["suite"], "suite"),
                classname=as_text(entry["classname"], "classname"),
                name=as_text(entry["name"], "name"),
                outcome=_outcome(entry["outcome"], path),
                duration=float(entry["duration"]),
                message=as_text(entry["message"], "message"),
                verifies=as_texts(entry["verifies"], "verifies"),
            )
            for entry in as_list(document["results"], "results")
        )
        return EvidenceRun(
            run_id=as_text(document["run"], "run"),
            commit=as_optional_text(document.get("commit"), "commit"),
            date=as_optional_text(document.get("date"), "date"),
            source=str(document.get("source", "")),
            results=results,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise InputError(f"{path}: not a valid evidence record: {error}") from None


def _outcome(value: object, path: Path) -> Any:
    if value not in OUTCOMES:
        raise InputError(f"{path}: unknown outcome {value!r}")
    return value
