"""The project: where its root is, which folders hold items, and which profile applies.

Read from the ``[project]`` table of ``qms.toml`` at the project root (the folder that
holds ``conf.py``). Both the Sphinx extension and the CLI use this one reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import ProfileError, ProjectError
from qmsdoc.profile import Profile, load_profile, read_toml
from qmsdoc.profile.paths import project_path_problem
from qmsdoc.vcs.base import SOURCE_SUFFIXES

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "PROJECT_FILE",
    "AddedSection",
    "Classification",
    "ExternalNeeds",
    "PathwayOverride",
    "Project",
    "SectionOverride",
    "find_root",
    "load_project",
    "override_key",
]

PROJECT_FILE = "qms.toml"
_PROJECT_KEYS = frozenset(
    {
        "name", "sources", "exclude", "profile", "pathways", "classification",
        "external_needs", "pathway_overrides",
    }
)  # fmt: skip
_EXTERNAL_KEYS = frozenset({"path", "version", "id_prefix", "base_url"})
_OVERRIDE_KEYS = frozenset({"sections", "add", "roles"})
_SECTION_OVERRIDE_KEYS = frozenset(
    {"required", "documents", "pages", "not_applicable", "administrative"}
)
_ADDED_KEYS = _SECTION_OVERRIDE_KEYS | {
    "id", "title", "after", "item_types", "where", "matrices", "records",
}  # fmt: skip
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_CLASSIFICATION_KEYS = frozenset(
    {
        "us_class", "documentation_level", "eu_regulation", "eu_class",
        "software_safety_class", "external_controls", "rationale",
    }
)  # fmt: skip
_DEFAULT_EXCLUDE = (
    "_build",
    ".venv",
    ".git",
    "tests",
    "bench",
    "tools",
    "traceability",
    ".ci",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """The classification the file claims (``[project.classification]``)."""

    us_class: str | None = None
    documentation_level: str | None = None
    eu_regulation: str | None = None
    eu_class: str | None = None
    software_safety_class: str | None = None
    external_controls: bool = False
    """The safety class relies on risk controls external to the software (62304 4.3)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalNeeds:
    """A sphinx-needs ``needs.json`` of another project whose needs this one links to
    (``[project] external_needs``; sphinx-needs' ``needs_external_needs``)."""

    path: str
    """The file, POSIX path relative to the project root."""
    version: str | None = None
    """The version of the file to read; None: its ``current_version``."""
    id_prefix: str = ""
    """Put before every id of the file (and links between its needs)."""
    base_url: str = ""
    """Where the other project's pages are published (links in the Sphinx build)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionOverride:
    """What a project says of one section of a pathway plan
    (``[project.pathway_overrides.<pathway>.sections."<id>"]``)."""

    section_id: str
    required: bool | None = None
    documents: tuple[str, ...] | None = None
    """Document roles that fill it in place of the plan's."""
    pages: tuple[str, ...] | None = None
    """Pages (document names) that fill it, for a file without document control."""
    not_applicable: str | None = None
    """Why the section does not apply to this device."""
    administrative: str | None = None
    """The section is prepared outside the design and development file: by whom, when."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AddedSection:
    """A section a project adds to a pathway plan
    (``[[project.pathway_overrides.<pathway>.add]]``); the keys of a plan section."""

    section_id: str
    title: str
    required: bool = False
    after: str | None = None
    """The section it follows; None: at the end."""
    documents: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    item_types: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    matrices: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    not_applicable: str | None = None
    administrative: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayOverride:
    """A project's changes to one packaged pathway plan
    (``[project.pathway_overrides.<pathway>]``). Checked against the plan and the
    profile when the plan is read (:func:`qmsdoc.dossier.plan.project_pathway`)."""

    pathway: str
    sections: tuple[SectionOverride, ...] = ()
    added: tuple[AddedSection, ...] = ()
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """A role the plan names, and the roles the project's pages declare instead."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """A device file: its root folder, its item folders and its profile."""

    root: Path
    name: str
    sources: tuple[str, ...]
    """Folders (relative to the root, POSIX form) whose ``.rst`` and ``.md`` (MyST)
    files hold items."""
    exclude: tuple[str, ...]
    profile: Profile
    config_file: Path | None
    pathways: tuple[str, ...] = ()
    """Submission pathways the dossier is built for (``make dossier``)."""
    classification: Classification = field(default_factory=Classification)
    """The classification the file claims (``[project.classification]``)."""
    external_needs: tuple[ExternalNeeds, ...] = ()
    """needs.json files of other projects (``[project] external_needs``)."""
    pathway_overrides: tuple[PathwayOverride, ...] = ()
    """Changes to the packaged pathway plans (``[project.pathway_overrides]``)."""

    def source_files(self) -> list[Path]:
        """Every ``.rst`` and ``.md`` file under the item folders, sorted, minus
        excluded folders."""
        files: set[Path] = set()
        for folder in self.sources:
            base = self.root / folder
            if not base.exists():
                where = self.config_file or self.root
                raise ProjectError(
                    f"{where}: [project.sources]: {folder!r} does not exist"
                )
            if base.is_file():
                files.add(base)
                continue
            for path in base.rglob("*"):
                if path.suffix in SOURCE_SUFFIXES and not self._excluded(
                    path.relative_to(self.root).parts
                ):
                    files.add(path)
        return sorted(files)

    def is_source(self, relative: str) -> bool:
        """Whether a POSIX path relative to the root is an item file of the project."""
        parts = tuple(relative.split("/"))
        if not relative.endswith(SOURCE_SUFFIXES) or self._excluded(parts):
            return False
        return any(
            folder in (".", "")
            or relative == folder
            or relative.startswith(f"{folder.rstrip('/')}/")
            for folder in self.sources
        )

    def _excluded(self, parts: tuple[str, ...]) -> bool:
        """Whether a file lies in an excluded folder (by name, or by path from the root)."""
        folders = parts[:-1]
        prefixes = {"/".join(folders[: depth + 1]) for depth in range(len(folders))}
        return any(
            entry.strip("/") in prefixes or entry in folders for entry in self.exclude
        )


def find_root(start: Path) -> Path:
    """Walk up from ``start`` to the folder that holds ``qms.toml`` or ``conf.py``.

    :raises ProjectError: If there is none.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file() or (folder / "conf.py").is_file():
            return folder
    raise ProjectError(
        f"{start}: not inside a qmsdoc project (no {PROJECT_FILE} or conf.py found)"
    )


def load_project(root: Path, config_file: Path | None = None) -> Project:
    """Load the project rooted at ``root``.

    :param root: The project root.
    :param config_file: The project file; default ``root / "qms.toml"`` if it exists.
        Its ``[project] profile = "file.toml"`` names a separate profile file;
        otherwise the project file is the profile (or extends a packaged one).
    :raises ProfileError: If the project file or its profile is invalid.
    """
    if config_file is None and (root / PROJECT_FILE).is_file():
        config_file = root / PROJECT_FILE
    table: dict[str, object] = {}
    if config_file is not None:
        raw = read_toml(config_file).get("project", {})
        if not isinstance(raw, dict):
            raise ProfileError(str(config_file), "must be a table", key="project")
        table = raw
        unknown = sorted(set(table) - _PROJECT_KEYS)
        if unknown:
            raise ProfileError(
                str(config_file),
                f"unknown key; expected one of {', '.join(sorted(_PROJECT_KEYS))}",
                key=f"project.{unknown[0]}",
            )
    where = str(config_file or root)
    profile_name = table.get("profile")
    if profile_name is None:
        profile = load_profile(config_file)
    elif isinstance(profile_name, str) and config_file is not None:
        profile = load_profile(config_file.parent / profile_name)
    else:
        raise ProfileError(
            where, "must be a path to a profile file", key="project.profile"
        )
    return Project(
        root=root,
        name=_text(table, "name", root.name, where),
        sources=_sources(table, where),
        exclude=_strings(table, "exclude", _DEFAULT_EXCLUDE, where),
        pathways=_strings(table, "pathways", (), where),
        classification=_classification(table.get("classification", {}), where),
        external_needs=_external_needs(table.get("external_needs", []), where),
        pathway_overrides=_overrides(table.get("pathway_overrides", {}), where),
        profile=profile,
        config_file=config_file,
    )


def override_key(*parts: str) -> str:
    """The TOML key of a part of ``[project.pathway_overrides]``, for messages:
    ``project.pathway_overrides.fda-510k.sections."9.1"``."""
    quoted = [part if _BARE_KEY.fullmatch(part) else f'"{part}"' for part in parts]
    return ".".join(["project", "pathway_overrides", *quoted])


def _overrides(raw: object, where: str) -> tuple[PathwayOverride, ...]:
    """``[project.pathway_overrides.<pathway>]``: keys and value types; the pathway,
    section ids and roles are checked against the plan when it is read."""
    table = _table(raw, where, override_key())
    return tuple(
        _override(name, _table(value, where, override_key(name)), where)
        for name, value in table.items()
    )


def _override(name: str, table: dict[str, object], where: str) -> PathwayOverride:
    _only(table, _OVERRIDE_KEYS, where, override_key(name))
    sections = _table(table.get("sections", {}), where, override_key(name, "sections"))
    added = table.get("add", [])
    if not isinstance(added, list):
        raise ProfileError(
            where, "must be a list of tables", key=override_key(name, "add")
        )
    roles = _table(table.get("roles", {}), where, override_key(name, "roles"))
    return PathwayOverride(
        pathway=name,
        sections=tuple(
            _section_override(name, section_id, value, where)
            for section_id, value in sections.items()
        ),
        added=tuple(
            _added_section(name, index, entry, where)
            for index, entry in enumerate(added)
        ),
        roles=tuple(
            (role, _role_list(value, where, override_key(name, "roles", role)))
            for role, value in roles.items()
        ),
    )


def _section_override(
    name: str, section_id: str, raw: object, where: str
) -> SectionOverride:
    key = override_key(name, "sections", section_id)
    table = _table(raw, where, key)
    _only(table, _SECTION_OVERRIDE_KEYS, where, key)
    values = _section_values(table, where, key)
    return SectionOverride(section_id=section_id, **values)


def _added_section(name: str, index: int, raw: object, where: str) -> AddedSection:
    key = f"{override_key(name, 'add')}[{index}]"
    table = _table(raw, where, key)
    _only(table, _ADDED_KEYS, where, key)
    for required in ("id", "title"):
        if not isinstance(table.get(required), str) or not str(table[required]):
            raise ProfileError(
                where, "must be a non-empty string", key=f"{key}.{required}"
            )
    values = _section_values(table, where, key)
    return AddedSection(
        section_id=str(table["id"]),
        title=str(table["title"]),
        required=bool(values.pop("required", False)),
        documents=values.pop("documents", ()),
        pages=values.pop("pages", ()),
        after=_optional_text(table, "after", where, key),
        item_types=_string_list(table, "item_types", where, key),
        where=_where(table.get("where", {}), where, f"{key}.where"),
        matrices=_string_list(table, "matrices", where, key),
        records=_string_list(table, "records", where, key),
        **values,
    )


def _section_values(table: dict[str, object], where: str, key: str) -> dict[str, Any]:
    """The keys a section override and an added section share, type-checked."""
    values: dict[str, Any] = {}
    if "required" in table:
        if not isinstance(table["required"], bool):
            raise ProfileError(where, "must be true or false", key=f"{key}.required")
        values["required"] = table["required"]
    for name in ("documents", "pages"):
        if name in table:
            values[name] = _string_list(table, name, where, key)
    for name in ("not_applicable", "administrative"):
        text = _optional_text(table, name, where, key)
        if text is not None:
            if not text.strip():
                raise ProfileError(
                    where,
                    "must state the reason (a non-empty string)",
                    key=f"{key}.{name}",
                )
            values[name] = text.strip()
    if "not_applicable" in values and "administrative" in values:
        raise ProfileError(
            where,
            "a section is either not applicable or administrative, not both",
            key=f"{key}.administrative",
        )
    return values


def _role_list(value: object, where: str, key: str) -> tuple[str, ...]:
    """A role, or a list of roles."""
    roles = [value] if isinstance(value, str) else value
    if (
        not isinstance(roles, list)
        or not roles
        or not all(isinstance(role, str) and role for role in roles)
    ):
        raise ProfileError(where, "must be a role or a list of roles", key=key)
    return tuple(roles)


def _where(raw: object, where: str, key: str) -> tuple[tuple[str, str], ...]:
    table = _table(raw, where, key)
    for name, value in table.items():
        if not isinstance(value, str):
            raise ProfileError(where, "must be a string", key=f"{key}.{name}")
    return tuple((name, str(value)) for name, value in table.items())


def _string_list(
    table: dict[str, object], name: str, where: str, key: str
) -> tuple[str, ...]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(where, "must be a list of strings", key=f"{key}.{name}")
    return tuple(value)


def _optional_text(
    table: dict[str, object], name: str, where: str, key: str
) -> str | None:
    value = table.get(name)
    if value is not None and not isinstance(value, str):
        raise ProfileError(where, "must be a string", key=f"{key}.{name}")
    return value


def _table(raw: object, where: str, key: str) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise ProfileError(where, "must be a table", key=key)
    return raw


def _only(
    table: dict[str, object], known: frozenset[str], where: str, key: str
) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ProfileError(
            where,
            f"unknown key; expected one of {', '.join(sorted(known))}",
            key=f"{key}.{unknown[0]}",
        )


def _classification(raw: object, where: str) -> Classification:
    if not isinstance(raw, dict):
        raise ProfileError(where, "must be a table", key="project.classification")
    for key, value in raw.items():
        if key not in _CLASSIFICATION_KEYS:
            raise ProfileError(
                where,
                f"unknown key; expected one of {', '.join(sorted(_CLASSIFICATION_KEYS))}",
                key=f"project.classification.{key}",
            )
        if key == "external_controls" and not isinstance(value, bool):
            raise ProfileError(
                where, "must be true or false", key=f"project.classification.{key}"
            )
        if key != "external_controls" and not isinstance(value, str):
            raise ProfileError(
                where, "must be a string", key=f"project.classification.{key}"
            )
    return Classification(
        us_class=raw.get("us_class"),
        documentation_level=raw.get("documentation_level"),
        eu_regulation=raw.get("eu_regulation"),
        eu_class=raw.get("eu_class"),
        software_safety_class=raw.get("software_safety_class"),
        external_controls=bool(raw.get("external_controls", False)),
    )


def _external_needs(raw: object, where: str) -> tuple[ExternalNeeds, ...]:
    """Entries are a path, or a table ``{path, version, id_prefix, base_url}``."""
    key = "project.external_needs"
    if not isinstance(raw, list):
        raise ProfileError(where, "must be a list of paths or tables", key=key)
    entries: list[ExternalNeeds] = []
    for entry in raw:
        table = {"path": entry} if isinstance(entry, str) else entry
        if not isinstance(table, dict):
            raise ProfileError(where, "must be a list of paths or tables", key=key)
        unknown = sorted(set(table) - _EXTERNAL_KEYS)
        if unknown:
            expected = ", ".join(sorted(_EXTERNAL_KEYS))
            raise ProfileError(
                where,
                f"unknown key; expected one of {expected}",
                key=f"{key}.{unknown[0]}",
            )
        for name, value in table.items():
            if not isinstance(value, str):
                raise ProfileError(where, "must be a string", key=f"{key}.{name}")
        path = table.get("path")
        problem = "a path is required" if path is None else project_path_problem(path)
        if problem is not None or path is None:
            raise ProfileError(where, problem or "", key=f"{key}.path")
        entries.append(
            ExternalNeeds(
                path=path,
                version=table.get("version"),
                id_prefix=table.get("id_prefix", ""),
                base_url=table.get("base_url", ""),
            )
        )
    return tuple(entries)


def _text(table: dict[str, object], key: str, default: str, where: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ProfileError(where, "must be a string", key=f"project.{key}")
    return value


def _sources(table: dict[str, object], where: str) -> tuple[str, ...]:
    """The item folders, each inside the root (also when a separate profile file
    is named, which the profile loader's own check of ``[project]`` does not see)."""
    sources = _strings(table, "sources", (".",), where)
    for folder in sources:
        problem = project_path_problem(folder)
        if problem is not None:
            raise ProfileError(where, problem, key="project.sources")
    return sources


def _strings(
    table: dict[str, object], key: str, default: tuple[str, ...], where: str
) -> tuple[str, ...]:
    value = table.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(where, "must be a list of strings", key=f"project.{key}")
    return tuple(value)
