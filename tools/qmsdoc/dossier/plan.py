"""Pathway section plans: data, not code (``dossier/pathways/*.toml``).

Each plan lists the sections of a submission (eSTAR, MDR or IVDR Annex II/III) and,
for each, what fills it from the device file: document roles (what a page declares it
is, ``[documents.roles]`` of the profile; never a page path), item types (with an
optional field filter), trace matrices and generated records; or why it does not
apply; or that it is prepared outside the design history file (administrative). A
plan says what the regulation asks for; what only a device can say (a section does
not apply to it, its pages hold another role) is the project's, in ``qms.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from qmsdoc.errors import ProjectError
from qmsdoc.processes import record_kinds

__all__ = [
    "DOCUMENTATION_LEVELS",
    "RECORDS",
    "PathwayPlan",
    "SectionPlan",
    "load_pathway",
    "load_software_elements",
    "pathway_names",
    "plan_roles",
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
    applicable nor administrative), then those of its software documentation
    elements (all required, as with no documentation level stated); in order, each
    once.

    :raises ProjectError: If the plan's element plan is unknown or malformed.
    """
    sections = list(plan.sections)
    if plan.software_elements:
        sections += load_software_elements(plan.software_elements, None)[0].sections
    roles: dict[str, None] = {}
    for section in sections:
        if section.required and not (section.not_applicable or section.administrative):
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
    )


def _strings(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"section {raw.get('id')}: {key} must be a list of strings")
    return tuple(value)
