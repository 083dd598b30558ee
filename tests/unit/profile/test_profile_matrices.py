"""The [matrices.*] tables of a profile: the packaged ones and every invalid case."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import ProfileError
from qmsdoc.profile import load_profile
from qmsdoc.profile.model import MatrixColumn, PathStep

if TYPE_CHECKING:
    from pathlib import Path

#: the columns of the matrix below
COLUMNS = """\
columns = [
    { title = "Need", from = "root", path = [] },
    { title = "Requirement", from = "row", path = [], required = true },
    { title = "Tests", from = "row", path = ["<verifies"], types = ["verification_test"], required = true },
    { title = "Standards", path = ["complies_with"] },
]
"""

#: a valid matrix added to the packaged profile; each invalid case edits one line
MATRIX = f"""\
extends = "medical-device"

[matrices.trace]
title = "Needs to tests"
description = "Each need, its requirements and their tests"
root = "user_need"
expand = ["<satisfies"]
expand_types = ["requirement"]
{COLUMNS}"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "qms.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _edit(old: str, new: str) -> str:
    assert MATRIX.count(old) == 1, old
    return MATRIX.replace(old, new)


def test_the_packaged_matrices() -> None:
    profile = load_profile()
    assert [spec.name for spec in profile.matrices] == [
        "design_chain",
        "risk_chain",
        "security_chain",
        "requirement_verification",
    ]
    chain = profile.matrix("design_chain")
    assert chain is not None
    assert chain.root == "user_need"
    assert chain.expand == (PathStep(link="satisfies", incoming=True),)
    assert chain.expand_types == ("requirement",)
    assert [column.title for column in chain.columns] == [
        "User need",
        "Requirement",
        "Design outputs",
        "Verification tests",
        "Validation",
    ]
    verification = profile.matrix("requirement_verification")
    assert verification is not None
    assert verification.expand == ()
    assert all(column.start == "root" for column in verification.columns)
    assert profile.matrix("nothing") is None


def test_a_valid_matrix_is_added_to_the_packaged_ones(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, MATRIX))
    assert [spec.name for spec in profile.matrices][-1] == "trace"
    spec = profile.matrix("trace")
    assert spec is not None
    assert spec.title == "Needs to tests"
    assert spec.description == "Each need, its requirements and their tests"
    assert spec.expand == (PathStep(link="satisfies", incoming=True),)
    assert str(spec.expand[0]) == "<satisfies"
    assert spec.columns == (
        MatrixColumn(title="Need", start="root", path=(), types=(), required=False),
        MatrixColumn(
            title="Requirement", start="row", path=(), types=(), required=True
        ),
        MatrixColumn(
            title="Tests",
            start="row",
            path=(PathStep(link="verifies", incoming=True),),
            types=("verification_test",),
            required=True,
        ),
        MatrixColumn(
            title="Standards",
            start="root",
            path=(PathStep(link="complies_with", incoming=False),),
            types=(),
            required=False,
        ),
    )


def test_a_project_can_replace_the_columns_of_a_packaged_matrix(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        'extends = "medical-device"\n[matrices.requirement_verification]\n'
        'columns = [{ title = "Only", path = [] }]\n',
    )
    spec = load_profile(path).matrix("requirement_verification")
    assert spec is not None
    assert [column.title for column in spec.columns] == ["Only"]
    assert spec.root == "requirement"


INVALID = [
    pytest.param(
        ('root = "user_need"', 'root = "wish"'),
        "matrices.trace.root",
        "unknown item type 'wish'",
        id="unknown-root-type",
    ),
    pytest.param(
        ('expand = ["<satisfies"]', 'expand = ["satisfied_by"]'),
        "matrices.trace.expand",
        "link type 'satisfied_by' is not declared in [links]",
        id="unknown-expand-link",
    ),
    pytest.param(
        ('expand = ["<satisfies"]', 'expand = ["<satisfied_by"]'),
        "matrices.trace.expand",
        "link type 'satisfied_by' is not declared in [links]",
        id="unknown-incoming-expand-link",
    ),
    pytest.param(
        ('path = ["complies_with"]', 'path = ["complies"]'),
        "matrices.trace.columns[4].path",
        "link type 'complies' is not declared in [links]",
        id="unknown-path-link",
    ),
    pytest.param(
        ('path = ["<verifies"]', 'path = ["<verified"]'),
        "matrices.trace.columns[3].path",
        "link type 'verified' is not declared in [links]",
        id="unknown-incoming-path-link",
    ),
    pytest.param(
        ('path = ["<verifies"]', 'path = ["<satisfies", "<tests"]'),
        "matrices.trace.columns[3].path",
        "link type 'tests' is not declared in [links]",
        id="unknown-link-in-the-second-step",
    ),
    pytest.param(
        ('types = ["verification_test"]', 'types = ["test"]'),
        "matrices.trace.columns[3].types",
        "unknown item type 'test'",
        id="unknown-column-type",
    ),
    pytest.param(
        ('expand_types = ["requirement"]', 'expand_types = ["req"]'),
        "matrices.trace.expand_types",
        "unknown item type 'req'",
        id="unknown-expand-type",
    ),
    pytest.param(
        ('expand = ["<satisfies"]\n', ""),
        "matrices.trace.columns[2].from",
        "'row' needs an 'expand' path",
        id="row-without-expand",
    ),
    pytest.param(
        ('expand = ["<satisfies"]', "expand = []"),
        "matrices.trace.columns[2].from",
        "'row' needs an 'expand' path",
        id="row-with-an-empty-expand",
    ),
    pytest.param(
        ('{ title = "Need", from = "root"', '{ title = "Need", from = "item"'),
        "matrices.trace.columns[1].from",
        "must be 'root' or 'row'",
        id="from-neither-root-nor-row",
    ),
    pytest.param(
        ('{ title = "Standards"', '{ title = "Need"'),
        "matrices.trace.columns",
        "two columns have the same title",
        id="duplicate-column-titles",
    ),
    pytest.param(
        (COLUMNS, "columns = []\n"),
        "matrices.trace.columns",
        "must be a non-empty list of tables",
        id="empty-columns",
    ),
    pytest.param(
        (COLUMNS, ""),
        "matrices.trace.columns",
        "must be a non-empty list of tables",
        id="no-columns",
    ),
    pytest.param(
        ("path = [], required = true }", 'path = [], required = "yes" }'),
        "matrices.trace.columns[2].required",
        "must be true or false",
        id="required-not-a-bool",
    ),
    pytest.param(
        (
            'required = true },\n    { title = "Standards"',
            'required = 1 },\n    { title = "Standards"',
        ),
        "matrices.trace.columns[3].required",
        "must be true or false",
        id="required-a-number",
    ),
    pytest.param(
        (
            '{ title = "Need", from = "root", path = [] }',
            '{ title = "Need", depth = 2 }',
        ),
        "matrices.trace.columns[1].depth",
        "unknown key",
        id="unknown-column-key",
    ),
    pytest.param(
        ('title = "Needs to tests"', 'title = "Needs to tests"\nrows = 3'),
        "matrices.trace.rows",
        "unknown key",
        id="unknown-matrix-key",
    ),
    pytest.param(
        ("[matrices.trace]", "[matrices.Trace]"),
        "matrices.Trace",
        "names are lower case letters, digits and underscores",
        id="bad-matrix-name",
    ),
    pytest.param(
        ('root = "user_need"\n', ""),
        "matrices.trace.root",
        "missing value",
        id="missing-root",
    ),
]


@pytest.mark.parametrize(("edit", "key", "problem"), INVALID)
def test_an_invalid_matrix_names_the_key(
    tmp_path: Path, edit: tuple[str, str], key: str, problem: str
) -> None:
    path = _write(tmp_path, _edit(*edit))
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    error = caught.value
    assert error.key == key
    assert problem in error.problem
    assert str(error).startswith(f"{path}: [{key}]: ")
    assert "\n" not in str(error)
