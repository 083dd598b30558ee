"""Document control of a profile (``[documents]``): numbers and roles of documents.

Every page of the device file is a controlled document (ISO 13485 4.2.4 and 4.2.5
via 21 CFR 820.10): it declares a document number once, and a role saying what the
document is (a name from ``roles``, e.g. ``risk-management-report``), so that plans,
pathways and the approval policy can ask for a document by what it is. Which pages
must declare one: every ``.rst`` page under the project's source folders and the
root ``index.rst``, minus the ``exempt`` document names (``fnmatch`` patterns).
Framework-free; read by :mod:`qmsdoc.profile._build`.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.profile import keys

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qmsdoc.profile._sections import Sections
    from qmsdoc.profile.model import LinearPattern

__all__ = ["DEFAULT_NUMBER_PATTERN", "DocumentControlConfig", "build_document_control"]

#: a prefix and at least one more part, upper case: ``SER-RMR-001``
DEFAULT_NUMBER_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"
_ROLE_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentControlConfig:
    """Which pages are controlled documents and how they are numbered."""

    roles: tuple[tuple[str, str], ...]
    """(role name, one-line description naming the clause that asks for it)."""
    number_pattern: LinearPattern
    """Every document number must match it somewhere (``search``; google-re2)."""
    required: bool = True
    """Every page of the device file must declare a document number."""
    exempt: tuple[str, ...] = ()
    """Document names (``fnmatch`` patterns, e.g. ``glossary``) needing no number."""

    @property
    def role_names(self) -> tuple[str, ...]:
        """The role names, in profile order."""
        return tuple(name for name, _ in self.roles)

    def is_exempt(self, docname: str) -> bool:
        """Whether the page ``docname`` needs no document number."""
        return any(fnmatch.fnmatchcase(docname, pattern) for pattern in self.exempt)


def build_document_control(
    table: Mapping[str, Any], sections: Sections
) -> DocumentControlConfig:
    """The ``[documents]`` table, validated.

    :raises ProfileError: If a key is unknown or a value malformed.
    """
    key = "documents"
    sections.only_keys(table, key, set(keys.DOCUMENTS))
    roles_table = sections.as_table(table.get("roles", {}), f"{key}.roles")
    roles: list[tuple[str, str]] = []
    for name, description in roles_table.items():
        if not _ROLE_NAME.fullmatch(name):
            raise sections.fail(
                f"{key}.roles.{name}",
                "role names are lower case words joined by hyphens",
            )
        if not isinstance(description, str) or not description.strip():
            raise sections.fail(
                f"{key}.roles.{name}", "must be a one-line description (a string)"
            )
        roles.append((name, description.strip()))
    source = sections.text(table, key, "number_pattern", DEFAULT_NUMBER_PATTERN)
    pattern = sections.linear_pattern(source, f"{key}.number_pattern")
    required = table.get("required", True)
    if not isinstance(required, bool):
        raise sections.fail(f"{key}.required", "must be true or false")
    return DocumentControlConfig(
        roles=tuple(roles),
        number_pattern=pattern,
        required=required,
        exempt=sections.strings(table, key, "exempt"),
    )
