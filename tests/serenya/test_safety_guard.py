"""VT-116: the explanation safety guard withholds contradicting explanations.

The explanation texts are recorded in ``data/explanations`` (illustrative texts,
written by hand; no language model is called). Each case's flag is computed by the
flagging engine from its value and printed range before the guard runs.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from serenya_core.flagging import interpret
from serenya_core.guard import (
    AI_LABEL,
    LANGUAGES,
    STANDARD_LABEL,
    URGENT_ADVICE,
    Direction,
    Explanation,
    guard,
    standard_explanation,
    stated_directions,
)
from serenya_core.model import Analyte, Flag, LabResult
from serenya_core.notation import parse_range
from serenya_core.reference_ranges import ReportRange, applied_range

EXPLANATIONS = Path(__file__).parent / "data" / "explanations"
COLLECTED = date(2026, 3, 2)


def _cases(name: str) -> list[dict[str, Any]]:
    document = json.loads((EXPLANATIONS / name).read_text(encoding="utf-8"))
    assert document["_note"].startswith("ILLUSTRATIVE.")
    cases: list[dict[str, Any]] = document["cases"]
    return cases


def _explanation(case: dict[str, Any]) -> Explanation:
    """The case as the guard receives it, with the flag the engine computes."""
    analyte = Analyte(case["analyte"])
    printed = parse_range(case["range"], case["unit"])
    assert isinstance(printed, ReportRange), case["range"]
    result = LabResult(analyte, float(case["value"]), case["unit"], COLLECTED)
    flag = interpret(result, lambda _: applied_range(printed)).flag
    assert flag is Flag(case["flag"]), (case["id"], flag)
    return Explanation(
        analyte=analyte, flag=flag, language=case["language"], text=case["text"]
    )


@pytest.mark.verifies("REQ-070", "RC-010")
def test_contradicting_explanation_withheld(caplog: pytest.LogCaptureFixture) -> None:
    cases = {case["id"]: case for case in _cases("vt-116.json")}
    assert sorted(cases) == ["a", "b", "c", "d", "e"]
    for case in cases.values():
        assert case["quoted"] in case["text"]  # the wording of the test procedure

    with caplog.at_level(logging.WARNING, logger="serenya_core.guard"):
        decisions = {key: guard(_explanation(case)) for key, case in cases.items()}

    for key in ("a", "b", "d", "e"):
        decision = decisions[key]
        explanation = decision.explanation
        assert decision.withheld, key
        assert decision.label == STANDARD_LABEL
        assert decision.displayed_text == standard_explanation(
            explanation.analyte, explanation.flag, explanation.language
        )
        assert cases[key]["quoted"] not in decision.displayed_text
    shown = decisions["c"]
    assert not shown.withheld
    assert shown.displayed_text == cases["c"]["text"]
    assert shown.label == AI_LABEL

    assert decisions["a"].reasons == (
        "softening term 'slightly' for a Critical high result",
        "urgent-contact advice of the critical result missing",
    )
    assert decisions["b"].reasons == ("states normal for a High result",)
    assert "softening term 'leicht' for a Critical high result" in (
        decisions["d"].reasons
    )
    assert {
        "softening term 'légèrement' for a Critical low result",
        "softening term 'sans gravité' for a Critical low result",
    } <= set(decisions["e"].reasons)
    # the reason of each withholding is logged, and nothing for the shown text
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 4
    assert logged[1] == (
        "explanation of HbA1c (High, en) withheld: states normal for a High result"
    )


@pytest.mark.verifies("REQ-070", "RC-010")
def test_consistent_explanations_shown_and_other_contradictions_withheld() -> None:
    cases = _cases("guard-cases.json")
    expected = {case["id"]: case["expected"] for case in cases}
    outcome = {
        case["id"]: "withheld" if guard(_explanation(case)).withheld else "displayed"
        for case in cases
    }
    assert outcome == expected
    assert sorted(outcome.values()).count("displayed") == 7
    no_advice = guard(_explanation(cases[-2]))
    assert no_advice.reasons == (
        "urgent-contact advice of the critical result missing",
    )


@pytest.mark.verifies("REQ-070", "RC-010")
def test_direction_statements_read_longest_phrase_first() -> None:
    def directions(text: str, language: str = "en") -> set[Direction]:
        return stated_directions(text, language, Analyte.POTASSIUM)

    assert directions("Your potassium is above the normal range.") == {Direction.HIGH}
    assert directions("The normal range of your potassium is 3.5 to 5.1.") == set()
    assert directions("Your value is outside the range applied.") == {
        Direction.OUT_OF_RANGE
    }
    # a sentence neither addressing the user nor naming the analyte states nothing
    assert directions("Low values are common after vomiting.") == set()
    assert directions("Ihr Kaliumwert liegt unter dem Referenzbereich.", "de") == {
        Direction.LOW
    }
    assert directions("Votre potassium est dans les normes.", "fr") == {
        Direction.NORMAL
    }
    with pytest.raises(ValueError, match="language 'it'"):
        directions("Il suo potassio è alto.", "it")


@pytest.mark.verifies("REQ-070", "RC-010")
def test_standard_explanations_pass_the_guard() -> None:
    explained = [
        Flag.LOW,
        Flag.NORMAL,
        Flag.HIGH,
        Flag.CRITICAL_LOW,
        Flag.CRITICAL_HIGH,
    ]
    for language in LANGUAGES:
        for flag in explained:
            text = standard_explanation(Analyte.SODIUM, flag, language)
            decision = guard(
                Explanation(
                    analyte=Analyte.SODIUM, flag=flag, language=language, text=text
                )
            )
            assert decision.reasons == (), (language, flag)
            critical = flag in {Flag.CRITICAL_LOW, Flag.CRITICAL_HIGH}
            assert (URGENT_ADVICE[language] in text) is critical
    with pytest.raises(ValueError, match="Not interpreted"):
        standard_explanation(Analyte.SODIUM, Flag.NOT_INTERPRETED, "en")
