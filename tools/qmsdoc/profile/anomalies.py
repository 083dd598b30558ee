"""Software anomalies in the profile (``[anomalies]``): their type, fields and link.

An anomaly (IEC 62304 9; 5.8.2, 5.8.3 at release) is an item of ``anomaly_type`` with
a state (``state_field``; the ``resolved_states`` close it), a defect category after
ANSI/AAMI SW91 (``category_field``), its impact analysis (``impact_field``) and
``affects_link`` links to the items it affects. The list of unresolved anomalies
reads every name from here. Framework-free; read by :mod:`qmsdoc.profile._build`.
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

__all__ = ["AnomalyConfig", "build_anomalies"]

_SECTION = "anomalies"
_KEYS = keys.ANOMALIES


@dataclass(frozen=True, slots=True, kw_only=True)
class AnomalyConfig:
    """The anomaly type, its fields and the link to the items it affects."""

    anomaly_type: str
    state_field: str
    resolved_states: tuple[str, ...]
    """States of a fixed or closed anomaly; any other state (or none) is unresolved."""
    unresolved_states: tuple[str, ...]
    """The other values of a choice ``state_field``, in the profile's order (counted
    one by one in the list of unresolved anomalies); empty for a text field."""
    category_field: str
    impact_field: str
    affects_link: str


def build_anomalies(
    table: Mapping[str, Any], primitives: Primitives, declared: Declared
) -> AnomalyConfig:
    """Validate ``[anomalies]`` and build its configuration (the roles name what
    ``declared`` holds; choice values are checked).

    :raises ProfileError: On the first problem, naming its key.
    """
    roles = RoleReader.of_section(primitives, table, _SECTION, _KEYS, declared)
    anomaly_type = roles.item_type("anomaly_type", "anomaly")
    state_field = roles.field("state_field", "anomaly_state", owner=anomaly_type)
    resolved = roles.values("resolved_states", ("fixed", "closed"), field=state_field)
    spec = roles.spec(state_field)
    choices = spec.values if spec is not None and spec.kind == "choice" else ()
    return AnomalyConfig(
        anomaly_type=anomaly_type,
        state_field=state_field,
        resolved_states=resolved,
        unresolved_states=tuple(value for value in choices if value not in resolved),
        category_field=roles.field(
            "category_field", "sw91_category", owner=anomaly_type
        ),
        impact_field=roles.field("impact_field", "impact", owner=anomaly_type),
        affects_link=roles.link("affects_link", "affects"),
    )
