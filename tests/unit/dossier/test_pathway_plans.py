"""Pathway section plans against the section lists of the regulatory reference."""

from __future__ import annotations

import pytest

from qmsdoc.dossier import load_pathway, pathway_names
from qmsdoc.errors import ProjectError

ESTAR_TITLES = [
    "Submission Type",
    "Cover Letter / Letters of Reference",
    "Submitter Information",
    "Pre-Submission Correspondence and Previous Regulator Interaction",
    "Consensus Standards",
    "Device Description",
    "Proposed Indications for Use (Form 3881)",
    "Classification",
    None,  # 9: substantial equivalence (510(k)) or the classification request (De Novo)
    "Design/Special Controls, Risks to Health, and Mitigation Measures",
    "Labeling",
    "Reprocessing, Sterility and Shelf Life",
    "Biocompatibility",
    "Software/Firmware",
    "Cybersecurity/Interoperability",
    "EMC, Wireless, Electrical, Mechanical and Thermal Safety",
    "Performance Testing",
    "References",
    "Administrative Documentation",
    "Amendment / Additional Information Response",
]


def test_the_shipped_pathways() -> None:
    assert pathway_names() == ["eu-ivdr", "eu-mdr", "fda-510k", "fda-denovo"]


@pytest.mark.parametrize("name", ["fda-510k", "fda-denovo"])
def test_estar_has_its_twenty_sections_in_order(name: str) -> None:
    plan = load_pathway(name)
    assert [s.section_id for s in plan.sections] == [str(n) for n in range(1, 21)]
    for section, title in zip(plan.sections, ESTAR_TITLES, strict=True):
        if title is not None:
            assert section.title == title
    assert plan.sections[8].title == (
        "Predicates and Substantial Equivalence"
        if name == "fda-510k"
        else "Classification Request (De Novo): risks to health and proposed special controls"
    )


@pytest.mark.parametrize("name", ["fda-510k", "fda-denovo"])
def test_software_only_sections_are_not_applicable_with_a_reason(name: str) -> None:
    plan = load_pathway(name)
    by_id = {section.section_id: section for section in plan.sections}
    for section_id in ("12", "13", "16"):
        assert by_id[section_id].not_applicable
        assert "oftware-only" in str(by_id[section_id].not_applicable)
    assert by_id["14"].required and by_id["15"].required


@pytest.mark.parametrize("name", ["eu-mdr", "eu-ivdr"])
def test_eu_plans_have_annex_ii_one_to_six_and_annex_iii(name: str) -> None:
    plan = load_pathway(name)
    ids = [section.section_id for section in plan.sections]
    assert ids == ["II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "III.1.1", "III.1.2"]
    assert all(section.required for section in plan.sections[:6])


def test_ivdr_section_six_is_the_performance_evaluation() -> None:
    assert "performance evaluation" in load_pathway("eu-ivdr").sections[5].title
    assert "clinical evaluation" in load_pathway("eu-mdr").sections[5].title


def test_an_unknown_pathway_names_the_known_ones() -> None:
    with pytest.raises(
        ProjectError, match="unknown pathway 'fda-pma'; pathways: eu-ivdr, eu-mdr"
    ):
        load_pathway("fda-pma")
