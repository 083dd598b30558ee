"""The GSPR checklist in the profile (``[gspr]``): which types, fields and links hold it.

A row of the EU MDR/IVDR Annex I checklist (MDR Annex II section 4) is an item of
``gspr_type``: whether the requirement applies (``applicable_field``, with the values
``applicable_value`` and ``not_applicable_value``), the justification when it does not
(``justification_field``), the method of conformity (``method_field``), the standard
clauses it complies with (``standards_link`` to ``clause_type`` items, whose
``standard_field`` and ``clause_field`` name them) and the items that demonstrate it
(``evidence_link``). The checklist reads every name from here. Framework-free; read by
:mod:`qmsdoc.profile._build`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.profile import keys
from qmsdoc.profile._roles import RoleReader

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qmsdoc.profile._primitives import Primitives
    from qmsdoc.profile._roles import Declared

__all__ = ["GsprConfig", "build_gspr"]

_SECTION = "gspr"
_KEYS = keys.GSPR


@dataclass(frozen=True, slots=True, kw_only=True)
class GsprConfig:
    """The GSPR row type and standard clause type, and their fields and links."""

    gspr_type: str
    applicable_field: str
    applicable_value: str
    """The value of ``applicable_field`` that says the requirement applies."""
    not_applicable_value: str
    """The value that says it does not (and then needs a justification)."""
    justification_field: str
    method_field: str
    standards_link: str
    """Link from a row to the standard clauses it complies with."""
    evidence_link: str
    """Link from a row to the items that demonstrate conformity."""
    clause_type: str
    standard_field: str
    """Field of a standard clause naming the standard, with edition."""
    clause_field: str
    """Field of a standard clause holding the clause number."""


def build_gspr(
    table: Mapping[str, Any], primitives: Primitives, declared: Declared
) -> GsprConfig:
    """Validate ``[gspr]`` and build its configuration (the roles name what
    ``declared`` holds; choice values are checked).

    :raises ProfileError: On the first problem, naming its key.
    """
    roles = RoleReader.of_section(primitives, table, _SECTION, _KEYS, declared)
    gspr_type = roles.item_type("gspr_type", "gspr")
    clause_type = roles.item_type("clause_type", "standard_clause")
    applicable = roles.field("applicable_field", "applicable", owner=gspr_type)
    yes = roles.value("applicable_value", "yes", field=applicable)
    no = roles.value("not_applicable_value", "no", field=applicable)
    if yes == no:
        raise primitives.fail(
            f"{_SECTION}.not_applicable_value",
            f"{no!r} is also the applicable_value",
        )
    return GsprConfig(
        gspr_type=gspr_type,
        applicable_field=applicable,
        applicable_value=yes,
        not_applicable_value=no,
        justification_field=roles.field(
            "justification_field", "rationale", owner=gspr_type
        ),
        method_field=roles.field("method_field", "conformity_method", owner=gspr_type),
        standards_link=roles.link("standards_link", "complies_with"),
        evidence_link=roles.link("evidence_link", "demonstrated_by"),
        clause_type=clause_type,
        standard_field=roles.field("standard_field", "standard", owner=clause_type),
        clause_field=roles.field("clause_field", "clause", owner=clause_type),
    )
