"""The FDA 2023 software documentation elements, by documentation level."""

from __future__ import annotations

import pytest

from qmsdoc.dossier.plan import load_pathway, load_software_elements
from qmsdoc.errors import ProjectError

#: Table 1 of the FDA guidance of 14 June 2023, in order
ELEMENTS = [
    "Documentation Level evaluation",
    "Software description",
    "Risk management file",
    "Software requirements specification (SRS)",
    "System and software architecture diagram",
    "Software design specification (SDS)",
    "Software development, configuration management and maintenance practices",
    "Software testing as part of verification and validation",
    "Software version history",
    "Unresolved software anomalies",
]


def test_enhanced_documentation_submits_all_ten_elements() -> None:
    plan, note = load_software_elements("fda-software-2023", "enhanced")
    assert [section.title for section in plan.sections] == ELEMENTS
    assert all(section.required for section in plan.sections)
    assert all(section.not_applicable is None for section in plan.sections)
    assert note == "documentation level enhanced"


def test_basic_documentation_keeps_the_sds_on_file() -> None:
    plan, note = load_software_elements("fda-software-2023", "basic")
    not_submitted = [s for s in plan.sections if not s.required]
    assert [s.section_id for s in not_submitted] == ["SW-6"]
    assert not_submitted[0].not_applicable == (
        "Basic documentation level: the SDS is not submitted but kept on file;"
        " FDA may ask for it"
    )
    assert note == "documentation level basic"


def test_without_a_stated_level_every_element_is_required_and_the_gap_is_named() -> (
    None
):
    plan, note = load_software_elements("fda-software-2023", None)
    assert all(section.required for section in plan.sections)
    assert note == "documentation level not stated in [project.classification]"


def test_both_fda_pathways_add_the_elements_and_the_eu_ones_do_not() -> None:
    assert load_pathway("fda-510k").software_elements == "fda-software-2023"
    assert load_pathway("fda-denovo").software_elements == "fda-software-2023"
    assert load_pathway("eu-mdr").software_elements is None
    assert load_pathway("eu-ivdr").software_elements is None


def test_an_unknown_element_plan_is_a_clear_error() -> None:
    with pytest.raises(
        ProjectError, match="unknown software documentation element plan 'x'"
    ):
        load_software_elements("x", "basic")
