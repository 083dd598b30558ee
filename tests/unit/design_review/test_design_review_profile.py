"""The ``[design_review]`` profile table: defaults, the packaged profile, bad values."""

from __future__ import annotations

from typing import Any

import pytest

from qmsdoc.errors import ProfileError
from qmsdoc.profile import load_profile
from qmsdoc.profile._primitives import Primitives
from qmsdoc.profile.design_review import DesignReviewConfig, build_design_review
from qmsdoc.profile.model import FieldSpec

TYPE_FIELDS = {
    "design_review": ("status", "baseline", "review_date", "participants", "outcome"),
    "review_action": ("status", "owner", "due", "action_state", "resolution"),
}
FIELDS = {
    "outcome": FieldSpec(
        name="outcome",
        kind="choice",
        values=("approved", "approved_with_actions", "not_approved"),
    ),
    "action_state": FieldSpec(
        name="action_state", kind="choice", values=("open", "closed")
    ),
}
LINKS = {"reviews", "raised_in"}


def _build(table: dict[str, Any]) -> DesignReviewConfig:
    return build_design_review(
        table,
        Primitives("qms.toml"),
        type_fields=TYPE_FIELDS,
        fields=FIELDS,
        link_names=LINKS,
    )


def test_an_empty_table_takes_the_default_names() -> None:
    config = _build({})
    assert (config.review_type, config.action_type) == (
        "design_review",
        "review_action",
    )
    assert config.approved_outcomes == ("approved", "approved_with_actions")
    assert config.closed_states == ("closed",)
    assert (config.scope_link, config.action_link) == ("reviews", "raised_in")
    assert config.independent_role == "independent"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"review_type": "meeting"}, "[design_review.review_type]: unknown item type 'meeting'"),
        ({"due_field": "baseline"}, "[design_review.due_field]: 'baseline' is not a field of 'review_action'"),
        ({"scope_link": "covers"}, "[design_review.scope_link]: unknown link type 'covers'"),
        ({"approved_outcomes": ["passed"]}, "[design_review.approved_outcomes]: passed not among the values of 'outcome'"),
        ({"closed_states": []}, "[design_review.closed_states]: list at least one value"),
        ({"owner": "x"}, "[design_review.owner]: unknown key"),
    ],
)  # fmt: skip
def test_a_bad_table_names_its_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ProfileError) as raised:
        _build(table)
    assert str(raised.value).startswith(f"qms.toml: {message}")


def test_the_packaged_profile_declares_design_reviews() -> None:
    profile = load_profile()
    config = profile.design_review
    assert config is not None
    review = profile.item_type(config.review_type)
    action = profile.item_type(config.action_type)
    assert review is not None
    assert action is not None
    assert {config.baseline_field, config.outcome_field} <= set(review.required)
    assert review.link_targets(config.scope_link)
    assert action.link_targets(config.action_link) == (config.review_type,)
    assert "design_review_action_open" in profile.advisory_checks
