"""Profile validation against hostile values: linear id patterns, confined paths."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import ProfileError
from qmsdoc.profile import load_profile
from qmsdoc.profile.paths import project_path_problem

if TYPE_CHECKING:
    from pathlib import Path


def _load_error(tmp_path: Path, text: str) -> ProfileError:
    path = tmp_path / "qms.toml"
    path.write_text('extends = "medical-device"\n' + text, encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        load_profile(path)
    return raised.value


# -- id patterns ---------------------------------------------------------------------


def test_a_nested_quantifier_pattern_matches_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "qms.toml"
    path.write_text(
        'extends = "medical-device"\n[types.requirement]\nid_pattern = "REQ-(a+)+"\n',
        encoding="utf-8",
    )
    requirement = load_profile(path).item_type("requirement")
    assert requirement is not None
    # Python's re backtracks exponentially on this pattern; RE2 does not
    assert not isinstance(requirement.id_pattern, re.Pattern)
    assert requirement.id_pattern.fullmatch("REQ-" + "a" * 5_000 + "!") is None
    assert requirement.id_pattern.fullmatch("REQ-aaa") is not None


def test_the_packaged_patterns_still_match(tmp_path: Path) -> None:
    path = tmp_path / "qms.toml"
    path.write_text('extends = "medical-device"\n', encoding="utf-8")
    profile = load_profile(path)
    standard = profile.item_type("standard_clause")
    assert standard is not None
    assert standard.id_pattern.fullmatch("STD-IEC62304-5.1.1")
    requirement = profile.item_type("requirement")
    assert requirement is not None
    assert requirement.id_pattern.fullmatch("REQ-001")
    assert not requirement.id_pattern.fullmatch("REQ-" + "1" * 5_000)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("{prefix}(?=[0-9])[0-9]+", "lookaround"),
        ("{prefix}([0-9])\\\\1", "backreference"),
    ],
)
def test_patterns_re2_cannot_run_are_refused_naming_the_key(
    tmp_path: Path, pattern: str, reason: str
) -> None:
    error = _load_error(tmp_path, f'[types.requirement]\nid_pattern = "{pattern}"\n')
    assert error.key == "types.requirement.id_pattern", reason
    assert "invalid regular expression" in str(error)
    assert "\n" not in str(error)


# -- paths ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("/etc/passwd", "not an absolute path"),
        ("~/records", "not an absolute path"),
        ("C:\\\\records", "not an absolute path"),
        ("../outside", "no '..' parts"),
        ("traceability/../../outside", "no '..' parts"),
        ("trace\\\\..\\\\..\\\\x", "without backslashes"),
        ("a\\u0000b", "control characters"),
        (" ", "non-empty path"),
    ],
)
def test_project_path_problems(value: str, problem: str) -> None:
    decoded = value.encode().decode("unicode_escape")
    found = project_path_problem(decoded)
    assert found is not None
    assert problem in found


def test_relative_paths_inside_the_project_are_fine() -> None:
    for value in ("traceability/evidence", "./records", "a..b/c", "."):
        assert project_path_problem(value) is None


RECORD_KEYS = [
    ("evidence", "directory"),
    ("soup", "directory"),
    ("soup", "vulnerabilities"),
    ("approvals", "registry"),
    ("approvals", "reviews"),
    ("suspect", "record"),
    ("release", "records"),
]


@pytest.mark.parametrize(("table", "name"), RECORD_KEYS)
@pytest.mark.parametrize("value", ["/etc/passwd", "../outside"])
def test_record_paths_outside_the_project_are_refused(
    tmp_path: Path, table: str, name: str, value: str
) -> None:
    error = _load_error(tmp_path, f'[{table}]\n{name} = "{value}"\n')
    assert error.key == f"{table}.{name}"
    assert str(error).count("\n") == 0


@pytest.mark.parametrize(("table", "name"), RECORD_KEYS)
def test_record_paths_inside_the_project_load(
    tmp_path: Path, table: str, name: str
) -> None:
    path = tmp_path / "qms.toml"
    path.write_text(
        f'extends = "medical-device"\n[{table}]\n{name} = "records/{name}"\n',
        encoding="utf-8",
    )
    load_profile(path)


@pytest.mark.parametrize("value", ["/tmp", "../elsewhere", "source/../../x"])
def test_sources_outside_the_root_are_refused(tmp_path: Path, value: str) -> None:
    error = _load_error(tmp_path, f'[project]\nsources = ["source", "{value}"]\n')
    assert error.key == "project.sources"


def test_the_evidence_name_pattern_is_linear_too(tmp_path: Path) -> None:
    # matched against imported test names: hostile input
    path = tmp_path / "qms.toml"
    path.write_text(
        'extends = "medical-device"\n[evidence]\nname_pattern = "REQ-(a+)+b"\n',
        encoding="utf-8",
    )
    evidence = load_profile(path).evidence
    assert evidence is not None
    assert evidence.name_pattern is not None
    assert not isinstance(evidence.name_pattern, re.Pattern)
    name = "test_REQ-aab_and_REQ-" + "a" * 5_000
    assert [m.group(0) for m in evidence.name_pattern.finditer(name)] == ["REQ-aab"]


def test_a_lookaround_name_pattern_is_refused_naming_the_key(tmp_path: Path) -> None:
    error = _load_error(tmp_path, '[evidence]\nname_pattern = "(?<=x)REQ"\n')
    assert error.key == "evidence.name_pattern"


def test_the_document_number_pattern_is_linear_too(tmp_path: Path) -> None:
    path = tmp_path / "qms.toml"
    path.write_text(
        'extends = "medical-device"\n[documents]\nnumber_pattern = "^DOC-(a+)+$"\n',
        encoding="utf-8",
    )
    documents = load_profile(path).documents
    assert documents is not None
    assert not isinstance(documents.number_pattern, re.Pattern)
    assert documents.number_pattern.search("DOC-" + "a" * 5_000 + "!") is None
    assert documents.number_pattern.search("DOC-aa") is not None
