"""Design controls in the profile (``[design]``): which types, fields and links hold them.

The design documents (the software requirements specification, the software design
specification and architecture listing, the verification and validation summary;
ISO 13485 7.3.3-7.3.7 via 21 CFR 820.10, IEC 62304 5.2-5.7) read every type, field
and link name from here, never a literal: a profile that calls the part-of link
``child_of`` renders the same pages. Framework-free; read by
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

__all__ = ["DesignConfig", "build_design"]

_SECTION = "design"
_KEYS = keys.DESIGN


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignConfig:
    """The design input, design output and test types, and their fields and links."""

    requirement_type: str
    """Design inputs, listed by the software requirements specification."""
    kind_field: str
    """Field of a requirement that groups the specification (in the order of its
    values)."""
    output_type: str
    """Design outputs: architecture elements, software items and units, interfaces."""
    element_field: str
    """Field of a design output naming its element kind."""
    safety_class_field: str
    """Field of a design output holding its software safety class (IEC 62304 4.3);
    a choice field's values are the classes in ascending order."""
    part_of_link: str
    """Link from a design output to the design output it is part of."""
    uses_link: str
    """Link from a design output to the SOUP it uses."""
    implements_link: str
    """Link from a design output or requirement to what it implements."""
    software_elements: tuple[str, ...]
    """Element kinds that are software (the architecture listing shows only these)."""
    interface_elements: tuple[str, ...]
    """Element kinds that are interfaces (listed apart from the parts)."""
    test_type: str
    """Verification tests (IEC 62304 5.5-5.7)."""
    test_level_field: str
    """Field of a test holding its level (unit, integration, system)."""
    validation_type: str
    """Design validation activities (ISO 13485 7.3.7)."""


def build_design(
    table: Mapping[str, Any], primitives: Primitives, declared: Declared
) -> DesignConfig:
    """Validate ``[design]`` and build its configuration (the roles name what
    ``declared`` holds; choice values are checked).

    :raises ProfileError: On the first problem, naming its key.
    """
    roles = RoleReader.of_section(primitives, table, _SECTION, _KEYS, declared)
    requirement_type = roles.item_type("requirement_type", "requirement")
    output_type = roles.item_type("output_type", "design_output")
    test_type = roles.item_type("test_type", "verification_test")
    element_field = roles.field("element_field", "element", owner=output_type)
    return DesignConfig(
        requirement_type=requirement_type,
        kind_field=roles.field("kind_field", "kind", owner=requirement_type),
        output_type=output_type,
        element_field=element_field,
        safety_class_field=roles.field(
            "safety_class_field", "safety_class", owner=output_type
        ),
        part_of_link=roles.link("part_of_link", "part_of"),
        uses_link=roles.link("uses_link", "uses"),
        implements_link=roles.link("implements_link", "implements"),
        software_elements=roles.values(
            "software_elements",
            ("software_system", "software_item", "software_unit", "interface"),
            field=element_field,
        ),
        interface_elements=roles.values(
            "interface_elements", ("interface",), field=element_field
        ),
        test_type=test_type,
        test_level_field=roles.field("test_level_field", "test_level", owner=test_type),
        validation_type=roles.item_type("validation_type", "validation"),
    )
