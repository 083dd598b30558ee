"""Design reviews in the profile (``[design_review]``): which types and fields hold them.

A design review (ISO 13485 7.3.5 via 21 CFR 820.10) is an item of ``review_type``: the
baseline reviewed (a commit or tag), its date, the participants with their roles (at
least one independent of the design stage), the outcome, and ``scope_link`` links to
the items in scope. Its actions are items of ``action_type`` linked to the review by
``action_link``, with an owner, a due date, a state and, once closed, a resolution.
Every name is profile data; the engine reads them from here. Framework-free; read by
:mod:`qmsdoc.profile._build`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.profile import keys

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qmsdoc.profile._primitives import Primitives
    from qmsdoc.profile.model import FieldSpec

__all__ = ["DesignReviewConfig", "build_design_review"]

_SECTION = "design_review"
_FIELDS = keys.DESIGN_REVIEW_FIELDS


@dataclass(frozen=True, slots=True, kw_only=True)
class DesignReviewConfig:
    """The design review record and review action types, and their fields."""

    review_type: str
    action_type: str
    baseline_field: str
    """The commit (full or abbreviated SHA) or tag reviewed."""
    date_field: str
    participants_field: str
    """One participant per line or ``;``: ``<signer login or name> (<role>, ...)``."""
    outcome_field: str
    approved_outcomes: tuple[str, ...]
    """Outcomes that release the baseline (e.g. approved, approved_with_actions)."""
    independent_role: str
    """The role, among a participant's roles, that marks them independent of the
    design stage under review."""
    scope_link: str
    """Link from a review to the items in its scope."""
    action_link: str
    """Link from an action to the review that raised it."""
    owner_field: str
    due_field: str
    """Due date of an action (YYYY-MM-DD)."""
    state_field: str
    closed_states: tuple[str, ...]
    """Action states that close it; any other state is open."""
    resolution_field: str
    """How a closed action was resolved (required once it is closed)."""


def build_design_review(
    table: Mapping[str, Any],
    primitives: Primitives,
    *,
    type_fields: Mapping[str, tuple[str, ...]],
    fields: Mapping[str, FieldSpec],
    link_names: set[str],
) -> DesignReviewConfig:
    """Validate ``[design_review]`` and build its configuration.

    :param table: The ``[design_review]`` table.
    :param primitives: The profile builder (for messages and typed reads).
    :param type_fields: Every item type's fields.
    :param fields: Every declared field by name (choice values are checked).
    :param link_names: The declared link types.
    :raises ProfileError: On the first problem, naming its key.
    """
    p = primitives
    p.only_keys(
        table,
        _SECTION,
        {*keys.DESIGN_REVIEW_OWN, *(key for key, _, _ in _FIELDS)},
    )
    owners = {
        "review": p.text(table, _SECTION, "review_type", "design_review"),
        "action": p.text(table, _SECTION, "action_type", "review_action"),
    }
    for owner, type_name in owners.items():
        if type_name not in type_fields:
            raise p.fail(f"{_SECTION}.{owner}_type", f"unknown item type {type_name!r}")
    names: dict[str, str] = {}
    for key, default, owner in _FIELDS:
        name = p.text(table, _SECTION, key, default)
        if name not in type_fields[owners[owner]]:
            raise p.fail(
                f"{_SECTION}.{key}", f"{name!r} is not a field of {owners[owner]!r}"
            )
        names[key] = name
    links = {
        key: p.text(table, _SECTION, key, default)
        for key, default in (("scope_link", "reviews"), ("action_link", "raised_in"))
    }
    for key, name in links.items():
        if name not in link_names:
            raise p.fail(f"{_SECTION}.{key}", f"unknown link type {name!r}")
    approved = _choices(
        p,
        table,
        "approved_outcomes",
        ("approved", "approved_with_actions"),
        fields.get(names["outcome_field"]),
    )
    closed = _choices(
        p, table, "closed_states", ("closed",), fields.get(names["state_field"])
    )
    return DesignReviewConfig(
        review_type=owners["review"],
        action_type=owners["action"],
        approved_outcomes=approved,
        closed_states=closed,
        independent_role=p.text(table, _SECTION, "independent_role", "independent"),
        **links,
        **names,
    )


def _choices(
    p: Primitives,
    table: Mapping[str, Any],
    key: str,
    default: tuple[str, ...],
    spec: FieldSpec | None,
) -> tuple[str, ...]:
    values = p.strings(table, _SECTION, key) if key in table else default
    if not values:
        raise p.fail(f"{_SECTION}.{key}", "list at least one value")
    if spec is not None and spec.kind == "choice":
        wrong = [value for value in values if value not in spec.values]
        if wrong:
            raise p.fail(
                f"{_SECTION}.{key}",
                f"{', '.join(wrong)} not among the values of {spec.name!r}",
            )
    return values
