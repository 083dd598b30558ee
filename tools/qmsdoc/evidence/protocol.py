"""Manual test protocols: the steps a tester executes, derived from a test item, and
the import of a filled-in protocol workbook as execution records.

**Steps.** The procedure of a test item is the paragraph labelled ``**Procedure.**``
and the paragraphs after it up to the next labelled paragraph (without that label, the
item's text before ``**Expected result.**``). Its steps are, in this order of
preference:

- an rST enumerated list (``1.``, ``1)``, ``(1)`` or ``#.`` at the start of a line),
- inline numbers in the text: ``(1) ...; (2) ...; (3) ...``, numbered from 1 on,
- otherwise the whole procedure, as one step.

Text before the first step is the preamble ("On each reference device:"), shown once
above the steps; text after the last step belongs to the last step; separators
(``;``, ``, and``) that end a step are dropped; white space is folded.

**Rows.** Each step is a row whose expected result is :data:`STEP_EXPECTED` (the
step can be carried out as written: the tester records what happened as the actual
result). One last row, :data:`VERIFY_ACTION`, compares the outcome with the item's
``**Expected result.**`` paragraph and its ``acceptance`` field, which are its
expected result. A failed step row or a failed last row fails the test.

**Workbook.** One sheet per test, named by its test id. The layout (which cell holds
what) is defined here (:data:`FIELD_CELLS`, :data:`FIRST_STEP_ROW`,
:data:`STEP_COLUMNS`) and drawn by :func:`qmsdoc.export.xlsx.protocol_workbook_bytes`.
On import every given cell is compared with the test item as it is now, and the
recorded item signature with its current signature; any difference, a blank or
invalid entry, an unknown test id or a verdict that contradicts a step refuses the
whole workbook with one line ``file: sheet!cell: problem``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NoReturn

from qmsdoc.errors import InputError
from qmsdoc.evidence.manual import (
    STEP_VERDICTS,
    VERDICTS,
    ManualExecution,
    StepResult,
    first_failed_step,
    hash_attachment,
    utc_timestamp,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from qmsdoc.evidence.records import Attachment
    from qmsdoc.model import Item

__all__ = [
    "FIELD_CELLS",
    "FIRST_STEP_ROW",
    "STEP_COLUMNS",
    "STEP_EXPECTED",
    "VERIFY_ACTION",
    "CellRole",
    "LayoutCell",
    "LayoutChoice",
    "Protocol",
    "ProtocolStep",
    "SheetLayout",
    "executions_from_workbook",
    "procedure_steps",
    "protocol_layout",
    "protocol_of",
]

STEP_EXPECTED = "The step can be carried out as written."
VERIFY_ACTION = (
    "Verify the outcome against the expected result and the acceptance criterion."
)

#: what a cell is for: drawn differently, and only ``entry`` cells are for the tester
CellRole = Literal["heading", "label", "given", "entry"]
#: header rows from row 1: (key, label, role of the value cell in column B)
_HEADER: tuple[tuple[str, str, CellRole], ...] = (
    ("test", "Test id", "given"),
    ("title", "Title", "given"),
    ("signature", "Item signature (do not edit)", "given"),
    ("preamble", "Procedure (applies to every step)", "given"),
    ("expected", "Expected result", "given"),
    ("acceptance", "Acceptance criterion", "given"),
    ("version", "Version under test (commit SHA or tag)", "entry"),
    ("build", "App / build version", "entry"),
    ("environment", "Environment (device, OS, browser or app build)", "entry"),
    ("executor", "Executor (name and role)", "entry"),
    ("executed_at", "Executed at (UTC, e.g. 2026-06-01T10:15:00Z)", "entry"),
    ("verdict", "Overall verdict (passed or failed)", "entry"),
    ("deviations", "Deviations", "entry"),
    (
        "attachments",
        "Attachments (paths relative to the project root, one a line)",
        "entry",
    ),
)
_LABEL_COLUMN, _VALUE_COLUMN = "A", "B"
#: header key -> the cell holding its value
FIELD_CELLS: dict[str, str] = {
    key: f"{_VALUE_COLUMN}{row}" for row, (key, _, _) in enumerate(_HEADER, start=1)
}
_STEP_HEADER_ROW = len(_HEADER) + 2
FIRST_STEP_ROW = _STEP_HEADER_ROW + 1
#: step column key -> (column letter, heading)
STEP_COLUMNS: dict[str, tuple[str, str]] = {
    "number": ("A", "No."),
    "action": ("B", "Action"),
    "expected": ("C", "Expected result"),
    "actual": ("D", "Actual result"),
    "verdict": ("E", "Pass/Fail"),
}
_WIDTHS = (("A", 46), ("B", 60), ("C", 50), ("D", 44), ("E", 10))
#: Excel's limit on sheet names and the characters it refuses in them
_SHEET_NAME = re.compile(r"[^\[\]:*?/\\']{1,31}")

_LABELLED = re.compile(r"\A\s*\*\*([^*\n]+?)\*\*[.:]?\s*")
_ENUMERATED = re.compile(r"^(\s*)(?:(\d+|#)[.)]|\((\d+)\))\s+(.*)$")
_SEPARATOR = re.compile(r"(?:\s*[;,]\s*(?:and|or|then)?|\s+(?:and|then))\s*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtocolStep:
    """One row of a protocol."""

    number: int
    action: str
    expected: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Protocol:
    """What a tester executes for one test item."""

    test_id: str
    title: str
    item_signature: str
    preamble: str
    expected_result: str
    acceptance: str
    steps: tuple[ProtocolStep, ...]
    """The procedure's steps, then the verification row."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LayoutCell:
    """One cell of a protocol sheet."""

    coordinate: str
    text: str
    role: CellRole


@dataclass(frozen=True, slots=True, kw_only=True)
class LayoutChoice:
    """Cells (a range such as ``E17:E20``) whose value is one of ``choices``."""

    cells: str
    choices: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetLayout:
    """A protocol sheet, cell by cell, for the workbook writer."""

    name: str
    cells: tuple[LayoutCell, ...]
    choices: tuple[LayoutChoice, ...]
    widths: tuple[tuple[str, int], ...]


def protocol_of(item: Item, signature: str) -> Protocol:
    """The protocol of a test item.

    :param signature: The item's content signature now.
    :raises InputError: If the item states neither an expected result nor an
        acceptance criterion, or its id cannot name a worksheet.
    """
    if not _SHEET_NAME.fullmatch(item.id):
        raise InputError(f"{item.location}: test id {item.id!r} cannot name a sheet")
    sections = _sections(item.content)
    procedure = sections.get("procedure", sections.get("", ""))
    expected = _fold(
        sections.get("expected result", sections.get("expected results", ""))
    )
    acceptance = _fold(item.field("acceptance") or "")
    if not expected and not acceptance:
        raise InputError(
            f"{item.location}: {item.id} states no expected result and no acceptance "
            "criterion: there is nothing to execute it against"
        )
    preamble, actions = procedure_steps(procedure)
    if not actions:
        actions = (_fold(item.title),)
    verification = "\n".join(
        part
        for part in (
            expected,
            f"Acceptance criterion: {acceptance}" if acceptance else "",
        )
        if part
    )
    steps = [
        ProtocolStep(number=number, action=action, expected=STEP_EXPECTED)
        for number, action in enumerate(actions, start=1)
    ]
    steps.append(
        ProtocolStep(number=len(steps) + 1, action=VERIFY_ACTION, expected=verification)
    )
    return Protocol(
        test_id=item.id,
        title=_fold(item.title),
        item_signature=signature,
        preamble=preamble,
        expected_result=expected,
        acceptance=acceptance,
        steps=tuple(steps),
    )


def procedure_steps(procedure: str) -> tuple[str, tuple[str, ...]]:
    """(preamble, step actions) of a procedure text; see the module docstring."""
    listed = _enumerated_steps(procedure)
    inline = _inline_steps(_fold(procedure))
    # "(1) open ...; (2) photograph ..." starts a line but numbers the steps inline
    if listed is None or (inline is not None and len(inline[1]) > len(listed[1])):
        listed = inline
    if listed is None:
        whole = _fold(procedure)
        return "", (whole,) if whole else ()
    preamble, actions = listed
    return _fold(preamble), tuple(_step_text(action) for action in actions)


def protocol_layout(protocol: Protocol) -> SheetLayout:
    """The sheet of one protocol: header, step table and the cells to fill in."""
    given = {
        "test": protocol.test_id,
        "title": protocol.title,
        "signature": protocol.item_signature,
        "preamble": protocol.preamble,
        "expected": protocol.expected_result,
        "acceptance": protocol.acceptance,
    }
    cells: list[LayoutCell] = []
    for row, (key, label, role) in enumerate(_HEADER, start=1):
        cells.append(
            LayoutCell(coordinate=f"{_LABEL_COLUMN}{row}", text=label, role="label")
        )
        cells.append(
            LayoutCell(coordinate=FIELD_CELLS[key], text=given.get(key, ""), role=role)
        )
    for column, heading in STEP_COLUMNS.values():
        cells.append(
            LayoutCell(
                coordinate=f"{column}{_STEP_HEADER_ROW}", text=heading, role="heading"
            )
        )
    for row, step in enumerate(protocol.steps, start=FIRST_STEP_ROW):
        values = {
            "number": str(step.number),
            "action": step.action,
            "expected": step.expected,
        }
        for key, (column, _) in STEP_COLUMNS.items():
            cells.append(
                LayoutCell(
                    coordinate=f"{column}{row}",
                    text=values.get(key, ""),
                    role="given" if key in values else "entry",
                )
            )
    last = FIRST_STEP_ROW + len(protocol.steps) - 1
    verdict_column = STEP_COLUMNS["verdict"][0]
    choices = (
        LayoutChoice(cells=FIELD_CELLS["verdict"], choices=VERDICTS),
        LayoutChoice(
            cells=f"{verdict_column}{FIRST_STEP_ROW}:{verdict_column}{last}",
            choices=STEP_VERDICTS,
        ),
    )
    return SheetLayout(
        name=protocol.test_id, cells=tuple(cells), choices=choices, widths=_WIDTHS
    )


def executions_from_workbook(
    cells: Mapping[str, Mapping[str, str]],
    *,
    items: Mapping[str, Item],
    signatures: Mapping[str, str],
    source: str,
    root: Path,
    illustrative: bool = False,
) -> list[ManualExecution]:
    """The executions recorded in a filled-in protocol workbook, one per sheet.

    :param cells: Sheet name -> cell coordinate -> text
        (:func:`qmsdoc.export.xlsx.read_workbook_cells`).
    :param items: The test items of the project, by id.
    :param signatures: Each item's content signature now, by id.
    :param source: The workbook's name, for messages and the records.
    :param root: The project root; attachments are paths below it.
    :param illustrative: The records are of the fictional reference device.
    :raises InputError: ``source: sheet!cell: problem`` at the first problem; then no
        execution is returned.
    """
    if not cells:
        raise InputError(f"{source}: no protocol sheet")
    executions: list[ManualExecution] = []
    seen: set[str] = set()
    for name, sheet_cells in cells.items():
        sheet = _Sheet(name, sheet_cells, source)
        execution = sheet.execution(
            items=items, signatures=signatures, root=root, illustrative=illustrative
        )
        if execution.run_id in seen:
            sheet.fail(
                FIELD_CELLS["executed_at"],
                f"a second execution {execution.run_id} in the same workbook",
            )
        seen.add(execution.run_id)
        executions.append(execution)
    return executions


class _Sheet:
    """One filled-in protocol sheet; every problem names the cell."""

    def __init__(self, name: str, cells: Mapping[str, str], source: str) -> None:
        self._name = name
        self._cells = cells
        self._source = source

    def fail(self, coordinate: str, problem: str) -> NoReturn:
        sheet = (
            f"'{self._name}'"
            if not re.fullmatch(r"[\w.-]+", self._name)
            else self._name
        )
        raise InputError(f"{self._source}: {sheet}!{coordinate}: {problem}")

    def text(self, coordinate: str) -> str:
        return self._cells.get(coordinate, "").strip()

    def field(self, key: str, what: str) -> str:
        """An entry the tester must fill in."""
        value = self.text(FIELD_CELLS[key])
        if not value:
            self.fail(FIELD_CELLS[key], f"no {what}")
        return value

    def execution(
        self,
        *,
        items: Mapping[str, Item],
        signatures: Mapping[str, str],
        root: Path,
        illustrative: bool,
    ) -> ManualExecution:
        test_cell = FIELD_CELLS["test"]
        test_id = self.text(test_cell)
        if not test_id:
            self.fail(test_cell, "no test id (not a protocol sheet)")
        if test_id not in items or test_id not in signatures:
            self.fail(test_cell, f"unknown test id {test_id!r}")
        if self.text(FIELD_CELLS["signature"]) != signatures[test_id]:
            self.fail(
                FIELD_CELLS["signature"],
                f"test item {test_id} changed since the protocol was generated: "
                "generate a new protocol",
            )
        protocol = protocol_of(items[test_id], signatures[test_id])
        self._compare_given(protocol)
        # the entries from the top of the sheet down, so the first problem is reported
        version = self.field("version", "version under test")
        environment = self.field("environment", "environment")
        executor = self.field("executor", "executor")
        executed_at = self._executed_at()
        verdict_cell = FIELD_CELLS["verdict"]
        verdict = self.field("verdict", "overall verdict").lower()
        if verdict not in VERDICTS:
            self.fail(
                verdict_cell, f"overall verdict {verdict!r} is not passed or failed"
            )
        attachments = self._attachments(root)
        steps = self._steps(protocol)
        failed = first_failed_step(steps)
        if verdict == "passed" and failed is not None:
            self.fail(
                verdict_cell, f"overall verdict passed, but step {failed.number} failed"
            )
        return ManualExecution(
            test_id=test_id,
            title=protocol.title,
            item_signature=protocol.item_signature,
            version_under_test=version,
            build=self.text(FIELD_CELLS["build"]),
            environment=environment,
            executor=executor,
            executed_at=executed_at,
            steps=steps,
            deviations=self.text(FIELD_CELLS["deviations"]),
            verdict="passed" if verdict == "passed" else "failed",
            attachments=attachments,
            illustrative=illustrative,
            source=self._source,
        )

    def _executed_at(self) -> str:
        written = self.field("executed_at", "execution date and time")
        executed_at = utc_timestamp(written)
        if executed_at is None:
            self.fail(
                FIELD_CELLS["executed_at"],
                f"{written!r} is not a UTC date and time in ISO 8601 "
                "(e.g. 2026-06-01T10:15:00Z)",
            )
        return executed_at

    def _compare_given(self, protocol: Protocol) -> None:
        given = {
            "title": protocol.title,
            "preamble": protocol.preamble,
            "expected": protocol.expected_result,
            "acceptance": protocol.acceptance,
        }
        for key, text in given.items():
            coordinate = FIELD_CELLS[key]
            if _fold(self.text(coordinate)) != _fold(text):
                self.fail(coordinate, f"differs from test item {protocol.test_id} now")

    def _steps(self, protocol: Protocol) -> tuple[StepResult, ...]:
        column = {key: letter for key, (letter, _) in STEP_COLUMNS.items()}
        results = []
        for row, step in enumerate(protocol.steps, start=FIRST_STEP_ROW):
            expected_values = {
                "number": str(step.number),
                "action": step.action,
                "expected": step.expected,
            }
            for key, value in expected_values.items():
                coordinate = f"{column[key]}{row}"
                if _fold(self.text(coordinate)) != _fold(value):
                    name = {"number": "step number", "action": "step action"}.get(
                        key, "expected result"
                    )
                    self.fail(
                        coordinate,
                        f"{name} differs from step {step.number} of test item "
                        f"{protocol.test_id} now",
                    )
            verdict_cell = f"{column['verdict']}{row}"
            verdict = self.text(verdict_cell).lower()
            if not verdict:
                self.fail(verdict_cell, f"no pass/fail for step {step.number}")
            if verdict not in STEP_VERDICTS:
                self.fail(verdict_cell, f"{verdict!r} is not pass or fail")
            actual = self.text(f"{column['actual']}{row}")
            if verdict == "fail" and not actual:
                self.fail(
                    f"{column['actual']}{row}",
                    f"step {step.number} failed: record its actual result",
                )
            results.append(
                StepResult(
                    number=step.number,
                    action=step.action,
                    expected=step.expected,
                    actual=actual,
                    verdict="pass" if verdict == "pass" else "fail",
                )
            )
        extra = FIRST_STEP_ROW + len(protocol.steps)
        for letter in column.values():
            if self.text(f"{letter}{extra}"):
                self.fail(
                    f"{letter}{extra}",
                    f"test item {protocol.test_id} has no step {len(protocol.steps) + 1}",
                )
        return tuple(results)

    def _attachments(self, root: Path) -> tuple[Attachment, ...]:
        coordinate = FIELD_CELLS["attachments"]
        paths = [part.strip() for part in re.split(r"[\n;]", self.text(coordinate))]
        attachments = []
        for path in dict.fromkeys(part for part in paths if part):
            try:
                attachments.append(hash_attachment(root, path))
            except ValueError as error:
                self.fail(coordinate, f"attachment {error}")
        return tuple(attachments)


def _sections(content: str) -> dict[str, str]:
    """Paragraphs grouped under their bold label (lower case); unlabelled text that
    comes first is under ``""``."""
    sections: dict[str, list[str]] = {}
    current = ""
    for paragraph in re.split(r"\n[ \t]*\n", content):
        match = _LABELLED.match(paragraph)
        text = paragraph
        if match is not None:
            current = _fold(match.group(1)).rstrip(".:").lower()
            text = paragraph[match.end() :]
        sections.setdefault(current, []).append(text)
    return {label: "\n\n".join(parts).strip("\n") for label, parts in sections.items()}


def _enumerated_steps(procedure: str) -> tuple[str, list[str]] | None:
    """Steps of an enumerated list at line starts, or None without one."""
    preamble: list[str] = []
    steps: list[list[str]] = []
    for line in procedure.splitlines():
        match = _ENUMERATED.match(line)
        number = match.group(2) or match.group(3) if match is not None else None
        if match is not None and number in ("#", str(len(steps) + 1)):
            steps.append([match.group(4)])
        elif steps:
            steps[-1].append(line)
        else:
            preamble.append(line)
    if not steps:
        return None
    return "\n".join(preamble), ["\n".join(step) for step in steps]


def _inline_steps(text: str) -> tuple[str, list[str]] | None:
    """Steps numbered ``(1) ... (2) ...`` in running text, or None without ``(1)``."""
    positions: list[tuple[int, int]] = []
    start = 0
    while (found := text.find(f"({len(positions) + 1}) ", start)) >= 0:
        marker_end = found + len(f"({len(positions) + 1}) ")
        positions.append((found, marker_end))
        start = marker_end
    if not positions:
        return None
    bounds = [*(found for found, _ in positions[1:]), len(text)]
    steps = [text[end:bound] for (_, end), bound in zip(positions, bounds, strict=True)]
    return text[: positions[0][0]], steps


def _step_text(text: str) -> str:
    return _SEPARATOR.sub("", _fold(text))


def _fold(text: str) -> str:
    return " ".join(text.split())
