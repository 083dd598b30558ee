"""The intended use is stated identically wherever it appears.

A project marks its controlled intended-use statement with
``.. qms-intended-use::`` and ``:controlled:``, and every other place that quotes
it (classification memo, labeling, Form 3881, summaries) with the same directive.
21 CFR 807.92(a)(5) and MDR Annex II 1.1(c) tie the submission to one intended use
and purpose; a quoted statement that drifted from the controlled one is a finding at
the place it drifted.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from qmsdoc.checks.spec import CheckSpec

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from qmsdoc.checks.findings import Finding
    from qmsdoc.model import RawItem

__all__ = ["DIRECTIVE", "INTENDED_USE_MISMATCH", "SPECS", "check_intended_use"]

#: the directive that marks an intended-use statement
DIRECTIVE = "qms-intended-use"

INTENDED_USE_MISMATCH = CheckSpec(
    check_id="intended_use_mismatch",
    severity="error",
    summary=(
        "intended-use statement differs from the controlled one "
        "(807.92(a)(5); MDR Annex II 1.1)"
    ),
    clause="21 CFR 807.92(a)(5), 814.20; MDR Annex II 1.1(c)",
)
#: the findings about statements in documents, made outside the check run (the
#: statements are read from the pages, not the items)
SPECS: tuple[CheckSpec, ...] = (INTENDED_USE_MISMATCH,)


def check_intended_use(statements: Sequence[RawItem]) -> Iterator[Finding]:
    """Findings where an intended-use statement differs from the controlled one.

    Serves 21 CFR 807.92(a)(5), 21 CFR 814.20 and MDR Annex II 1.1(c): one
    intended use throughout the technical documentation.
    """
    if not statements:
        return
    controlled = [s for s in statements if s.option("controlled") is not None]
    if len(controlled) != 1:
        where = controlled[1] if len(controlled) > 1 else statements[0]
        problem = (
            "a second controlled intended-use statement"
            if controlled
            else "no intended-use statement is marked :controlled:"
        )
        yield _finding(where, f"{problem}; mark exactly one")
        return
    reference = controlled[0]
    expected = _words(reference.content)
    for statement in statements:
        if statement is reference:
            continue
        found = _words(statement.content)
        if found != expected:
            yield _finding(
                statement,
                "intended-use statement differs from the controlled one at "
                f"{reference.location.path}:{reference.location.line}: "
                f"{_first_difference(expected, found)}",
            )


def _words(text: str) -> list[str]:
    return text.split()


def _first_difference(expected: list[str], found: list[str]) -> str:
    matcher = difflib.SequenceMatcher(a=expected, b=found, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        old = " ".join(expected[a_start:a_end][:8]) or "(nothing)"
        new = " ".join(found[b_start:b_end][:8]) or "(nothing)"
        return f"{old!r} became {new!r}"
    return "different text"


def _finding(statement: RawItem, message: str) -> Finding:
    where = statement.location
    return INTENDED_USE_MISMATCH.finding(
        message, path=where.path, line=where.line, docname=where.docname
    )
