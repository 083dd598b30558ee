"""The intended use is quoted identically wherever it appears."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.intended_use import DIRECTIVE, check_intended_use
from qmsdoc.model.rst_source import scan_text

from .._rst import rst

if TYPE_CHECKING:
    from qmsdoc.model import RawItem

CONTROLLED = rst(
    """\
    Intended use
    ------------

    .. qms-intended-use::
       :controlled:

       Serenya is software intended to help adults understand
       their own clinical laboratory test results.
    """
)

QUOTED = rst(
    """\
    Classification
    ==============

    .. qms-intended-use::

       Serenya is software intended to help adults
       understand their own clinical laboratory test results.
    """
)


def _statements(*pages: tuple[str, str]) -> list[RawItem]:
    return [
        statement
        for path, text in pages
        for statement in scan_text(
            text, path=path, docname=path.removesuffix(".rst"), directives={DIRECTIVE}
        )
    ]


def test_a_word_for_word_quotation_is_no_finding_whatever_the_line_breaks() -> None:
    statements = _statements(("intended-use.rst", CONTROLLED), ("memo.rst", QUOTED))
    assert list(check_intended_use(statements)) == []


def test_a_drifted_quotation_is_reported_where_it_drifted() -> None:
    drifted = QUOTED.replace("help adults", "help adults and teenagers")
    statements = _statements(("intended-use.rst", CONTROLLED), ("memo.rst", drifted))
    [finding] = check_intended_use(statements)
    assert (finding.check_id, finding.path, finding.line) == (
        "intended_use_mismatch",
        "memo.rst",
        4,
    )
    assert finding.message == (
        "intended-use statement differs from the controlled one at"
        " intended-use.rst:4: '(nothing)' became 'and teenagers'"
    )
    assert finding.fails_gate


def test_statements_without_a_controlled_one_are_reported() -> None:
    statements = _statements(("memo.rst", QUOTED))
    [finding] = check_intended_use(statements)
    assert finding.message == (
        "no intended-use statement is marked :controlled:; mark exactly one"
    )


def test_two_controlled_statements_are_reported_at_the_second() -> None:
    statements = _statements(("a.rst", CONTROLLED), ("b.rst", CONTROLLED))
    [finding] = check_intended_use(statements)
    assert (finding.path, finding.line) == ("b.rst", 4)


def test_a_project_without_statements_has_nothing_to_check() -> None:
    assert list(check_intended_use([])) == []
