"""What ``qms init`` writes: every file of a new device file, as text.

:func:`project_files` turns the answers (:class:`InitOptions`) into a mapping from
POSIX path to text; :mod:`qmsdoc.scaffold.write` puts them on disk. Framework-free:
the command line (``qmsdoc.cli.init``) only asks the questions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from qmsdoc.dossier.plan import (
    DOCUMENTATION_LEVELS,
    load_pathway,
    pathway_names,
    plan_roles,
)
from qmsdoc.errors import ProjectError
from qmsdoc.profile import load_profile
from qmsdoc.scaffold.pages import FOLDERS, StubPage, page_text, stub_pages
from qmsdoc.scaffold.templates_io import render

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "FORMATS",
    "SAFETY_CLASSES",
    "InitOptions",
    "document_prefix",
    "pathway_roles",
    "project_files",
]

FORMATS: Final = ("rst", "md")
#: IEC 62304 4.3 software safety classes
SAFETY_CLASSES: Final = ("A", "B", "C")
#: roles every file has whatever the pathway: the front page and folder overviews
_FRAME_ROLES: Final = frozenset({"design-history-file-index", "section-overview"})
#: the claimed class a pathway needs, written for the team to confirm
_PATHWAY_CLASSES: Final = {
    "fda-510k": ("us_class", "II"),
    "fda-denovo": ("us_class", "II"),
}
_EU_CLASSES: Final = {"eu-mdr": ("MDR", "IIa"), "eu-ivdr": ("IVDR", "B")}
_TESTS_FOLDER: Final = "tests"


@dataclass(frozen=True, slots=True, kw_only=True)
class InitOptions:
    """The answers ``qms init`` asks for."""

    name: str
    pathways: tuple[str, ...] = ("fda-510k",)
    safety_class: str = "B"
    documentation_level: str = "basic"
    markup: str = "rst"

    def problems(self) -> list[str]:
        """What is wrong with the answers (empty when they can be used)."""
        found = []
        if not self.name.strip() or any(
            ord(c) < 32 or ord(c) == 127 for c in self.name
        ):
            found.append(f"device name {self.name!r}: give a name on one line")
        if not self.pathways:
            found.append("no pathway: name one with --pathway")
        unknown = [name for name in self.pathways if name not in pathway_names()]
        if unknown:
            found.append(
                f"unknown pathway {unknown[0]!r}; pathways: {', '.join(pathway_names())}"
            )
        if self.safety_class not in SAFETY_CLASSES:
            found.append(f"safety class {self.safety_class!r}: one of A, B, C")
        if self.documentation_level not in DOCUMENTATION_LEVELS:
            found.append(
                f"documentation level {self.documentation_level!r}: one of "
                f"{', '.join(DOCUMENTATION_LEVELS)}"
            )
        if self.markup not in FORMATS:
            found.append(f"format {self.markup!r}: one of {', '.join(FORMATS)}")
        return found


def document_prefix(name: str) -> str:
    """The first part of the document numbers: the name's letters and digits, upper
    case, starting with a letter (``my device 2`` gives ``MYDEVICE2``)."""
    letters = re.sub(r"[^A-Z0-9]", "", name.upper())
    letters = letters.lstrip("0123456789")
    return letters[:12] or "DHF"


def pathway_roles(pathways: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The document roles the pathways need (:func:`plan_roles`, in pathway order,
    each once), and for each role the sections that ask for it
    (``"fda-510k 6 Device Description"``).

    :raises ProjectError: If a pathway is unknown or its plan malformed.
    """
    roles: dict[str, None] = {}
    sections: dict[str, list[str]] = {}
    for pathway in pathways:
        plan = load_pathway(pathway)
        roles.update(dict.fromkeys(plan_roles(plan)))
        for section in plan.sections:
            for role in section.documents:
                sections.setdefault(role, []).append(
                    f"{pathway} {section.section_id} {section.title}"
                )
    return [role for role in roles if role not in _FRAME_ROLES], sections


def project_files(options: InitOptions) -> dict[str, str]:
    """Every file of the new device file: POSIX path -> text.

    :raises ProjectError: If an answer cannot be used (the first problem).
    """
    problems = options.problems()
    if problems:
        raise ProjectError(problems[0])
    profile = load_profile()
    assert profile.documents is not None
    descriptions = dict(profile.documents.roles)
    roles, sections = pathway_roles(options.pathways)
    prefix = document_prefix(options.name)
    pages = stub_pages(roles, descriptions, prefix, sections)
    suffix = f".{options.markup}"
    files: dict[str, str] = {}
    values = _template_values(options)
    files["conf.py"] = render("conf.py.tmpl", values)
    files["qms.toml"] = render("qms.toml.tmpl", values)
    files["Makefile"] = render("Makefile.tmpl", values)
    files[".gitignore"] = render("gitignore.tmpl", values)
    files[".github/workflows/qms.yml"] = render("qms.yml.tmpl", values)
    files[".gitlab-ci.yml"] = render("gitlab-ci.yml.tmpl", values)
    files[f"{_TESTS_FOLDER}/README.md"] = render("tests-readme.md.tmpl", values)
    files[f"index{suffix}"] = _front_page(options, prefix)
    for position, (folder, title) in enumerate(FOLDERS, start=1):
        entries = [page for page in pages if page.folder == folder]
        number = f"{prefix}-IDX-{position:03d}"
        files[f"{folder}/index{suffix}"] = _folder_page(
            title, number, entries, options.markup
        )
    for page in pages:
        files[f"{page.docname}{suffix}"] = page_text(page, options.markup)
    return files


def _template_values(options: InitOptions) -> dict[str, str]:
    markdown = options.markup == "md"
    extensions = '"myst_parser", "qmsdoc"' if markdown else '"qmsdoc"'
    myst = (
        "\n# MyST Markdown pages (.md) next to reStructuredText ones\n"
        'myst_enable_extensions = ["colon_fence"]\n'
        if markdown
        else ""
    )
    return {
        "name": options.name,
        "name_literal": json.dumps(options.name),
        "title_literal": json.dumps(f"{options.name} design and development file"),
        "extensions": extensions,
        "myst": myst,
        "pathways": ", ".join(json.dumps(name) for name in options.pathways),
        "first_pathway": options.pathways[0],
        "override_section": _optional_section(options.pathways[0]),
        "override_role": _example_role(options.pathways[0]),
        "classification": _classification(options),
        "pip_extra": " myst-parser" if markdown else "",
        "tests": _TESTS_FOLDER,
    }


def _optional_section(pathway: str) -> str:
    """A section of the plan that is not required (else its first), for the
    commented examples of ``qms.toml``."""
    sections = load_pathway(pathway).sections
    optional = [section for section in sections if not section.required]
    return (optional or list(sections))[0].section_id


def _example_role(pathway: str) -> str:
    """A role the plan names that a device may fill with its device description."""
    roles = plan_roles(load_pathway(pathway))
    return "use-specification" if "use-specification" in roles else roles[0]


def _classification(options: InitOptions) -> str:
    lines = []
    for pathway in options.pathways:
        if pathway in _PATHWAY_CLASSES:
            key, value = _PATHWAY_CLASSES[pathway]
            line = f'{key} = "{value}"  # confirm: the FDA device class'
            if line not in lines:
                lines.append(line)
        if pathway in _EU_CLASSES:
            regulation, eu_class = _EU_CLASSES[pathway]
            lines.append(f'eu_regulation = "{regulation}"')
            lines.append(f'eu_class = "{eu_class}"  # confirm: the {regulation} class')
    lines.append(f'documentation_level = "{options.documentation_level}"')
    lines.append(f'software_safety_class = "{options.safety_class}"  # IEC 62304 4.3')
    return "\n".join(lines) + "\n"


def _front_page(options: InitOptions, prefix: str) -> str:
    title = f"{options.name} design and development file"
    intro = (
        f"The design and development file of {options.name}, kept as text in git and "
        "checked by qmsdoc (``make check``)."
    )
    folders = [f"{folder}/index" for folder, _ in FOLDERS]
    if options.markup == "md":
        toctree = "\n".join(folders)
        return (
            f"# {title}\n\n"
            f"```{{qms-document-control}} {prefix}-DOC-000\n"
            ":role: design-history-file-index\n```\n\n"
            f"{intro.replace('``', '`')}\n\n"
            f"```{{toctree}}\n:maxdepth: 2\n:caption: Contents\n\n{toctree}\n```\n"
        )
    toctree = "".join(f"   {entry}\n" for entry in folders)
    return (
        f"{title}\n{'=' * len(title)}\n\n"
        f".. qms-document-control:: {prefix}-DOC-000\n"
        "   :role: design-history-file-index\n\n"
        f"{intro}\n\n"
        f".. toctree::\n   :maxdepth: 2\n   :caption: Contents\n\n{toctree}"
    )


def _folder_page(
    title: str, number: str, pages: Sequence[StubPage], markup: str
) -> str:
    names = [page.role for page in pages]
    if markup == "md":
        toctree = "\n".join(names)
        return (
            f"# {title}\n\n"
            f"```{{qms-document-control}} {number}\n:role: section-overview\n```\n\n"
            f"```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n"
        )
    toctree = "".join(f"   {name}\n" for name in names)
    return (
        f"{title}\n{'=' * len(title)}\n\n"
        f".. qms-document-control:: {number}\n   :role: section-overview\n\n"
        f".. toctree::\n   :maxdepth: 1\n\n{toctree}"
    )
