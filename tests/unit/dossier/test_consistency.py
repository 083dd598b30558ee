"""Consistency of the classification with the pathway and the risk file."""

from __future__ import annotations

from qmsdoc.dossier.consistency import consistency_problems
from qmsdoc.project import Classification
from qmsdoc.risk.estimate import RiskEstimate, estimate_risks
from qmsdoc.trace import TraceGraph

from .._rst import VALID_CHAIN, default_profile, items_from

SERENYA_LIKE = Classification(
    us_class="II",
    documentation_level="enhanced",
    eu_regulation="MDR",
    eu_class="IIb",
    software_safety_class="B",
    external_controls=True,
)


def _risks(severity: int = 3, p1: int = 1, p2: int = 1) -> list[RiskEstimate]:
    """The risk of VALID_CHAIN's one situation (harm severity 4, P1 1, P2 1), varied."""
    text = (
        VALID_CHAIN.replace(":severity: 4", f":severity: {severity}")
        .replace(":p1: 1", f":p1: {p1}")
        .replace(":p2: 1", f":p2: {p2}")
    )
    assert text != VALID_CHAIN or (severity, p1, p2) == (4, 1, 1)
    model = default_profile().risk
    assert model is not None
    return estimate_risks(TraceGraph(items_from(text)), model)


def test_a_consistent_file_has_no_problem() -> None:
    for pathway in ("fda-denovo", "eu-mdr"):
        assert consistency_problems(SERENYA_LIKE, pathway, _risks()) == []


def test_a_510k_for_a_class_i_device_is_flagged() -> None:
    claims = Classification(
        us_class="I", documentation_level="basic", software_safety_class="A"
    )
    assert any(
        "most Class I devices are exempt" in p
        for p in consistency_problems(claims, "fda-510k", _risks())
    )


def test_a_de_novo_for_class_iii_is_flagged() -> None:
    claims = Classification(
        us_class="III", documentation_level="enhanced", software_safety_class="C"
    )
    assert any(
        "De Novo request is for Class I or II" in p
        for p in consistency_problems(claims, "fda-denovo", _risks())
    )


def test_the_eu_regulation_must_match_the_pathway() -> None:
    problems = consistency_problems(SERENYA_LIKE, "eu-ivdr", _risks())
    assert problems == ["the IVDR pathway needs an IVDR class; the file states MDR IIb"]
    ivdr = Classification(eu_regulation="IVDR", eu_class="C", software_safety_class="B")
    assert consistency_problems(ivdr, "eu-ivdr", _risks()) == []
    assert consistency_problems(ivdr, "eu-mdr", _risks()) != []


def test_enhanced_documentation_when_serious_harm_is_probable_before_control() -> None:
    basic = Classification(
        us_class="II", documentation_level="basic", software_safety_class="C"
    )
    serious_probable = _risks(severity=5, p1=5, p2=4)  # combined level 5
    problems = consistency_problems(basic, "fda-denovo", serious_probable)
    assert any("Enhanced is expected" in p and "HS-001" in p for p in problems)
    assert (
        consistency_problems(basic, "fda-denovo", _risks(severity=5, p1=2, p2=2)) == []
    )


def test_safety_class_below_c_needs_external_controls_for_serious_harm() -> None:
    claims = Classification(
        us_class="II", documentation_level="enhanced", software_safety_class="B"
    )
    problems = consistency_problems(claims, "fda-denovo", _risks(severity=5))
    assert any(
        "class C unless external risk controls are stated" in p for p in problems
    )
    with_external = Classification(
        us_class="II",
        documentation_level="enhanced",
        software_safety_class="B",
        external_controls=True,
    )
    assert consistency_problems(with_external, "fda-denovo", _risks(severity=5)) == []


def test_missing_claims_are_problems() -> None:
    problems = consistency_problems(Classification(), "fda-denovo", _risks())
    assert "the FDA device class is not stated" in problems
    assert "the IEC 62304 software safety class is not stated" in problems
