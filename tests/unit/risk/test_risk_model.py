"""The plan's risk model: default scales, combination, matrix and invalid ``[risk]`` tables."""

from __future__ import annotations

import itertools
import json
import re
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import ProfileError
from qmsdoc.profile import load_profile

from .._rst import default_profile, rst

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from qmsdoc.risk import RiskModel

CELLS_5X5 = list(itertools.product(range(1, 6), range(1, 6)))

#: the default plan's matrix (S1..S5 rows, P1..P5 columns), as written in the profile
DEFAULT_MATRIX = [
    ["acceptable", "acceptable", "acceptable", "acceptable", "acceptable"],
    ["acceptable", "afap", "afap", "afap", "unacceptable"],
    ["acceptable", "afap", "afap", "unacceptable", "unacceptable"],
    ["acceptable", "afap", "unacceptable", "unacceptable", "unacceptable"],
    ["afap", "afap", "unacceptable", "unacceptable", "unacceptable"],
]

#: a 3x3 plan: its own scales, combination and one extra region
MATRIX_3X3 = [
    ["acceptable", "acceptable", "tolerable"],
    ["acceptable", "tolerable", "afap"],
    ["tolerable", "afap", "unacceptable"],
]
COMBINATION_3X3 = [[1, 1, 2], [1, 2, 3], [2, 3, 3]]

#: 4 severity levels x 5 probability levels (P1, P2 and the combination inherited)
MATRIX_4X5 = [
    ["acceptable", "acceptable", "acceptable", "afap", "afap"],
    ["acceptable", "afap", "afap", "afap", "unacceptable"],
    ["afap", "afap", "unacceptable", "unacceptable", "unacceptable"],
    ["afap", "unacceptable", "unacceptable", "unacceptable", "unacceptable"],
]

#: a valid default-shaped matrix, for edits of single rows or cells
MATRIX_ROWS = json.dumps(DEFAULT_MATRIX)


def plan_region(severity: int, probability: int) -> str:
    """The default plan's acceptability rule, written independently of the matrix."""
    if (
        (severity >= 4 and probability >= 3)
        or (severity == 3 and probability >= 4)
        or (severity == 2 and probability == 5)
    ):
        return "unacceptable"
    if severity == 1 or (probability == 1 and severity <= 4):
        return "acceptable"
    return "afap"


def _levels(*names: str) -> str:
    return "[" + ", ".join(f'{{ name = "{name}" }}' for name in names) + "]"


def _profile(tmp_path: Path, body: str) -> Path:
    config = tmp_path / "qms.toml"
    config.write_text('extends = "medical-device"\n\n' + rst(body), encoding="utf-8")
    return config


def _model(tmp_path: Path, body: str) -> RiskModel:
    model = load_profile(_profile(tmp_path, body)).risk
    assert model is not None
    return model


def _default_model() -> RiskModel:
    model = default_profile().risk
    assert model is not None
    return model


# -- the default plan ------------------------------------------------------------------


def test_the_default_plan_is_named() -> None:
    model = _default_model()
    assert model.plan == "Risk management plan RMP-001, revision A"
    assert model.method == "p1_p2"


def test_the_default_severity_scale_has_five_levels() -> None:
    severity = _default_model().severity
    assert len(severity) == 5
    assert [level.name for level in severity.levels] == [
        "Negligible",
        "Minor",
        "Serious",
        "Critical",
        "Catastrophic",
    ]
    assert [level.value for level in severity.levels] == [1, 2, 3, 4, 5]
    assert severity.label(4) == "S4 Critical"
    assert severity.label(6) == "S6"
    assert severity.level(0) is None
    assert severity.levels[4].label == "5 Catastrophic"


def test_the_default_probability_scales_have_five_levels() -> None:
    model = _default_model()
    assert (len(model.p1), len(model.p2), len(model.probability)) == (5, 5, 5)
    assert model.p1.label(2) == "P1-2 Remote"
    assert model.p2.label(5) == "P2-5 Frequent"
    assert model.probability.label(3) == "P3 Occasional"


@pytest.mark.parametrize(("p1", "p2"), CELLS_5X5)
def test_default_combination_is_p1_plus_p2_minus_3_clamped(p1: int, p2: int) -> None:
    assert _default_model().combine(p1, p2) == min(max(p1 + p2 - 3, 1), 5)


@pytest.mark.parametrize(("severity", "probability"), CELLS_5X5)
def test_default_matrix_follows_the_plan_rule(severity: int, probability: int) -> None:
    assert _default_model().region(severity, probability).name == plan_region(
        severity, probability
    )


def test_the_oracle_agrees_with_the_matrix_written_in_the_profile() -> None:
    assert [
        [plan_region(s, p) for p in range(1, 6)] for s in range(1, 6)
    ] == DEFAULT_MATRIX
    assert _default_model().matrix == tuple(tuple(row) for row in DEFAULT_MATRIX)


def test_default_regions_and_their_flags() -> None:
    regions = {
        region.name: (
            region.label,
            region.acceptable,
            region.needs_control,
            region.needs_benefit_risk,
        )
        for region in _default_model().regions
    }
    assert regions == {
        "acceptable": ("Acceptable", True, False, False),
        "afap": ("Reduce as far as possible", False, True, True),
        "unacceptable": ("Unacceptable", False, True, True),
    }


def test_region_named_raises_for_an_unknown_name() -> None:
    model = _default_model()
    assert model.region_named("afap").label == "Reduce as far as possible"
    with pytest.raises(KeyError):
        model.region_named("tolerable")


def test_default_field_mapping_and_verification_settings() -> None:
    model = _default_model()
    assert model.fields.information_only == "design_control_infeasible"
    assert model.fields.severity == "severity"
    assert model.evaluation_type == "risk_evaluation"
    assert model.verification_link == "verifies"
    assert model.scope_field == "verification_scope"
    assert model.effectiveness_types == ("validation",)
    assert model.information_option == "information_for_safety"


# -- plans of other shapes, through ``extends`` ----------------------------------------

PLAN_3X3 = f"""\
    [risk]
    plan = "RMP-003 rev B"

    [risk.severity]
    levels = {_levels("Minor", "Serious", "Critical")}

    [risk.p1]
    levels = {_levels("Low", "Medium", "High")}

    [risk.p2]
    levels = {_levels("Low", "Medium", "High")}

    [risk.probability]
    levels = {_levels("Rare", "Possible", "Likely")}

    [risk.combination]
    rows = {json.dumps(COMBINATION_3X3)}

    [risk.regions.tolerable]
    label = "Tolerable"
    needs_control = true

    [risk.matrix]
    rows = {json.dumps(MATRIX_3X3)}
    """

PLAN_4X5 = f"""\
    [risk.severity]
    levels = {_levels("Minor", "Serious", "Critical", "Catastrophic")}

    [risk.matrix]
    rows = {json.dumps(MATRIX_4X5)}
    """


def test_a_3x3_plan_loads(tmp_path: Path) -> None:
    model = _model(tmp_path, PLAN_3X3)
    assert model.plan == "RMP-003 rev B"
    assert (len(model.severity), len(model.p1), len(model.p2)) == (3, 3, 3)
    assert len(model.probability) == 3
    # titles and keys are merged from the packaged plan, levels replaced
    assert model.severity.title == "Severity of harm"
    assert model.severity.label(3) == "S3 Critical"
    # regions merge key by key: the packaged three plus the new one
    assert [region.name for region in model.regions] == [
        "acceptable",
        "afap",
        "unacceptable",
        "tolerable",
    ]
    tolerable = model.region_named("tolerable")
    assert (tolerable.acceptable, tolerable.needs_control) == (False, True)
    assert tolerable.needs_benefit_risk is False
    assert tolerable.color == "#dddddd"


def test_a_3x3_plan_computes_every_cell_from_its_tables(tmp_path: Path) -> None:
    model = _model(tmp_path, PLAN_3X3)
    cells = list(itertools.product(range(1, 4), range(1, 4)))
    assert {(s, p): model.region(s, p).name for s, p in cells} == {
        (s, p): MATRIX_3X3[s - 1][p - 1] for s, p in cells
    }
    assert {(a, b): model.combine(a, b) for a, b in cells} == {
        (a, b): COMBINATION_3X3[a - 1][b - 1] for a, b in cells
    }


def test_a_4x5_plan_computes_every_cell_from_its_matrix(tmp_path: Path) -> None:
    model = _model(tmp_path, PLAN_4X5)
    assert (len(model.severity), len(model.probability)) == (4, 5)
    cells = list(itertools.product(range(1, 5), range(1, 6)))
    assert {(s, p): model.region(s, p).name for s, p in cells} == {
        (s, p): MATRIX_4X5[s - 1][p - 1] for s, p in cells
    }
    # the combination is inherited unchanged
    assert model.combine(5, 5) == 5
    assert model.combine(2, 3) == 2


def test_p2_only_ignores_p1(tmp_path: Path) -> None:
    model = _model(tmp_path, '[risk]\nmethod = "p2_only"\n')
    assert model.method == "p2_only"
    assert {(a, b): model.combine(a, b) for a, b in CELLS_5X5} == {
        (a, b): b for a, b in CELLS_5X5
    }
    assert model.combine(None, 4) == 4


def test_p2_only_with_a_shorter_probability_scale_caps_p(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        f"""\
        [risk]
        method = "p2_only"

        [risk.severity]
        levels = {_levels("Minor", "Serious", "Critical")}

        [risk.p1]
        levels = {_levels("Low", "Medium", "High")}

        [risk.probability]
        levels = {_levels("Rare", "Possible", "Likely")}

        [risk.combination]
        rows = {json.dumps([[1, 1, 1, 2, 3], [1, 1, 2, 3, 3], [1, 2, 3, 3, 3]])}

        [risk.matrix]
        rows = {json.dumps(MATRIX_3X3)}

        [risk.regions.tolerable]
        label = "Tolerable"
        """,
    )
    assert [model.combine(1, p2) for p2 in range(1, 6)] == [1, 2, 3, 3, 3]
    assert [model.combine(3, p2) for p2 in range(1, 6)] == [1, 2, 3, 3, 3]


# -- invalid [risk] tables -------------------------------------------------------------


def _rows(rows: Sequence[Sequence[object]]) -> str:
    return f"[risk.matrix]\nrows = {json.dumps(rows)}\n"


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        pytest.param(
            _rows(DEFAULT_MATRIX[:4]),
            "risk.matrix.rows",
            "needs 5 rows, one per Severity of harm level",
            id="matrix-missing-row",
        ),
        pytest.param(
            _rows([*DEFAULT_MATRIX[:2], DEFAULT_MATRIX[2][:4], *DEFAULT_MATRIX[3:]]),
            "risk.matrix.rows[3]",
            "needs 5 cells, one per Probability of harm (P, per use) level",
            id="matrix-missing-cell",
        ),
        pytest.param(
            _rows(
                [
                    *DEFAULT_MATRIX[:3],
                    ["acceptable", "tolerable", *DEFAULT_MATRIX[3][2:]],
                    DEFAULT_MATRIX[4],
                ]
            ),
            "risk.matrix.rows[4][2]",
            "'tolerable' is not one of the regions acceptable, afap, unacceptable",
            id="matrix-unknown-region",
        ),
        pytest.param(
            "[risk.matrix]\nrows = []\n",
            "risk.matrix.rows",
            "needs 5 rows",
            id="matrix-empty-rows",
        ),
        pytest.param(
            "[risk.combination]\nrows = [[1, 1, 1, 2, 3], [1, 1, 2, 3, 4]]\n",
            "risk.combination.rows",
            "needs 5 rows, one per Probability of the hazardous situation (P1, per use) level",
            id="combination-missing-rows",
        ),
        pytest.param(
            "[risk.combination]\nrows = "
            + json.dumps([[1, 1, 1, 2, 3]] * 4 + [[3, 4, 5, 5]])
            + "\n",
            "risk.combination.rows[5]",
            "needs 5 cells, one per Probability of harm given the hazardous situation (P2) level",
            id="combination-short-row",
        ),
        pytest.param(
            "[risk.combination]\nrows = "
            + json.dumps([[1, 1, 1, 2, 3]] * 4 + [[3, 4, 5, 5, 6]])
            + "\n",
            "risk.combination.rows[5][5]",
            "6 is not a probability level 1-5",
            id="combination-above-scale",
        ),
        pytest.param(
            "[risk.combination]\nrows = "
            + json.dumps([[0, 1, 1, 2, 3]] + [[1, 1, 1, 2, 3]] * 4)
            + "\n",
            "risk.combination.rows[1][1]",
            "0 is not a probability level 1-5",
            id="combination-below-scale",
        ),
        pytest.param(
            "[risk.combination]\nrows = "
            + json.dumps(
                [[1, 1, 1, 2, 3]] + [[1, True, 1, 2, 3]] + [[1, 1, 1, 2, 3]] * 3
            )
            + "\n",
            "risk.combination.rows[2][2]",
            "True is not a probability level 1-5",
            id="combination-boolean",
        ),
        pytest.param(
            "[risk.combination]\nrows = "
            + json.dumps([[1, "1", 1, 2, 3]] + [[1, 1, 1, 2, 3]] * 4)
            + "\n",
            "risk.combination.rows[1][2]",
            "'1' is not a probability level 1-5",
            id="combination-string",
        ),
        pytest.param(
            # shrinking P leaves the inherited combination table off the new scale
            f"[risk.probability]\nlevels = {_levels('Rare', 'Possible', 'Likely')}\n",
            "risk.combination.rows[2][5]",
            "4 is not a probability level 1-3",
            id="combination-off-a-shorter-scale",
        ),
        pytest.param(
            '[risk]\nmethod = "p3"\n',
            "risk.method",
            "'p3' is not one of p1_p2, p2_only",
            id="unknown-method",
        ),
        pytest.param(
            '[risk.fields]\np1 = "severity"\n',
            "risk.fields.p1",
            "'severity' is not a field of the hazardous situation type",
            id="situation-field-not-on-situation",
        ),
        pytest.param(
            '[risk.fields]\nresidual_p2 = "no_such_field"\n',
            "risk.fields.residual_p2",
            "'no_such_field' is not a field of the hazardous situation type",
            id="situation-field-unknown",
        ),
        pytest.param(
            '[risk.fields]\nseverity = "p1"\n',
            "risk.fields.severity",
            "'p1' is not a field of the harm type",
            id="severity-field-not-on-harm",
        ),
        pytest.param(
            '[risk.fields]\nlikelihood = "p1"\n',
            "risk.fields.likelihood",
            "unknown key",
            id="unknown-field-role",
        ),
        pytest.param(
            '[risk]\nhazard_type = "danger"\n',
            "risk.hazard_type",
            "unknown item type 'danger'",
            id="unknown-hazard-type",
        ),
        pytest.param(
            '[risk]\nhazardous_situation_type = "situation"\n',
            "risk.hazardous_situation_type",
            "unknown item type 'situation'",
            id="unknown-situation-type",
        ),
        pytest.param(
            '[risk]\nharm_type = "injury"\n',
            "risk.harm_type",
            "unknown item type 'injury'",
            id="unknown-harm-type",
        ),
        pytest.param(
            '[risk]\ncontrol_type = "mitigation"\n',
            "risk.control_type",
            "unknown item type 'mitigation'",
            id="unknown-control-type",
        ),
        pytest.param(
            '[risk]\nevaluation_type = "audit"\n',
            "risk.evaluation_type",
            "unknown item type 'audit'",
            id="unknown-evaluation-type",
        ),
        pytest.param(
            '[risk]\neffectiveness_types = ["validation", "audit"]\n',
            "risk.effectiveness_types",
            "unknown item type 'audit'",
            id="unknown-effectiveness-type",
        ),
        pytest.param(
            '[risk]\noption_field = "kind"\n',
            "risk.option_field",
            "'kind' is not a field of the control type",
            id="option-field-not-on-control",
        ),
        pytest.param(
            "[risk.severity]\nlevels = []\n",
            "risk.severity.levels",
            "must be a non-empty list",
            id="empty-severity-levels",
        ),
        pytest.param(
            "[risk.p1]\nlevels = []\n",
            "risk.p1.levels",
            "must be a non-empty list",
            id="empty-p1-levels",
        ),
        pytest.param(
            "[risk.p2]\nlevels = []\n",
            "risk.p2.levels",
            "must be a non-empty list",
            id="empty-p2-levels",
        ),
        pytest.param(
            "[risk.probability]\nlevels = []\n",
            "risk.probability.levels",
            "must be a non-empty list",
            id="empty-probability-levels",
        ),
        pytest.param(
            '[risk.severity]\nlevels = [{ name = "Minor" }, { meaning = "no name" }]\n',
            "risk.severity.levels[2].name",
            "missing value",
            id="level-without-name",
        ),
        pytest.param(
            "[risk.regions.acceptable]\nacceptable = 1\n",
            "risk.regions.acceptable.acceptable",
            "must be true or false",
            id="acceptable-flag-integer",
        ),
        pytest.param(
            '[risk.regions.afap]\nneeds_control = "yes"\n',
            "risk.regions.afap.needs_control",
            "must be true or false",
            id="needs-control-flag-string",
        ),
        pytest.param(
            '[risk.regions.unacceptable]\nneeds_benefit_risk = "true"\n',
            "risk.regions.unacceptable.needs_benefit_risk",
            "must be true or false",
            id="needs-benefit-risk-flag-string",
        ),
        pytest.param(
            '[risk.regions.tolerable]\ncolor = "#ffffff"\n',
            "risk.regions.tolerable.label",
            "missing value",
            id="region-without-label",
        ),
        pytest.param(
            '[risk]\nplan = ""\n',
            "risk.plan",
            "must be a non-empty string",
            id="empty-plan",
        ),
        pytest.param(
            '[risk]\nrisk_owner = "QA"\n',
            "risk.risk_owner",
            "unknown key",
            id="unknown-risk-key",
        ),
    ],
)
def test_an_invalid_risk_table_names_its_key(
    tmp_path: Path, body: str, key: str, problem: str
) -> None:
    config = _profile(tmp_path, body)
    with pytest.raises(ProfileError, match=re.escape(f"[{key}]: ")) as raised:
        load_profile(config)
    assert raised.value.key == key
    assert problem in raised.value.problem
    assert str(config) in str(raised.value)


def test_a_matrix_cell_that_is_a_list_names_its_key(tmp_path: Path) -> None:
    rows: list[Sequence[object]] = [
        [["acceptable"], *DEFAULT_MATRIX[0][1:]],
        *DEFAULT_MATRIX[1:],
    ]
    with pytest.raises(ProfileError) as raised:
        load_profile(_profile(tmp_path, _rows(rows)))
    assert raised.value.key == "risk.matrix.rows[1][1]"


def test_an_evaluation_type_that_is_a_list_names_its_key(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as raised:
        load_profile(_profile(tmp_path, '[risk]\nevaluation_type = ["audit"]\n'))
    assert raised.value.key == "risk.evaluation_type"
