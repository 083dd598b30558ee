"""A project's overrides of the packaged pathway plans (``[project.pathway_overrides]``
in ``qms.toml``): not applicable with a reason, replaced documents, added sections,
mapped roles; each bad key one line naming ``qms.toml`` and the key."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from qmsdoc.dossier.plan import load_pathway, project_pathway
from qmsdoc.dossier.readiness import section_states
from qmsdoc.errors import ProfileError, ProjectError
from qmsdoc.project import PROJECT_FILE, load_project
from qmsdoc.trace import TraceGraph

from .._rst import default_profile

if TYPE_CHECKING:
    from qmsdoc.dossier.plan import ProjectPlan
    from qmsdoc.dossier.readiness import SectionState

HEADER = 'extends = "medical-device"\n\n[project]\nname = "Overridden"\n'


def _plan(root: Path, overrides: str, pathway: str = "fda-510k") -> ProjectPlan:
    (root / PROJECT_FILE).write_text(HEADER + overrides, encoding="utf-8")
    return project_pathway(load_project(root), pathway)


def _states(
    plan: ProjectPlan, roles: dict[str, tuple[str, ...]]
) -> dict[str, SectionState]:
    states = section_states(
        plan.plan,
        graph=TraceGraph(()),
        profile=default_profile(),
        pages={page for pages in roles.values() for page in pages},
        records=set(),
        roles=roles,
    )
    return {state.plan.section_id: state for state in states}


def test_without_overrides_the_packaged_plan_is_submitted(tmp_path: Path) -> None:
    submitted = _plan(tmp_path, "")
    assert submitted.plan == load_pathway("fda-510k")
    assert submitted.elements is not None
    assert submitted.elements_note == (
        "documentation level not stated in [project.classification]"
    )


def test_a_section_declared_not_applicable_with_its_reason(tmp_path: Path) -> None:
    submitted = _plan(
        tmp_path,
        '[project.pathway_overrides.fda-510k.sections."13"]\n'
        'not_applicable = "Software-only device: no patient-contacting materials"\n',
    )
    states = _states(submitted, {})
    assert states["13"].state == "not applicable"
    assert states["13"].detail == (
        "Software-only device: no patient-contacting materials"
    )
    assert states["12"].state == "missing"  # only the declared section changes


def test_replaced_documents_fill_a_section(tmp_path: Path) -> None:
    submitted = _plan(
        tmp_path,
        '[project.pathway_overrides.fda-510k.sections."6"]\n'
        'documents = ["device-description", "software-description"]\n'
        '[project.pathway_overrides.fda-510k.sections."2"]\n'
        'pages = ["admin/cover-letter"]\n',
    )
    by_id = {section.section_id: section for section in submitted.plan.sections}
    assert by_id["6"].documents == ("device-description", "software-description")
    # naming what fills an administrative section makes it one the file fills
    assert by_id["2"].administrative is None
    assert by_id["2"].pages == ("admin/cover-letter",)
    states = _states(
        submitted,
        {
            "device-description": ("docs/product",),
            "software-description": ("docs/software",),
        },
    )
    assert states["6"].state == "filled"
    assert states["6"].sources == (
        "device-description: docs/product",
        "software-description: docs/software",
    )
    assert states["2"].state == "missing"
    assert states["2"].detail == "missing: page admin/cover-letter"


def test_an_added_section_goes_after_the_named_one(tmp_path: Path) -> None:
    submitted = _plan(
        tmp_path,
        "[[project.pathway_overrides.fda-510k.add]]\n"
        'id = "9.1"\ntitle = "Predicate software comparison"\nrequired = true\n'
        'documents = ["software-description"]\nafter = "9"\n'
        "[[project.pathway_overrides.fda-510k.add]]\n"
        'id = "21"\ntitle = "Human factors"\ndocuments = ["use-specification"]\n',
    )
    ids = [section.section_id for section in submitted.plan.sections]
    assert ids[8:11] == ["9", "9.1", "10"]
    assert ids[-1] == "21"
    states = _states(submitted, {})
    assert states["9.1"].plan.required
    assert states["9.1"].detail.startswith(
        "missing: document role 'software-description' (Software description"
    )
    assert not states["21"].plan.required


def test_a_mapped_role_is_asked_for_in_every_section_and_element(
    tmp_path: Path,
) -> None:
    submitted = _plan(
        tmp_path,
        "[project.pathway_overrides.fda-510k.roles]\n"
        '"device-description" = "software-description"\n'
        '"classification-rationale" = ["design-and-development-plan", "standards-list"]\n',
    )
    by_id = {section.section_id: section for section in submitted.plan.sections}
    assert by_id["1"].documents == ("software-description",)
    assert by_id["6"].documents == ("software-description", "use-specification")
    assert by_id["8"].documents == ("design-and-development-plan", "standards-list")
    assert submitted.elements is not None
    elements = {section.section_id: section for section in submitted.elements.sections}
    # SW-2 named both: the mapped role appears once
    assert elements["SW-2"].documents == ("software-description", "intended-use")
    states = _states(submitted, {"software-description": ("docs/overview",)})
    assert states["1"].state == "filled"
    assert states["1"].sources == ("software-description: docs/overview",)


def test_an_element_section_can_be_overridden(tmp_path: Path) -> None:
    submitted = _plan(
        tmp_path,
        '[project.pathway_overrides.fda-denovo.sections."SW-5"]\n'
        'documents = ["software-design-specification"]\n',
        pathway="fda-denovo",
    )
    assert submitted.elements is not None
    by_id = {section.section_id: section for section in submitted.elements.sections}
    assert by_id["SW-5"].documents == ("software-design-specification",)


def test_overrides_of_another_pathway_leave_this_one_alone(tmp_path: Path) -> None:
    submitted = _plan(
        tmp_path,
        '[project.pathway_overrides.eu-mdr.sections."III.1.2"]\n'
        'not_applicable = "Before placing on the market"\n',
    )
    assert submitted.plan == load_pathway("fda-510k")


BAD_OVERRIDES = [
    (
        '[project.pathway_overrides.fda-pma.sections."1"]\nrequired = true\n',
        "[project.pathway_overrides.fda-pma]: unknown pathway; pathways: eu-ai-act,"
        " eu-ivdr, eu-mdr, fda-510k, fda-denovo",
    ),
    (
        '[project.pathway_overrides.fda-510k.sections."99"]\nrequired = true\n',
        "[project.pathway_overrides.fda-510k.sections.99]: the plan has no"
        " section '99'",
    ),
    (
        '[project.pathway_overrides.fda-510k.sections."6"]\n'
        'documents = ["product-overview"]\n',
        "[project.pathway_overrides.fda-510k.sections.6.documents]: unknown"
        " document role 'product-overview'",
    ),
    (
        "[project.pathway_overrides.fda-510k.roles]\n"
        '"device-description" = "product-overview"\n',
        "[project.pathway_overrides.fda-510k.roles.device-description]: unknown"
        " document role 'product-overview'",
    ),
    (
        "[project.pathway_overrides.fda-510k.roles]\n"
        '"gspr-record" = "device-description"\n',
        "[project.pathway_overrides.fda-510k.roles.gspr-record]: the plan names no"
        " document role 'gspr-record'",
    ),
    (
        '[project.pathway_overrides.fda-510k.sections."4"]\n'
        'not_aplicable = "No Pre-Submission"\n',
        "[project.pathway_overrides.fda-510k.sections.4.not_aplicable]: unknown"
        " key; expected one of administrative, documents, not_applicable, pages,"
        " required",
    ),
    (
        "[project.pathway_overrides.fda-510k.sectons]\n",
        "[project.pathway_overrides.fda-510k.sectons]: unknown key; expected one of"
        " add, roles, sections",
    ),
    (
        '[project.pathway_overrides.fda-510k.sections."4"]\nnot_applicable = " "\n',
        "[project.pathway_overrides.fda-510k.sections.4.not_applicable]: must"
        " state the reason (a non-empty string)",
    ),
    (
        '[project.pathway_overrides.fda-510k.sections."4"]\n'
        'not_applicable = "No"\nadministrative = "Regulatory affairs"\n',
        "a section is either not applicable or administrative, not both",
    ),
    (
        '[project.pathway_overrides.fda-510k.sections."7"]\n'
        'documents = "intended-use"\n',
        "[project.pathway_overrides.fda-510k.sections.7.documents]: must be a"
        " list of strings",
    ),
    (
        "[[project.pathway_overrides.fda-510k.add]]\n"
        'id = "7"\ntitle = "Indications again"\n',
        "[project.pathway_overrides.fda-510k.add[0].id]: the plan has a section '7'",
    ),
    (
        "[[project.pathway_overrides.fda-510k.add]]\n"
        'id = "21"\ntitle = "Extra"\nafter = "30"\n',
        "[project.pathway_overrides.fda-510k.add[0].after]: the plan has no"
        " section '30'",
    ),
    (
        "[[project.pathway_overrides.fda-510k.add]]\n"
        'id = "21"\ntitle = "Extra"\nitem_types = ["widget"]\n',
        "[project.pathway_overrides.fda-510k.add[0].item_types]: unknown item"
        " type 'widget'",
    ),
    (
        "[[project.pathway_overrides.fda-510k.add]]\n"
        'id = "21"\ntitle = "Extra"\nrecords = ["minutes"]\n',
        "[project.pathway_overrides.fda-510k.add[0].records]: unknown record 'minutes'",
    ),
    (
        "[[project.pathway_overrides.fda-510k.add]]\n"
        'id = "21"\ntitle = "Extra"\nmatrices = ["nothing"]\n',
        "[project.pathway_overrides.fda-510k.add[0].matrices]: unknown matrix"
        " 'nothing'",
    ),
    (
        '[[project.pathway_overrides.fda-510k.add]]\ntitle = "No id"\n',
        "[project.pathway_overrides.fda-510k.add[0].id]: must be a non-empty string",
    ),
    (
        "[[project.pathway_overrides.fda-510k.add]]\n"
        'id = "21"\ntitle = "Extra"\npage = ["docs/x"]\n',
        "[project.pathway_overrides.fda-510k.add[0].page]: unknown key",
    ),
    (
        '[project.pathway_overrides]\nfda-510k = "all of it"\n',
        "[project.pathway_overrides.fda-510k]: must be a table",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_OVERRIDES)
def test_each_bad_override_is_one_line_naming_the_file_and_key(
    tmp_path: Path, overrides: str, message: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        _plan(tmp_path, overrides)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{tmp_path / PROJECT_FILE}: ")
    assert message in text


def test_a_plan_naming_a_role_the_profile_lacks_stops_at_load(tmp_path: Path) -> None:
    """A project profile that drops a role a plan asks for: the plan file and section
    are named."""
    packaged = resources.files("qmsdoc.profile") / "data" / "medical-device.toml"
    lines = packaged.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("device-description =")]
    assert len(kept) == len(lines) - 1
    (tmp_path / "profile.toml").write_text("".join(kept), encoding="utf-8")
    (tmp_path / PROJECT_FILE).write_text(
        '[project]\nprofile = "profile.toml"\n', encoding="utf-8"
    )
    project = load_project(tmp_path)
    with pytest.raises(ProjectError) as caught:
        project_pathway(project, "fda-510k")
    assert str(caught.value).endswith(
        "pathways/fda-510k.toml: section 1: document role 'device-description' is not"
        " declared in the profile's [documents.roles]"
    )


def test_the_readme_example_applies(tmp_path: Path) -> None:
    """The ``qms.toml`` example of the README's section "The dossier"."""
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## The dossier\n", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    submitted = _plan(tmp_path, example)
    by_id = {section.section_id: section for section in submitted.plan.sections}
    assert by_id["12"].not_applicable == (
        "Software-only device: nothing is reprocessed, sterilised or ages on the shelf"
    )
    assert by_id["6"].pages == ("docs/product-overview",)
    assert [section.section_id for section in submitted.plan.sections][9] == "9.1"
    assert submitted.elements is not None
