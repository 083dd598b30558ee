"""Pathway section plans: data, not code (``dossier/pathways/*.toml``).

Each plan lists the sections of a submission (eSTAR, MDR or IVDR Annex II/III) and,
for each, what fills it from the device file: pages, item types (with an optional
field filter), trace matrices and generated records; or why it does not apply; or
that it is prepared outside the design history file (administrative).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from qmsdoc.errors import ProjectError

__all__ = ["RECORDS", "PathwayPlan", "SectionPlan", "load_pathway", "pathway_names"]

#: records the dossier generates and a section may name
RECORDS = ("findings", "gaps", "evidence", "workbook", "approvals")


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionPlan:
    """One section of a submission and what fills it."""

    section_id: str
    title: str
    required: bool
    pages: tuple[str, ...]
    item_types: tuple[str, ...]
    where: tuple[tuple[str, str], ...]
    matrices: tuple[str, ...]
    records: tuple[str, ...]
    not_applicable: str | None
    administrative: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayPlan:
    """A submission pathway and its sections, in order."""

    name: str
    title: str
    region: str
    reference: str
    sections: tuple[SectionPlan, ...]


def pathway_names() -> list[str]:
    """The pathways shipped in the package."""
    folder = resources.files("qmsdoc.dossier") / "pathways"
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


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
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ProjectError(f"pathway {name}: malformed plan: {error}") from None


def _section(raw: dict[str, Any]) -> SectionPlan:
    records = tuple(str(record) for record in raw.get("records", []))
    unknown = [record for record in records if record not in RECORDS]
    if unknown:
        raise ValueError(f"section {raw.get('id')}: unknown records {unknown}")
    return SectionPlan(
        section_id=str(raw["id"]),
        title=str(raw["title"]),
        required=bool(raw.get("required", False)),
        pages=tuple(str(page) for page in raw.get("pages", [])),
        item_types=tuple(str(name) for name in raw.get("item_types", [])),
        where=tuple((str(k), str(v)) for k, v in dict(raw.get("where", {})).items()),
        matrices=tuple(str(name) for name in raw.get("matrices", [])),
        records=records,
        not_applicable=raw.get("not_applicable"),
        administrative=raw.get("administrative"),
    )
