"""Risk estimates computed from rST items: severity, P, region, residual and problems."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.profile import load_profile
from qmsdoc.risk.estimate import RiskEstimate, estimate_risks, scale_value
from qmsdoc.trace import TraceGraph

from .._rst import default_profile, items_from, rst

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.profile import Profile

HAZARD_AND_HARMS = """\
.. hazard:: Stale lab result shown
   :id: HAZ-001
   :status: approved
   :hazard_category: data_integrity

.. harm:: Discomfort
   :id: HARM-001
   :status: approved
   :severity: 2

.. harm:: Death
   :id: HARM-002
   :status: approved
   :severity: 5

.. harm:: Injury needing treatment
   :id: HARM-003
   :status: approved
   :severity: 3
"""


def _situation(
    fields: str, links: str = ":arises_from: HAZ-001\n:leads_to: HARM-001"
) -> str:
    """A hazardous situation HS-001 with ``fields`` and ``links`` (one per line)."""
    body = "\n".join(
        f"   {line}"
        for line in (
            ":id: HS-001",
            ":status: approved",
            ":sequence: Cache not refreshed; clinician reads the old value",
            *fields.splitlines(),
            *links.splitlines(),
        )
        if line
    )
    return f".. hazardous_situation:: Clinician acts on a stale result\n{body}\n"


CONTROL = """\
.. risk_control:: Staleness banner
   :id: RC-001
   :status: approved
   :option: protective_measure
   :mitigates: HS-001
"""


def _estimates(*parts: str, profile: Profile | None = None) -> list[RiskEstimate]:
    active = profile or default_profile()
    model = active.risk
    assert model is not None
    text = "\n".join(parts)
    return estimate_risks(TraceGraph(items_from(text, active)), model)


def _one(*parts: str, profile: Profile | None = None) -> RiskEstimate:
    [estimate] = _estimates(HAZARD_AND_HARMS, *parts, profile=profile)
    return estimate


def test_an_estimate_from_severity_p1_and_p2() -> None:
    estimate = _one(_situation(":p1: 4\n:p2: 3"))
    assert estimate.problems == ()
    assert estimate.initial is not None
    assert (
        estimate.initial.severity,
        estimate.initial.p1,
        estimate.initial.p2,
        estimate.initial.probability,
        estimate.initial.region.name,
    ) == (2, 4, 3, 4, "afap")
    assert estimate.situation.id == "HS-001"
    assert estimate.hazards == ("HAZ-001",)
    assert estimate.harms == ("HARM-001",)
    assert estimate.controls == ()


def test_severity_is_the_worst_of_several_harms() -> None:
    estimate = _one(
        _situation(
            ":p1: 3\n:p2: 3",
            ":arises_from: HAZ-001\n:leads_to: HARM-001, HARM-002, HARM-003",
        )
    )
    assert estimate.harms == ("HARM-001", "HARM-002", "HARM-003")
    assert estimate.initial is not None
    assert estimate.initial.severity == 5
    assert estimate.initial.probability == 3
    assert estimate.initial.region.name == "unacceptable"


def test_values_may_carry_surrounding_spaces() -> None:
    estimate = _one(_situation(":p1:  2 \n:p2: 5 "))
    assert estimate.problems == ()
    assert estimate.initial is not None
    assert (estimate.initial.p1, estimate.initial.p2) == (2, 5)
    assert estimate.initial.probability == 4


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        pytest.param(":p2: 3", ("p1 is missing",), id="p1-missing"),
        pytest.param(":p1: 3", ("p2 is missing",), id="p2-missing"),
        pytest.param("", ("p1 is missing", "p2 is missing"), id="both-missing"),
        pytest.param(
            ":p1: 6\n:p2: 3", ("p1 '6' is not on the scale 1-5",), id="p1-above"
        ),
        pytest.param(
            ":p1: 3\n:p2: 0", ("p2 '0' is not on the scale 1-5",), id="p2-zero"
        ),
        pytest.param(
            ":p1: high\n:p2: 3",
            ("p1 'high' is not on the scale 1-5",),
            id="p1-not-a-number",
        ),
        pytest.param(
            ":p1: 3\n:p2: -1", ("p2 '-1' is not on the scale 1-5",), id="p2-negative"
        ),
        pytest.param(
            ":p1: 2.5\n:p2: 3",
            ("p1 '2.5' is not on the scale 1-5",),
            id="p1-decimal",
        ),
    ],
)
def test_a_missing_or_off_scale_probability_gives_no_level(
    fields: str, problems: tuple[str, ...]
) -> None:
    estimate = _one(_situation(fields))
    assert estimate.problems == problems
    assert estimate.initial is None
    assert estimate.residual is None


def test_a_harm_without_severity_gives_no_level() -> None:
    harm = ".. harm:: Unrated\n   :id: HARM-009\n   :status: draft\n"
    estimate = _one(harm, _situation(":p1: 3\n:p2: 3", ":leads_to: HARM-009"))
    assert estimate.problems == ("harm HARM-009 has no severity on the scale 1-5",)
    assert estimate.initial is None


def test_an_off_scale_severity_spoils_the_worst_case() -> None:
    harm = ".. harm:: Overrated\n   :id: HARM-009\n   :status: draft\n   :severity: 9\n"
    estimate = _one(harm, _situation(":p1: 3\n:p2: 3", ":leads_to: HARM-002, HARM-009"))
    assert estimate.problems == ("harm HARM-009 has no severity on the scale 1-5",)
    assert estimate.initial is None
    assert estimate.harms == ("HARM-002", "HARM-009")


def test_a_situation_without_harm_has_no_severity() -> None:
    estimate = _one(_situation(":p1: 3\n:p2: 3", ":arises_from: HAZ-001"))
    assert estimate.problems == ("no harm to take the severity from",)
    assert estimate.initial is None
    assert estimate.harms == ()


def test_a_link_to_an_unknown_harm_is_not_a_harm() -> None:
    estimate = _one(_situation(":p1: 3\n:p2: 3", ":leads_to: HARM-404"))
    assert estimate.harms == ()
    assert estimate.problems == ("no harm to take the severity from",)


def test_residual_equals_initial_without_controls() -> None:
    estimate = _one(_situation(":p1: 5\n:p2: 5\n:residual_p1: 1\n:residual_p2: 1"))
    assert estimate.controls == ()
    assert estimate.initial is not None
    assert estimate.residual == estimate.initial
    assert estimate.residual.probability == 5


def test_residual_from_residual_probabilities_with_a_control() -> None:
    estimate = _one(
        _situation(
            ":p1: 4\n:p2: 4\n:residual_p1: 2\n:residual_p2: 3",
            ":arises_from: HAZ-001\n:leads_to: HARM-002",
        ),
        CONTROL,
    )
    assert estimate.controls == ("RC-001",)
    assert estimate.initial is not None
    assert estimate.residual is not None
    assert (estimate.initial.probability, estimate.initial.region.name) == (
        5,
        "unacceptable",
    )
    assert (
        estimate.residual.severity,
        estimate.residual.p1,
        estimate.residual.p2,
        estimate.residual.probability,
        estimate.residual.region.name,
    ) == (5, 2, 3, 2, "afap")


def test_residual_is_none_when_controlled_without_residual_values() -> None:
    estimate = _one(_situation(":p1: 4\n:p2: 4"), CONTROL)
    assert estimate.initial is not None
    assert estimate.residual is None
    assert estimate.problems == ()


def test_residual_is_none_when_one_residual_value_is_missing() -> None:
    estimate = _one(_situation(":p1: 4\n:p2: 4\n:residual_p2: 1"), CONTROL)
    assert estimate.residual is None
    assert estimate.problems == ()


def test_an_off_scale_residual_value_is_a_problem() -> None:
    estimate = _one(
        _situation(":p1: 4\n:p2: 4\n:residual_p1: 1\n:residual_p2: 7"), CONTROL
    )
    assert estimate.initial is not None
    assert estimate.residual is None
    assert estimate.problems == ("residual_p2 '7' is not on the scale 1-5",)


def test_several_situations_in_location_order() -> None:
    second = _situation(":p1: 1\n:p2: 1").replace("HS-001", "HS-002")
    estimates = _estimates(HAZARD_AND_HARMS, _situation(":p1: 3\n:p2: 3"), second)
    assert [e.situation.id for e in estimates] == ["HS-001", "HS-002"]


def test_no_situation_no_estimate() -> None:
    assert _estimates(HAZARD_AND_HARMS) == []


def _p2_only(tmp_path: Path) -> Profile:
    config = tmp_path / "qms.toml"
    config.write_text(
        rst("""\
            extends = "medical-device"

            [risk]
            method = "p2_only"
            """),
        encoding="utf-8",
    )
    return load_profile(config)


def test_p2_only_reads_p_from_p2_alone(tmp_path: Path) -> None:
    estimate = _one(
        _situation(":p1: 1\n:p2: 4", ":leads_to: HARM-003"),
        profile=_p2_only(tmp_path),
    )
    assert estimate.problems == ()
    assert estimate.initial is not None
    assert (estimate.initial.p1, estimate.initial.p2) == (None, 4)
    assert estimate.initial.probability == 4
    assert estimate.initial.region.name == "unacceptable"


def test_p2_only_needs_no_p1(tmp_path: Path) -> None:
    profile = _p2_only(tmp_path)
    estimate = _one(
        _situation(":p2: 2\n:residual_p2: 1", ":leads_to: HARM-003"),
        CONTROL,
        profile=profile,
    )
    assert estimate.problems == ()
    assert estimate.initial is not None
    assert estimate.residual is not None
    assert (estimate.initial.probability, estimate.initial.region.name) == (
        2,
        "afap",
    )
    assert (estimate.residual.probability, estimate.residual.region.name) == (
        1,
        "acceptable",
    )


def test_p2_only_still_needs_p2(tmp_path: Path) -> None:
    estimate = _one(_situation(":p1: 3"), profile=_p2_only(tmp_path))
    assert estimate.problems == ("p2 is missing",)
    assert estimate.initial is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (None, None),
        ("", None),
        ("3", 3),
        (" 5 ", 5),
        ("1", 1),
        ("0", None),
        ("6", None),
        ("-1", None),
        ("+2", None),
        ("two", None),
        ("2.0", None),
    ],
)
def test_scale_value(text: str | None, value: int | None) -> None:
    assert scale_value(text, 5) == value
