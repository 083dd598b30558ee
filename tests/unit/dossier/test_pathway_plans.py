"""Pathway section plans against the section lists of the regulatory reference."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from qmsdoc.dossier import load_pathway, pathway_names
from qmsdoc.dossier.plan import load_software_elements, plan_roles
from qmsdoc.errors import ProjectError
from qmsdoc.profile import load_profile

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
    assert pathway_names() == [
        "eu-ai-act",
        "eu-ivdr",
        "eu-mdr",
        "fda-510k",
        "fda-denovo",
    ]


@pytest.mark.parametrize("name", ["fda-510k", "fda-denovo"])
def test_estar_has_its_twenty_sections_in_order(name: str) -> None:
    plan = load_pathway(name)
    estar = [s for s in plan.sections if not s.when_item_type]
    assert [s.section_id for s in estar] == [str(n) for n in range(1, 21)]
    for section, title in zip(estar, ESTAR_TITLES, strict=True):
        if title is not None:
            assert section.title == title
    assert plan.sections[8].title == (
        "Predicates and Substantial Equivalence"
        if name == "fda-510k"
        else "Classification Request (De Novo): risks to health and proposed special controls"
    )


@pytest.mark.parametrize("name", ["fda-510k", "fda-denovo"])
def test_physical_sections_are_required_and_ask_for_their_documents(name: str) -> None:
    """Only a device can say that sterility, biocompatibility or electrical safety
    do not apply to it (in its qms.toml); the plan asks for the documents."""
    plan = load_pathway(name)
    by_id = {section.section_id: section for section in plan.sections}
    assert by_id["12"].documents == ("reprocessing-sterility-shelf-life",)
    assert by_id["13"].documents == ("biocompatibility-evaluation",)
    assert by_id["16"].documents == ("electrical-safety-and-emc",)
    assert all(by_id[i].required for i in ("12", "13", "14", "15", "16"))


@pytest.mark.parametrize("name", pathway_names())
def test_plans_name_document_roles_of_the_profile_and_no_device(name: str) -> None:
    """Every role a plan names is a role of the packaged profile; no section carries
    a device's statement or a page path."""
    declared = _profile_roles()
    plan = load_pathway(name)
    assert all(section.not_applicable is None for section in plan.sections)
    assert all(section.pages == () for section in plan.sections)
    named = {role for section in plan.sections for role in section.documents}
    assert named and named <= declared
    assert not any("/" in role for role in named)


def test_the_software_elements_name_roles_of_the_profile() -> None:
    declared = _profile_roles()
    plan, _ = load_software_elements("fda-software-2023", None)
    named = {role for section in plan.sections for role in section.documents}
    assert named and named <= declared


def test_plan_roles_lists_the_required_roles_in_order_once() -> None:
    roles = plan_roles(load_pathway("fda-510k"))
    assert roles[:5] == (
        "device-description",
        "use-specification",
        "intended-use",
        "classification-rationale",
        "predicate-comparison",
    )
    assert len(roles) == len(set(roles))
    assert "regulatory-correspondence" not in roles  # section 4 is optional
    # the software documentation elements add what the sections do not name
    assert roles[-2:] == ("software-description", "risk-management-plan")
    mdr = plan_roles(load_pathway("eu-mdr"))
    assert "post-market-surveillance-report" not in mdr  # III.1.2 is optional
    assert "gspr-record" in mdr and "predicate-comparison" not in mdr


def test_a_plan_naming_a_plain_page_path_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = tomllib.loads(_plan_text("fda-510k").replace("documents =", "pages =", 1))
    monkeypatch.setattr(tomllib, "loads", lambda _text: plan)
    with pytest.raises(ProjectError, match=r"section 1: unknown keys \['pages'\]"):
        load_pathway("fda-510k")


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
        ProjectError, match="unknown pathway 'fda-pma'; pathways: eu-ai-act, eu-ivdr"
    ):
        load_pathway("fda-pma")


def _plan_text(name: str) -> str:
    folder = resources.files("qmsdoc.dossier") / "pathways"
    return (folder / f"{name}.toml").read_text(encoding="utf-8")


def _profile_roles() -> set[str]:
    config = load_profile(None).documents
    assert config is not None
    return set(config.role_names)
