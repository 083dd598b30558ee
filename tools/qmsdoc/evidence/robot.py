"""Robot Framework: results read from ``output.xml`` through Robot's own result API
(:func:`robot.api.ExecutionResult`) and test case names read from ``.robot`` files
through its parser (:func:`robot.api.get_model`). The only module that imports robot.

A test verifies the items its ``[Tags]`` name: ``verifies:REQ-001`` (several ids may
be separated by commas), or a tag that is an item id itself (``REQ-001``: capital
letters and digits, a hyphen, digits). The top suite's ``Metadata`` may state the
run's ``commit`` and ``ci_run``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from robot.api import ExecutionResult, get_model
from robot.api.parsing import TestCaseSection
from robot.errors import DataError
from robot.utils import normalize

from qmsdoc.errors import InputError
from qmsdoc.evidence.records import TestResult
from qmsdoc.evidence.reports import ResultReport, root_element
from qmsdoc.input_files import regular_file

if TYPE_CHECKING:
    from collections.abc import Iterable

    from robot.result import TestCase

    from qmsdoc.evidence.records import Outcome

__all__ = ["normalise_test_name", "parse_robot", "robot_test_names"]

_MESSAGE_LIMIT = 500
_OUTCOMES: dict[str, Outcome] = {
    "PASS": "passed",
    "FAIL": "failed",
    "SKIP": "skipped",
    "NOT RUN": "disabled",
}
_ID_TAG = re.compile(r"^[A-Z][A-Z0-9]*-[0-9]+$")
_VERIFIES_TAG = re.compile(r"^\s*verifies\s*:(.*)$", re.IGNORECASE)
_RUN_METADATA = ("ci_run", "run_id", "build_id")
_COMMIT_METADATA = ("commit", "git_commit", "revision")
_ERROR_LINE = re.compile(r"\bline (\d+)\b")


def parse_robot(data: bytes, *, source: str, root: Path | None = None) -> ResultReport:
    """Parse one Robot Framework ``output.xml``.

    A test's ``classname`` is its suite file relative to ``root`` (POSIX), so that a
    test item's ``automated_test: path/suite.robot::Test Name`` finds it; outside
    ``root`` (or without one) it is the suite's full name.

    :param data: The file's bytes.
    :param source: The file name, for messages.
    :param root: The project root the suite files are under.
    :raises InputError: If the file is not Robot Framework output, is malformed,
        declares a DTD, or a test has a status Robot does not define.
    """
    if root_element(data) != "robot":
        raise InputError(
            f"{source}: not a Robot Framework output.xml (no <robot> root element "
            "before any DTD)"
        )
    try:
        result = ExecutionResult(io.BytesIO(data))
    except DataError as error:
        raise InputError(_data_error(source, error)) from None
    suite = result.suite
    if not suite.name and not suite.test_count:
        raise InputError(f"{source}: Robot Framework output.xml without a <suite>")
    metadata = {
        str(key).strip().lower(): str(value) for key, value in suite.metadata.items()
    }
    return ResultReport(
        results=tuple(_result(test, source, root) for test in suite.all_tests),
        commit=_first(metadata, _COMMIT_METADATA),
        run_id=_first(metadata, _RUN_METADATA),
        timestamp=suite.start_time.isoformat() if suite.start_time else None,
        format="robot",
    )


def robot_test_names(path: Path) -> frozenset[str]:
    """The test (and task) names of a ``.robot`` file, each normalised by
    :func:`normalise_test_name`.

    :raises InputError: If the file is not a regular file of at most 8 MiB
        (:mod:`qmsdoc.input_files`: Robot Framework opens it by name, so it is
        checked first) or cannot be read as Robot Framework data.
    """
    regular_file(path, kind="source")
    try:
        model = get_model(path)
    except DataError as error:
        raise InputError(
            f"{path}: cannot be read as Robot Framework data: {_one_line(str(error))}"
        ) from None
    names: set[str] = set()
    for section in model.sections:
        if not isinstance(section, TestCaseSection):
            continue
        for test in section.body:
            name = getattr(test, "name", None)
            if isinstance(name, str) and name:
                names.add(normalise_test_name(name))
    return frozenset(names)


def normalise_test_name(name: str) -> str:
    """A test name as Robot matches it (``--test``): case, spaces and underscores
    ignored."""
    return str(normalize(name, ignore="_"))


def _result(test: TestCase, source: str, root: Path | None) -> TestResult:
    status = str(test.status)
    outcome = _OUTCOMES.get(status)
    if outcome is None:
        raise InputError(
            f"{source}: test {test.full_name!r}: unknown status {status!r}"
        )
    parent = str(test.parent.full_name) if test.parent is not None else ""
    return TestResult(
        suite=parent,
        classname=_suite_file(test, root) or parent,
        name=str(test.name),
        outcome=outcome,
        duration=round(test.elapsed_time.total_seconds(), 3),
        message=_first_line(str(test.message or "")),
        verifies=_verifies(str(tag) for tag in test.tags),
    )


def _suite_file(test: TestCase, root: Path | None) -> str | None:
    suite_source = test.parent.source if test.parent is not None else None
    if root is None or suite_source is None:
        return None
    try:
        return Path(suite_source).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _verifies(tags: Iterable[str]) -> tuple[str, ...]:
    ids: list[str] = []
    for tag in tags:
        named = _VERIFIES_TAG.match(tag)
        if named:
            ids.extend(part for part in re.split(r"[,;\s]+", named.group(1)) if part)
        elif _ID_TAG.match(tag):
            ids.append(tag)
    return tuple(dict.fromkeys(ids))


def _first(metadata: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = metadata.get(name, "").strip()
        if value:
            return value
    return None


def _data_error(source: str, error: DataError) -> str:
    # "Reading XML source '<in-memory file>' failed: ParseError: ...: line 3, column 0"
    text = _one_line(str(error))
    text = re.sub(r"^Reading XML source .*? failed: ", "", text)
    line = _ERROR_LINE.search(text)
    where = f"{source}:{line.group(1)}" if line else source
    return f"{where}: not a readable Robot Framework output.xml: {text}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:_MESSAGE_LIMIT]
