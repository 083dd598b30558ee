"""Automated result files (JUnit XML, Robot Framework ``output.xml``), told apart by
their root element and read into one :class:`ResultReport`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.input_files import read_input_bytes

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.evidence.records import TestResult

__all__ = ["ResultReport", "read_result_file", "root_element"]

# the prolog: byte order mark, XML declaration, comments, processing instructions
# and white space; a DTD (<!DOCTYPE) is not matched, so a file with one is not peeked
_PROLOG = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s|<\?.*?\?>|<!--.*?-->)*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)",
    re.DOTALL,
)
_PEEK = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultReport:
    """The cases of a result file and the provenance its properties state, if any."""

    results: tuple[TestResult, ...]
    commit: str | None
    run_id: str | None
    timestamp: str | None
    format: str = "junit"
    """``junit`` or ``robot``."""


def read_result_file(
    path: Path, *, verifies_property: str, root: Path | None = None
) -> ResultReport:
    """Read one automated result file of any supported format.

    The root element picks the reader: ``<robot>`` is Robot Framework output,
    anything else is read as JUnit XML (which names what it found if it is not).

    :param verifies_property: The JUnit test-case property that names verified item
        ids (Robot Framework names them in tags, see :mod:`qmsdoc.evidence.robot`).
    :raises InputError: If the file cannot be read (not a regular file, over the
        report size limit) or is not a supported result file.
    """
    data = read_input_bytes(path, kind="report")
    if root_element(data) == "robot":
        from qmsdoc.evidence.robot import parse_robot  # noqa: PLC0415 (imports robot)

        return parse_robot(data, source=str(path), root=root)
    from qmsdoc.evidence.junit import parse_junit  # noqa: PLC0415 (one reader per format)

    return parse_junit(data, source=str(path), verifies_property=verifies_property)


def root_element(data: bytes) -> str | None:
    """The local name of the root element of an XML document, read from its first
    bytes without parsing it; None when the prolog holds a DTD (``<!DOCTYPE``),
    the encoding is not ASCII-compatible, or no element starts in the first 64 KiB.

    An entity can only be declared in a DTD, and a DTD only in the prolog: a
    document whose root element is found here declares no entity.
    """
    match = _PROLOG.match(data, 0, _PEEK)
    return match.group(2).decode("ascii") if match else None
