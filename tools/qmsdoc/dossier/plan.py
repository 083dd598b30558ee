"""Pathway section plans: data, not code (``dossier/pathways/*.toml``).

Each plan lists the sections of a submission (eSTAR, MDR or IVDR Annex II/III) and,
for each, what fills it from the device file: document roles (what a page declares it
is, ``[documents.roles]`` of the profile; never a page path), item types (with an
optional field filter), trace matrices and generated records; or why it does not
apply; or that it is prepared outside the design and development file (administrative). A
plan says what the regulation asks for; what only a device can say (a section does
not apply to it, its pages hold another role) is the project's, in ``qms.toml``.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import ProfileError, ProjectError
from qmsdoc.processes import record_kinds
from qmsdoc.project import PROJECT_FILE, override_key

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

    from qmsdoc.project import AddedSection, PathwayOverride, Project, SectionOverride

__all__ = [
    "DOCUMENTATION_LEVELS",
    "RECORDS",
    "PathwayPlan",
    "ProjectPlan",
    "SectionPlan",
    "applies",
    "check_overrides",
    "load_pathway",
    "load_software_elements",
    "pathway_names",
    "plan_roles",
    "project_pathway",
]

#: the documentation levels of the FDA 2023 software guidance
DOCUMENTATION_LEVELS = ("basic", "enhanced")

#: records the dossier generates and a section may name: the records of every QMS
#: process (:func:`qmsdoc.processes.record_kinds`)
RECORDS = record_kinds()


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionPlan:
    """One section of a submission and what fills it."""

    section_id: str
    title: str
    required: bool
    documents: tuple[str, ...]
    """Document roles that fill it (``[documents.roles]`` of the profile)."""
    item_types: tuple[str, ...]
    where: tuple[tuple[str, str], ...]
    matrices: tuple[str, ...]
    records: tuple[str, ...]
    not_applicable: str | None
    administrative: str | None
    pages: tuple[str, ...] = ()
    """Pages (document names) named by a project override, for a project without
    document control; a packaged plan names none."""
    when_item_type: str = ""
    """The section belongs to the submission only when the device file holds an item
    of this type (``when_item_type = "ai_model"``: the AI-DSF elements); empty:
    always."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayPlan:
    """A submission pathway and its sections, in order."""

    name: str
    title: str
    region: str
    reference: str
    sections: tuple[SectionPlan, ...]
    software_elements: str | None = None
    """Name of the software documentation element plan this pathway adds, if any."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectPlan:
    """A pathway plan as one project submits it: the packaged plan and its software
    documentation elements, with the project's overrides applied."""

    plan: PathwayPlan
    elements: PathwayPlan | None
    """The software documentation elements at the project's level, if any."""
    elements_note: str = ""
    """What the elements are read at (the documentation level, or that it is missing)."""


def project_pathway(project: Project, name: str) -> ProjectPlan:
    """The pathway ``name`` as ``project`` submits it.

    The plan's document roles must be roles of the project's profile; then the
    project's ``[project.pathway_overrides]`` apply: ``roles`` maps a role the plan
    names to the roles the project's pages declare, ``sections."<id>"`` replaces what
    fills a section (``documents``, ``pages``; naming either makes an administrative
    or not-applicable section one the file fills) or says it does not apply
    (``not_applicable``) or is prepared outside the file (``administrative``), and
    ``add`` adds sections (after ``after``, else at the end).

    :raises ProjectError: If the pathway or its plan is unknown or malformed, or the
        plan names a role the profile does not declare.
    :raises ProfileError: If an override names an unknown pathway, section, role,
        item type, matrix or record (the ``qms.toml`` key).
    """
    check_overrides(project)
    roles = _profile_roles(project)
    plan = _checked(load_pathway(name), roles, _plan_file("pathways", name))
    elements: PathwayPlan | None = None
    note = ""
    if plan.software_elements:
        elements, note = load_software_elements(
            plan.software_elements, project.classification.documentation_level
        )
        elements = _checked(elements, roles, _plan_file("elements", elements.name))
    override = next(
        (entry for entry in project.pathway_overrides if entry.pathway == name), None
    )
    if override is None:
        return ProjectPlan(plan=plan, elements=elements, elements_note=note)
    return _overridden(project, plan, elements, note, override)


def check_overrides(project: Project) -> None:
    """Every pathway ``[project.pathway_overrides]`` names is a packaged one.

    :raises ProfileError: Naming the ``qms.toml`` key of the first unknown pathway.
    """
    known = pathway_names()
    for override in project.pathway_overrides:
        if override.pathway not in known:
            raise ProfileError(
                _where(project),
                f"unknown pathway; pathways: {', '.join(known)}",
                key=override_key(override.pathway),
            )


def pathway_names() -> list[str]:
    """The pathways shipped in the package."""
    folder = resources.files("qmsdoc.dossier") / "pathways"
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def plan_roles(plan: PathwayPlan) -> tuple[str, ...]:
    """Every document role a plan needs: those of its required sections (neither not
    applicable nor administrative, nor conditional on an item type), then those of
    its software documentation elements (all required, as with no documentation
    level stated); in order, each once.

    :raises ProjectError: If the plan's element plan is unknown or malformed.
    """
    sections = list(plan.sections)
    if plan.software_elements:
        sections += load_software_elements(plan.software_elements, None)[0].sections
    roles: dict[str, None] = {}
    for section in sections:
        if (
            section.required
            and not section.when_item_type
            and not (section.not_applicable or section.administrative)
        ):
            roles.update(dict.fromkeys(section.documents))
    return tuple(roles)


def load_pathway(name: str) -> PathwayPlan:
    """Load a shipped pathway plan.

    :raises ProjectError: If no pathway has that name, or its plan is malformed.
    """
    if name not in pathway_names():
        raise ProjectError(
            f"unknown pathway {name!r}; pathways: {', '.join(pathway_names())}"
        )
    text = (resources.files("qmsdoc.dossier") / "pathways" / f"{name}.toml").read_text(
        encoding="utf-8"
    )
    data = tomllib.loads(text)
    try:
        meta = data["pathway"]
        sections = tuple(_section(raw) for raw in data["sections"])
        return PathwayPlan(
            name=str(meta["name"]),
            title=str(meta["title"]),
            region=str(meta["region"]),
            reference=str(meta.get("reference", "")),
            sections=sections,
            software_elements=meta.get("software_elements"),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ProjectError(f"pathway {name}: malformed plan: {error}") from None


def load_software_elements(name: str, level: str | None) -> tuple[PathwayPlan, str]:
    """The software documentation elements of plan ``name`` at documentation ``level``.

    Elements not submitted at that level become "not applicable" with the plan's
    Basic text as the reason; with no level stated, every element is required and
    the returned note says that the level is missing.

    :returns: The elements as a plan, and what each element asks for at the level.
    :raises ProjectError: If the plan does not exist or is malformed.
    """
    resource = resources.files("qmsdoc.dossier") / "elements" / f"{name}.toml"
    if not resource.is_file():
        raise ProjectError(f"unknown software documentation element plan {name!r}")
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    chosen = level if level in DOCUMENTATION_LEVELS else None
    try:
        meta = data["plan"]
        sections = []
        for raw in data["sections"]:
            levels = [str(value) for value in raw["levels"]]
            if any(value not in DOCUMENTATION_LEVELS for value in levels):
                raise ValueError(f"element {raw['id']}: levels {levels}")
            entry = {key: value for key, value in raw.items() if key != "levels"}
            entry["required"] = chosen is None or chosen in levels
            if chosen is not None and chosen not in levels:
                entry["not_applicable"] = str(raw[chosen])
            sections.append(_section(entry))
        note = (
            f"documentation level {chosen}"
            if chosen
            else "documentation level not stated in [project.classification]"
        )
        plan = PathwayPlan(
            name=str(meta["name"]),
            title=str(meta["title"]),
            region="US",
            reference=str(meta.get("reference", "")),
            sections=tuple(sections),
        )
        return plan, note
    except (KeyError, TypeError, ValueError) as error:
        raise ProjectError(f"element plan {name}: malformed: {error}") from None


def _section(raw: dict[str, Any]) -> SectionPlan:
    records = tuple(str(record) for record in raw.get("records", []))
    unknown = [record for record in records if record not in RECORDS]
    if unknown:
        raise ValueError(f"section {raw.get('id')}: unknown records {unknown}")
    known = {
        "id", "title", "required", "documents", "item_types", "where", "matrices",
        "records", "not_applicable", "administrative", "basic", "enhanced",
        "when_item_type",
    }  # fmt: skip
    unexpected = sorted(set(raw) - known)
    if unexpected:
        raise ValueError(f"section {raw.get('id')}: unknown keys {unexpected}")
    return SectionPlan(
        section_id=str(raw["id"]),
        title=str(raw["title"]),
        required=bool(raw.get("required", False)),
        documents=_strings(raw, "documents"),
        item_types=_strings(raw, "item_types"),
        where=tuple((str(k), str(v)) for k, v in dict(raw.get("where", {})).items()),
        matrices=_strings(raw, "matrices"),
        records=records,
        not_applicable=raw.get("not_applicable"),
        administrative=raw.get("administrative"),
        when_item_type=_condition(raw),
    )


def _condition(raw: dict[str, Any]) -> str:
    """``when_item_type``: an item type name, or "" (always)."""
    value = raw.get("when_item_type", "")
    if not isinstance(value, str) or ("when_item_type" in raw and not value.strip()):
        raise ValueError(
            f"section {raw.get('id')}: when_item_type must name an item type"
        )
    return value.strip()


def applies(section: SectionPlan, item_types: Collection[str]) -> bool:
    """Whether ``section`` belongs to the submission of a device file holding items
    of ``item_types`` (a section with ``when_item_type`` needs an item of that type)."""
    return not section.when_item_type or section.when_item_type in item_types


def _strings(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"section {raw.get('id')}: {key} must be a list of strings")
    return tuple(value)


def _plan_file(folder: str, name: str) -> str:
    return str(resources.files("qmsdoc.dossier") / folder / f"{name}.toml")


def _where(project: Project) -> str:
    return str(project.config_file or project.root / PROJECT_FILE)


def _profile_roles(project: Project) -> frozenset[str]:
    config = project.profile.documents
    return frozenset(config.role_names if config is not None else ())


def _checked(plan: PathwayPlan, roles: Collection[str], source: str) -> PathwayPlan:
    """``plan``, when every document role it names is a role of the profile."""
    for section in plan.sections:
        for role in section.documents:
            if role not in roles:
                raise ProjectError(
                    f"{source}: section {section.section_id}: document role {role!r} "
                    "is not declared in the profile's [documents.roles]"
                )
    return plan


def _overridden(
    project: Project,
    plan: PathwayPlan,
    elements: PathwayPlan | None,
    note: str,
    override: PathwayOverride,
) -> ProjectPlan:
    """``plan`` and ``elements`` with ``override`` applied, each key checked."""
    rules = _Rules(project=project, pathway=override.pathway)
    named = {role for part in (plan, elements) if part for role in _named(part)}
    mapping: dict[str, tuple[str, ...]] = {}
    for role, targets in override.roles:
        key = override_key(override.pathway, "roles", role)
        if role not in named:
            raise rules.fail(key, f"the plan names no document role {role!r}")
        mapping[role] = rules.roles(targets, key)
    changes = {change.section_id: change for change in override.sections}
    ids = {s.section_id for part in (plan, elements) if part for s in part.sections}
    for section_id in changes:
        if section_id not in ids:
            raise rules.fail(
                override_key(override.pathway, "sections", section_id),
                f"the plan has no section {section_id!r}",
            )
    sections = [
        _changed(section, mapping, changes.get(section.section_id), rules)
        for section in plan.sections
    ]
    for index, added in enumerate(override.added):
        key = f"{override_key(override.pathway, 'add')}[{index}]"
        _insert(sections, rules.added(added, ids, key), added.after)
        ids.add(added.section_id)
    if elements is not None:
        elements = dataclasses.replace(
            elements,
            sections=tuple(
                _changed(section, mapping, changes.get(section.section_id), rules)
                for section in elements.sections
            ),
        )
    return ProjectPlan(
        plan=dataclasses.replace(plan, sections=tuple(sections)),
        elements=elements,
        elements_note=note,
    )


def _named(plan: PathwayPlan) -> Iterable[str]:
    for section in plan.sections:
        yield from section.documents


def _changed(
    section: SectionPlan,
    mapping: dict[str, tuple[str, ...]],
    change: SectionOverride | None,
    rules: _Rules,
) -> SectionPlan:
    """One section with the role mapping and its override applied."""
    documents: dict[str, None] = {}
    for role in section.documents:
        documents.update(dict.fromkeys(mapping.get(role, (role,))))
    section = dataclasses.replace(section, documents=tuple(documents))
    if change is None:
        return section
    key = override_key(rules.pathway, "sections", section.section_id)
    values: dict[str, Any] = {}
    if change.documents is not None or change.pages is not None:
        values.update(not_applicable=None, administrative=None)
    if change.documents is not None:
        values["documents"] = rules.roles(change.documents, f"{key}.documents")
    if change.pages is not None:
        values["pages"] = change.pages
    if change.required is not None:
        values["required"] = change.required
    if change.not_applicable is not None:
        values.update(not_applicable=change.not_applicable, administrative=None)
    if change.administrative is not None:
        values.update(administrative=change.administrative, not_applicable=None)
    return dataclasses.replace(section, **values)


def _insert(sections: list[SectionPlan], added: SectionPlan, after: str | None) -> None:
    ids = [section.section_id for section in sections]
    sections.insert(ids.index(after) + 1 if after else len(sections), added)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Rules:
    """Checks of override values against the profile, reported at their key."""

    project: Project
    pathway: str

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(_where(self.project), problem, key=key)

    def roles(self, roles: tuple[str, ...], key: str) -> tuple[str, ...]:
        known = _profile_roles(self.project)
        for role in roles:
            if role not in known:
                raise self.fail(
                    key,
                    f"unknown document role {role!r}; the profile's "
                    "[documents.roles] declare the roles",
                )
        return roles

    def added(self, added: AddedSection, ids: Collection[str], key: str) -> SectionPlan:
        """An added section as a plan section, checked (``key``: where it is)."""
        if added.section_id in ids:
            raise self.fail(f"{key}.id", f"the plan has a section {added.section_id!r}")
        if added.after is not None and added.after not in ids:
            raise self.fail(f"{key}.after", f"the plan has no section {added.after!r}")
        profile = self.project.profile
        for type_name in added.item_types:
            if profile.item_type(type_name) is None:
                raise self.fail(f"{key}.item_types", f"unknown item type {type_name!r}")
        for matrix in added.matrices:
            if profile.matrix(matrix) is None:
                raise self.fail(f"{key}.matrices", f"unknown matrix {matrix!r}")
        for record in added.records:
            if record not in RECORDS:
                expected = ", ".join(sorted(RECORDS))
                raise self.fail(
                    f"{key}.records", f"unknown record {record!r}; records: {expected}"
                )
        return SectionPlan(
            section_id=added.section_id,
            title=added.title,
            required=added.required,
            documents=self.roles(added.documents, f"{key}.documents"),
            pages=added.pages,
            item_types=added.item_types,
            where=added.where,
            matrices=added.matrices,
            records=added.records,
            not_applicable=added.not_applicable,
            administrative=added.administrative,
        )
