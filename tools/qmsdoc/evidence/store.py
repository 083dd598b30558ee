"""Evidence records on disk: one JSON file per run, execution or study.

Records live in the profile's evidence folder and are written only by ``qms evidence
import``: append-only (an existing run id is refused unless replaced on purpose),
atomically, and serialised by a lock on the folder, so two imports at once both land
or one is refused, never lost. Local runs (a developer's ``make evidence``) go to the
``local/`` sub-folder, which git ignores and which no build or gate reads unless asked.

Records are written in a stable order with no volatile fields beyond what the run
states, so a record can be committed and reviewed like any other file. Reading
dispatches on the record's ``format``: automated runs here, manual executions in
:mod:`qmsdoc.evidence.manual`, study reports in :mod:`qmsdoc.evidence.study`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import InputError
from qmsdoc.evidence.records import (
    KINDS,
    OUTCOMES,
    Attachment,
    EvidenceRun,
    TestResult,
)
from qmsdoc.evidence.reports import read_result_file
from qmsdoc.input_files import read_input_text
from qmsdoc.json_input import load_json
from qmsdoc.storage.atomic import write_atomic
from qmsdoc.storage.locking import locked
from qmsdoc.storage.record_fields import (
    RECORD_ID,
    as_list,
    as_optional_text,
    as_text,
    as_texts,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

__all__ = [
    "FORMAT",
    "LOCAL_FOLDER",
    "StoredRecord",
    "add_record",
    "add_records",
    "check_absent",
    "import_reports",
    "read_runs",
    "run_document",
    "write_run",
]

FORMAT = "qmsdoc-evidence/2"
_FORMAT_1 = "qmsdoc-evidence/1"
#: sub-folder of the evidence folder for local runs (git-ignored, never released)
LOCAL_FOLDER = "local"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredRecord:
    """Where an import stored a record, and what it replaced."""

    path: Path
    replaced: str | None
    """A one-line summary of the record it replaced (``--replace``), or None."""


def import_reports(
    paths: Sequence[Path],
    *,
    commit: str | None,
    run_id: str | None,
    date: str | None,
    verifies_property: str = "verifies",
    tree_clean: bool | None = None,
    environment: str = "",
    executor: str = "",
    local: bool = False,
    root: Path | None = None,
) -> EvidenceRun:
    """Read automated result files (JUnit, Robot) into one run; command-line
    provenance wins over the files'.

    :param root: The project root (Robot suites are named by their file under it).

    :raises InputError: If a file cannot be read or parsed, or the run id is unusable.
    """
    results: list[TestResult] = []
    digest = hashlib.sha256()
    report_commit = report_run = report_date = None
    for path in paths:
        report = read_result_file(path, verifies_property=verifies_property, root=root)
        digest.update(repr(report.results).encode())
        results.extend(report.results)
        report_commit = report_commit or report.commit
        report_run = report_run or report.run_id
        report_date = report_date or report.timestamp
    chosen_id = run_id or report_run or f"run-{digest.hexdigest()[:12]}"
    check_run_id(chosen_id)
    return EvidenceRun(
        run_id=chosen_id,
        commit=commit or report_commit,
        date=date or report_date,
        source=", ".join(path.name for path in paths),
        results=tuple(sorted(results, key=lambda r: (r.suite, r.classname, r.name))),
        kind="automated",
        tree_clean=tree_clean,
        environment=environment,
        executor=executor,
        local=local,
    )


def check_run_id(run_id: str) -> None:
    """:raises InputError: If ``run_id`` cannot name a record file."""
    if not RECORD_ID.fullmatch(run_id):
        raise InputError(
            f"run id {run_id!r}: use letters, digits, '.', '_' or '-' only"
        )


def run_document(run: EvidenceRun) -> dict[str, Any]:
    """An automated run as a JSON-ready mapping."""
    return {
        "format": FORMAT,
        "run": run.run_id,
        "kind": run.kind,
        "commit": run.commit,
        "tree_clean": run.tree_clean,
        "local": run.local,
        "date": run.date,
        "environment": run.environment,
        "executor": run.executor,
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
                "reruns": result.reruns,
            }
            for result in run.results
        ],
    }


def add_record(
    directory: Path,
    run_id: str,
    document: Mapping[str, Any],
    *,
    replace: bool = False,
) -> StoredRecord:
    """Store one record, refusing an existing run id unless ``replace``.

    Holds an exclusive lock on the folder while it checks and writes, so concurrent
    imports are serialised; the file is written atomically.

    :raises InputError: If the run id exists and ``replace`` is false.
    :raises OutputError: If the folder cannot be written.
    """
    (stored,) = add_records(directory, [(run_id, document)], replace=replace)
    return stored


def add_records(
    directory: Path,
    records: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    replace: bool = False,
) -> list[StoredRecord]:
    """Store several records (run id, document) of one import, all or none: under one
    lock of the folder every run id is checked before any record is written, so an
    import that raced another one for a run id stores nothing rather than a part.

    :raises InputError: If a run id is unusable, given twice, or exists and
        ``replace`` is false (nothing is written).
    :raises OutputError: If the folder cannot be written.
    """
    run_ids = [run_id for run_id, _ in records]
    for run_id in run_ids:
        check_run_id(run_id)
    twice = sorted(run_id for run_id, count in Counter(run_ids).items() if count > 1)
    if twice:
        raise InputError(f"run id given twice in one import: {', '.join(twice)}")
    if not records:
        return []
    texts = [
        json.dumps(document, indent=1, ensure_ascii=False) + "\n"
        for _, document in records
    ]
    paths = [directory / f"{run_id}.json" for run_id in run_ids]
    subject = paths[0] if len(paths) == 1 else directory
    stored = []
    with locked(directory, subject=subject):
        if not replace:
            for run_id in run_ids:
                check_absent(directory, run_id)
        for path, text in zip(paths, texts, strict=True):
            replaced = _summary(path) if path.exists() else None
            write_atomic(path, text.encode("utf-8"))
            stored.append(StoredRecord(path=path, replaced=replaced))
    return stored


def write_run(
    directory: Path, run: EvidenceRun, *, replace: bool = False
) -> StoredRecord:
    """Store an automated run (local runs in the ``local/`` sub-folder)."""
    folder = directory / LOCAL_FOLDER if run.local else directory
    return add_record(folder, run.run_id, run_document(run), replace=replace)


def check_absent(directory: Path, run_id: str) -> None:
    """:raises InputError: If a record of ``run_id`` exists (records are append-only)."""
    path = directory / f"{run_id}.json"
    if path.exists():
        raise InputError(
            f"{path}: run {run_id} is already recorded ({_summary(path)}); records are "
            "append-only: import under another run id, or pass --replace to replace it"
        )


def _summary(path: Path) -> str:
    try:
        document = json.loads(read_input_text(path, kind="record"))
        results = document.get("results")
        count = len(results) if isinstance(results, list) else 0
        return (
            f"{document.get('format')}, commit {str(document.get('commit'))[:12]}, "
            f"date {document.get('date')}, {count} results"
        )
    except (InputError, ValueError, AttributeError):
        return "unreadable record"


def read_runs(
    directory: Path, *, include_local: bool = False, root: Path | None = None
) -> list[EvidenceRun]:
    """Every record in ``directory`` (none if it does not exist), by date then id.

    :param include_local: Also read the git-ignored ``local/`` runs.
    :param root: The project root, to record each run's path relative to it.
    :raises InputError: If a record is not valid.
    """
    if not directory.is_dir():
        return []
    paths = sorted(directory.glob("*.json"))
    if include_local:
        paths += sorted((directory / LOCAL_FOLDER).glob("*.json"))
    runs = []
    for path in paths:
        run = _read(path)
        where = path.relative_to(root).as_posix() if root is not None else path.name
        runs.append(replace(run, record_path=where))
    return sorted(runs, key=lambda run: (run.date or "", run.run_id))


def _readers() -> dict[str, Callable[[Mapping[str, Any], Path], EvidenceRun]]:
    from qmsdoc.evidence import manual, study  # noqa: PLC0415 (they import records)

    return {
        FORMAT: _automated,
        _FORMAT_1: _automated,
        manual.FORMAT: manual.run_from_document,
        study.FORMAT: study.run_from_document,
    }


def _read(path: Path) -> EvidenceRun:
    # a FIFO or device named *.json in the folder is refused, never read
    text = read_input_text(path, kind="record")
    document = load_json(text, path)
    if not isinstance(document, dict):
        raise InputError(f"{path}: not a qmsdoc evidence record (not a JSON object)")
    reader = _readers().get(str(document.get("format")))
    if reader is None:
        raise InputError(
            f"{path}: not a qmsdoc evidence record (format {document.get('format')!r})"
        )
    return reader(document, path)


def _automated(document: Mapping[str, Any], path: Path) -> EvidenceRun:
    try:
        results = tuple(
            TestResult(
                suite=as_text(entry["suite"], "suite"),
                classname=as_text(entry["classname"], "classname"),
                name=as_text(entry["name"], "name"),
                outcome=_choice(entry["outcome"], OUTCOMES, "outcome"),
                duration=float(entry["duration"]),
                message=as_text(entry["message"], "message"),
                verifies=as_texts(entry["verifies"], "verifies"),
                reruns=int(entry.get("reruns", 0)),
            )
            for entry in as_list(document["results"], "results")
        )
        tree_clean = document.get("tree_clean")
        if tree_clean is not None and not isinstance(tree_clean, bool):
            raise ValueError("tree_clean must be true, false or null")
        local = document.get("local", False)
        if not isinstance(local, bool):
            raise ValueError("local must be true or false")
        return EvidenceRun(
            run_id=as_text(document["run"], "run"),
            commit=as_optional_text(document.get("commit"), "commit"),
            date=as_optional_text(document.get("date"), "date"),
            source=str(document.get("source", "")),
            results=results,
            kind=_choice(document.get("kind", "automated"), KINDS, "kind"),
            tree_clean=tree_clean,
            environment=str(document.get("environment", "")),
            executor=str(document.get("executor", "")),
            local=local,
            attachments=tuple(
                Attachment(
                    path=as_text(entry["path"], "path"),
                    sha256=as_text(entry["sha256"], "sha256"),
                )
                for entry in as_list(document.get("attachments", []), "attachments")
            ),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InputError(f"{path}: not a valid evidence record: {error}") from None


def _choice(value: object, allowed: Sequence[str], name: str) -> Any:
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}")
    return value
