"""One execution of a manual test, as a committed record (``qmsdoc-manual-execution/1``).

A tester runs a manual test item (a system test, say) against one version of the
software and records, per step, the actual result and pass or fail, then an overall
verdict. The record says what was tested (version under test, app build), where
(environment), by whom and when (UTC), and names its attachments by path and SHA-256.
It is read into an :class:`~qmsdoc.evidence.records.EvidenceRun` of kind ``manual``
with one result that verifies the test item.

An overall verdict of ``passed`` with any failed step is refused: a failed step
either fails the test or is explained by a deviation and repeated.

Records are read with :class:`qmsdoc.storage.record_fields.RecordFields`; the helpers
:func:`utc_timestamp` and :func:`hash_attachment` are shared with the study reports (:mod:`qmsdoc.evidence.study`) and the protocol
workbook import (:mod:`qmsdoc.evidence.protocol`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from qmsdoc.errors import InputError
from qmsdoc.evidence.records import Attachment, EvidenceRun, TestResult
from qmsdoc.input_files import file_sha256
from qmsdoc.storage.record_fields import RecordFields

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "FORMAT",
    "ILLUSTRATIVE_NOTE",
    "ManualExecution",
    "StepResult",
    "StepVerdict",
    "Verdict",
    "compact_timestamp",
    "execution_document",
    "first_failed_step",
    "hash_attachment",
    "read_execution",
    "run_from_document",
    "utc_timestamp",
]

FORMAT = "qmsdoc-manual-execution/1"
#: the header note of records made for the fictional reference device
ILLUSTRATIVE_NOTE = (
    "Illustrative record of a fictional reference device: it shows the record "
    "format and is not evidence about any real product."
)
Verdict = Literal["passed", "failed"]
StepVerdict = Literal["pass", "fail"]
VERDICTS: tuple[Verdict, ...] = ("passed", "failed")
STEP_VERDICTS: tuple[StepVerdict, ...] = ("pass", "fail")

_COMMIT = re.compile(r"[0-9a-f]{40}")
_UTC = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(?:Z|\+00:00|\+00)"
)
#: TestResult messages are at most this long
_MESSAGE_LIMIT = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class StepResult:
    """One step of a manual test as executed."""

    number: int
    action: str
    expected: str
    actual: str
    """What the tester observed; may be empty for a passed step."""
    verdict: StepVerdict


@dataclass(frozen=True, slots=True, kw_only=True)
class ManualExecution:
    """One execution of a manual test item."""

    test_id: str
    title: str
    item_signature: str
    """The test item's content signature when the protocol was generated
    (:func:`qmsdoc.evidence.status.item_signature`)."""
    version_under_test: str
    """A commit SHA (40 hex digits), a tag or a build version."""
    build: str
    """The app or build version text, e.g. ``2026.1.0 (build 412)``."""
    environment: str
    """Device, OS, browser or app build."""
    executor: str
    """Identity of the tester."""
    executed_at: str
    """UTC, ISO 8601 with ``Z``: ``2026-06-01T10:15:00Z``."""
    steps: tuple[StepResult, ...]
    deviations: str
    verdict: Verdict
    attachments: tuple[Attachment, ...] = ()
    illustrative: bool = False
    """A record of the fictional reference device; its header note says so."""
    source: str = ""
    """The file it was imported from (a protocol workbook's name)."""

    def __post_init__(self) -> None:
        if utc_timestamp(self.executed_at) != self.executed_at:
            raise ValueError(
                f"executed_at {self.executed_at!r} is not UTC ISO 8601 "
                "(e.g. 2026-06-01T10:15:00Z)"
            )
        failed = first_failed_step(self.steps)
        if self.verdict == "passed" and failed is not None:
            raise ValueError(f"verdict is passed but step {failed.number} failed")

    @property
    def run_id(self) -> str:
        """``<test id>-<executed_at compact>``, e.g. ``VT-001-20260601T101500Z``."""
        return f"{self.test_id}-{compact_timestamp(self.executed_at)}"

    @property
    def commit(self) -> str | None:
        """The version under test if it is a commit SHA."""
        return (
            self.version_under_test
            if _COMMIT.fullmatch(self.version_under_test)
            else None
        )


def execution_document(execution: ManualExecution) -> dict[str, Any]:
    """The execution as a JSON-ready mapping in a stable key order."""
    return {
        "format": FORMAT,
        "record": execution.run_id,
        "illustrative": execution.illustrative,
        "note": ILLUSTRATIVE_NOTE if execution.illustrative else "",
        "test": execution.test_id,
        "title": execution.title,
        "item_signature": execution.item_signature,
        "version_under_test": execution.version_under_test,
        "build": execution.build,
        "environment": execution.environment,
        "executor": execution.executor,
        "executed_at": execution.executed_at,
        "verdict": execution.verdict,
        "deviations": execution.deviations,
        "steps": [
            {
                "number": step.number,
                "action": step.action,
                "expected": step.expected,
                "actual": step.actual,
                "verdict": step.verdict,
            }
            for step in execution.steps
        ],
        "attachments": [
            {"path": attachment.path, "sha256": attachment.sha256}
            for attachment in execution.attachments
        ],
        "source": execution.source,
    }


def read_execution(document: Mapping[str, Any], path: Path) -> ManualExecution:
    """The execution a record holds.

    :raises InputError: ``path: key: problem`` if the record is malformed.
    """
    fields = RecordFields(document, str(path))
    fields.expect_format(FORMAT)
    steps = tuple(
        _step(RecordFields(entry, str(path), prefix=f"steps[{index}]."))
        for index, entry in enumerate(fields.entries("steps"), start=1)
    )
    if not steps:
        fields.fail("steps", "no steps")
    attachments = tuple(
        Attachment(path=entry.text("path"), sha256=entry.digest("sha256"))
        for entry in (
            RecordFields(raw, str(path), prefix=f"attachments[{index}].")
            for index, raw in enumerate(fields.entries("attachments"), start=1)
        )
    )
    illustrative = fields.flag("illustrative")
    if illustrative and not fields.text("note", blank=True).strip():
        fields.fail("note", "an illustrative record says so in its note")
    executed_at = fields.text("executed_at")
    if utc_timestamp(executed_at) != executed_at:
        fields.fail("executed_at", f"{executed_at!r} is not UTC ISO 8601 with Z")
    verdict = fields.choice("verdict", VERDICTS)
    failed = first_failed_step(steps)
    if verdict == "passed" and failed is not None:
        fields.fail("verdict", f"passed, but step {failed.number} failed")
    execution = ManualExecution(
        test_id=fields.text("test"),
        title=fields.text("title", blank=True),
        item_signature=fields.digest("item_signature"),
        version_under_test=fields.text("version_under_test"),
        build=fields.text("build", blank=True),
        environment=fields.text("environment"),
        executor=fields.text("executor"),
        executed_at=executed_at,
        steps=steps,
        deviations=fields.text("deviations", blank=True),
        verdict=verdict,
        attachments=attachments,
        illustrative=illustrative,
        source=fields.text("source", blank=True),
    )
    record = fields.text("record")
    if record != execution.run_id:
        fields.fail("record", f"{record!r} is not {execution.run_id!r}")
    return execution


def run_from_document(document: Mapping[str, Any], path: Path) -> EvidenceRun:
    """The evidence run of a manual execution record (the store's reader).

    :raises InputError: ``path: key: problem`` if the record is malformed.
    """
    execution = read_execution(document, path)
    failed = first_failed_step(execution.steps)
    if failed is not None:
        message = f"step {failed.number} failed: {failed.actual}".rstrip(": ")
    else:
        message = " ".join(execution.deviations.split())
    result = TestResult(
        suite="manual",
        classname="",
        name=execution.test_id,
        outcome=execution.verdict,
        duration=0.0,
        message=message[:_MESSAGE_LIMIT],
        verifies=(execution.test_id,),
    )
    return EvidenceRun(
        run_id=execution.run_id,
        commit=execution.commit,
        date=execution.executed_at,
        source=execution.source or path.name,
        results=(result,),
        kind="manual",
        environment=execution.environment,
        executor=execution.executor,
        attachments=execution.attachments,
    )


def first_failed_step(steps: tuple[StepResult, ...]) -> StepResult | None:
    """The first step whose verdict is fail, if any."""
    return next((step for step in steps if step.verdict == "fail"), None)


def utc_timestamp(text: str) -> str | None:
    """``text`` as ``YYYY-MM-DDTHH:MM:SSZ`` if it is a valid UTC ISO 8601 time, else
    None. Accepted: ``Z``, ``+00:00`` or ``+00``; seconds optional (fractions dropped);
    a space instead of the ``T``."""
    match = _UTC.fullmatch(text.strip())
    if match is None:
        return None
    day, minutes, seconds = match.groups()
    normal = f"{day}T{minutes}{(seconds or ':00')[:3]}Z"
    try:
        datetime.strptime(normal, "%Y-%m-%dT%H:%M:%SZ")  # only validates the date
    except ValueError:
        return None
    return normal


def compact_timestamp(timestamp: str) -> str:
    """``2026-06-01T10:15:00Z`` as ``20260601T101500Z`` (for record ids)."""
    return timestamp.replace("-", "").replace(":", "")


def hash_attachment(root: Path, relative: str) -> Attachment:
    """The attachment at ``relative`` (a POSIX path below ``root``) with its SHA-256.

    :raises ValueError: Naming the problem, if the path leaves the root (also
        through a symlink) or is no regular file (a FIFO is not opened).
    """
    pure = PurePosixPath(relative.strip())
    if (
        not relative.strip()
        or pure.is_absolute()
        or ".." in pure.parts
        or "\\" in relative
    ):
        raise ValueError(f"{relative!r} is not a path relative to the project root")
    file = root / pure
    if not file.is_file():
        raise ValueError(f"no file {pure.as_posix()!r} in the project")
    if not file.resolve().is_relative_to(root.resolve()):
        # a symlink in the project must not make a record of a file outside it
        raise ValueError(f"{pure.as_posix()!r} links to a file outside the project")
    try:
        digest = file_sha256(file, root=root)
    except InputError as error:
        raise ValueError(str(error)) from None
    return Attachment(path=pure.as_posix(), sha256=digest)


def _step(fields: RecordFields) -> StepResult:
    return StepResult(
        number=fields.number("number"),
        action=fields.text("action"),
        expected=fields.text("expected", blank=True),
        actual=fields.text("actual", blank=True),
        verdict=fields.choice("verdict", STEP_VERDICTS),
    )
