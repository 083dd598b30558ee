"""The profile: the packaged default, ``extends`` merging, and every invalid case."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import TYPE_CHECKING, Any

import pytest

from qmsdoc.errors import ProfileError
from qmsdoc.profile import (
    DEFAULT_PROFILE,
    FieldSpec,
    load_profile,
    packaged_profiles,
    split_list,
)

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_TYPES = (
    "user_need",
    "requirement",
    "design_output",
    "hazard",
    "hazardous_situation",
    "harm",
    "risk_control",
    "verification_test",
    "validation",
    "soup",
    "anomaly",
    "change_request",
    "standard_clause",
)

CORE_COVERAGE = (
    "user_need_satisfied",
    "user_need_validated",
    "requirement_implemented",
    "requirement_verified",
    "hazard_analysed",
    "situation_has_harm",
    "situation_has_hazard",
    "situation_controlled",
    "control_implemented",
    "control_verified",
)

#: a small standalone profile (no ``extends``); each invalid case edits one line of it
MINIMAL = """\
[profile]
name = "mini"
version = "1"

[fields.status]
kind = "choice"
values = ["draft", "approved"]

[fields.score]
kind = "integer"
min = 1
max = 5

[links.verifies]
incoming = "verified by"

[types.req]
title = "Requirement"
prefix = "R-"
required = ["status"]
optional = ["score"]

[types.test]
title = "Test"
prefix = "T-"
required = ["status"]
links = { verifies = ["req"] }

[coverage.req_verified]
description = "Every requirement is verified"
type = "req"
incoming = "verifies"
from = ["test"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "qms.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _edit(old: str, new: str) -> str:
    assert MINIMAL.count(old) == 1, old
    return MINIMAL.replace(old, new)


def _load_error(path: Path) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    return caught.value


# -- the packaged default profile ------------------------------------------------------


def _packaged_tables() -> dict[str, Any]:
    text = (
        resources.files("qmsdoc.profile") / "data" / "medical-device.toml"
    ).read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_default_profile_has_the_thirteen_item_types() -> None:
    profile = load_profile()
    assert profile.name == "medical-device" == DEFAULT_PROFILE
    assert profile.version == "1.0.0"
    assert profile.source == "medical-device"
    names = tuple(t.name for t in profile.types)
    # the 13 types of the design-control chain and risk file, in file order; the
    # profile may declare more, and then each of them loads too
    assert tuple(name for name in names if name in DEFAULT_TYPES) == DEFAULT_TYPES
    assert names == tuple(_packaged_tables()["types"])
    assert profile.directives >= frozenset(DEFAULT_TYPES)
    assert {link.name for link in profile.links} >= {
        "satisfies", "refines", "implements", "part_of", "verifies", "validates",
        "arises_from", "leads_to", "mitigates", "introduces", "uses", "affects",
        "changes", "complies_with",
    }  # fmt: skip
    assert {rule.name for rule in profile.coverage} >= set(CORE_COVERAGE)
    assert len(profile.coverage) == len(_packaged_tables()["coverage"])
    assert profile.waiver_field == "waiver"


def test_packaged_profiles_lists_the_default() -> None:
    assert packaged_profiles() == ["medical-device"]


def test_default_requirement_type() -> None:
    profile = load_profile()
    requirement = profile.item_type("requirement")
    assert requirement is not None
    assert requirement.prefix == "REQ-"
    assert requirement.required == ("status", "kind", "level")
    assert requirement.fields == (
        "status",
        "kind",
        "level",
        "tags",
        "waiver",
        "rationale",
    )
    assert requirement.id_pattern_text == "REQ-[0-9]{3,4}"
    assert requirement.id_pattern.fullmatch("REQ-001")
    assert requirement.id_pattern.fullmatch("REQ-1234")
    assert not requirement.id_pattern.fullmatch("REQ-01")
    assert not requirement.id_pattern.fullmatch("REQ-12345")
    assert not requirement.id_pattern.fullmatch("REQX001")
    assert requirement.link_targets("satisfies") == ("user_need",)
    assert requirement.link_targets("verifies") is None


def test_default_profile_lookups() -> None:
    profile = load_profile()
    assert profile.item_type("nothing") is None
    standard = profile.type_for_directive("Standard_Clause")
    assert standard is not None
    assert standard.name == "standard_clause"
    assert standard.id_pattern.fullmatch("STD-IEC62304-5.1.1")
    assert profile.type_for_directive("note") is None
    status = profile.field_spec("status")
    assert status is not None
    assert status.kind == "choice"
    assert status.values == ("draft", "in_review", "approved", "obsolete")
    assert profile.field_spec("colour") is None
    link = profile.link_type("verifies")
    assert link is not None
    assert link.incoming == "verified by"
    assert profile.link_type("blocks") is None
    rule = next(r for r in profile.coverage if r.name == "situation_has_harm")
    assert rule.check_id == "coverage_situation_has_harm"
    assert rule.direction == "outgoing"
    assert rule.counterpart_types == ("harm",)
    assert rule.severity == "error"
    assert rule.blocking is True


def test_a_minimal_standalone_profile_loads_without_the_default(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL)
    profile = load_profile(path)
    assert profile.name == "mini"
    assert profile.source == str(path)
    assert tuple(t.name for t in profile.types) == ("req", "test")
    req = profile.item_type("req")
    assert req is not None
    assert req.directive == "req"
    assert req.color == "#EEEEEE"
    assert req.id_pattern_text == "R-[0-9]{3,}"
    assert req.id_pattern.fullmatch("R-00001")
    assert profile.waiver_field is None
    score = profile.field_spec("score")
    assert score == FieldSpec(name="score", kind="integer", minimum=1, maximum=5)


# -- extends ---------------------------------------------------------------------------

EXTENDING = """\
extends = "medical-device"

[project]
name = "Device"

[types.requirement]
prefix = "SRS-"

[types.test_report]
title = "Test report"
prefix = "TR-"
required = ["status"]
links = { verifies = ["verification_test"] }

[coverage.test_reported]
description = "Every verification test has a test report"
type = "verification_test"
incoming = "verifies"
from = ["test_report"]
severity = "warning"
blocking = false
"""


def test_extends_merges_overrides_key_by_key(tmp_path: Path) -> None:
    default = load_profile()
    path = _write(tmp_path, EXTENDING)
    profile = load_profile(path)
    assert profile.name == "medical-device"
    assert profile.source == str(path)
    assert tuple(t.name for t in profile.types) == (
        *(t.name for t in default.types),
        "test_report",
    )
    requirement = profile.item_type("requirement")
    assert requirement is not None
    assert requirement.prefix == "SRS-"
    assert requirement.id_pattern.fullmatch("SRS-001")
    assert not requirement.id_pattern.fullmatch("REQ-001")
    # keys the override does not name keep their packaged values
    assert requirement.required == ("status", "kind", "level")
    assert requirement.title == "Requirement"
    report = profile.item_type("test_report")
    assert report is not None
    assert report.link_targets("verifies") == ("verification_test",)
    assert len(profile.coverage) == len(default.coverage) + 1
    rule = next(r for r in profile.coverage if r.name == "test_reported")
    assert rule.check_id == "coverage_test_reported"
    assert rule.severity == "warning"
    assert rule.blocking is False


def test_extends_replaces_lists(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'extends = "medical-device"\n[types.hazard]\nrequired = ["status"]\n',
    )
    hazard = load_profile(path).item_type("hazard")
    assert hazard is not None
    assert hazard.required == ("status",)


def test_a_project_file_without_types_extends_the_default(tmp_path: Path) -> None:
    path = _write(tmp_path, '[project]\nname = "Device"\n')
    profile = load_profile(path)
    assert profile.types == load_profile().types
    assert profile.source == str(path)


def test_an_unknown_extends_fails(tmp_path: Path) -> None:
    path = _write(tmp_path, 'extends = "dental-device"\n')
    error = _load_error(path)
    assert str(error) == (
        f"{path}: [extends]: unknown profile 'dental-device'; "
        "packaged profiles: medical-device"
    )
    assert error.key == "extends"


def test_a_non_string_extends_fails(tmp_path: Path) -> None:
    error = _load_error(_write(tmp_path, "extends = 3\n"))
    assert error.key == "extends"
    assert "unknown profile 3" in error.problem


def test_an_extending_override_is_validated(tmp_path: Path) -> None:
    path = _write(
        tmp_path, 'extends = "medical-device"\n[types.requirement]\nprefx = "R-"\n'
    )
    error = _load_error(path)
    assert str(error).startswith(f"{path}: [types.requirement.prefx]: unknown key")


# -- files that cannot be read ---------------------------------------------------------


def test_a_missing_file_fails(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    error = _load_error(path)
    assert str(error) == f"{path}: file not found"
    assert error.path == str(path)


def test_a_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[profile]\nname = "mini"\nversion = \n')
    error = _load_error(path)
    assert error.line == 3
    assert str(error).startswith(f"{path}:3: TOML syntax error: ")
    assert "(at line" not in str(error)


def test_a_folder_cannot_be_read_as_a_profile(tmp_path: Path) -> None:
    error = _load_error(tmp_path)
    assert str(error) == f"{tmp_path}: not a regular file (a folder); refused"


def test_a_profile_nested_too_deeply_is_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "value = " + "[" * 5000 + "]" * 5000 + "\n")
    assert str(_load_error(path)) == f"{path}: TOML nested too deeply"


def test_a_profile_with_a_5000_digit_integer_is_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "value = " + "9" * 5000 + "\n")
    assert "Exceeds the limit (4300 digits)" in str(_load_error(path))


def test_a_profile_over_1_mib_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "#" * (1024 * 1024) + "\n")
    assert "larger than the 1 MiB limit for a profile file" in str(_load_error(path))


# -- invalid profiles: each names the file and the key ---------------------------------

INVALID: list[tuple[str, str, str, str]] = [
    # (case, profile text, key, start of the problem)
    (
        "unknown top-level table",
        MINIMAL + '\n[typo]\nname = "x"\n',
        "typo",
        "unknown table; expected one of ai, anomalies, approvals, coverage, design, design_review, documents, evidence, extends, fields, gate, gspr, input_limits, links, matrices, profile, release, risk, security, soup, suspect, types",
    ),
    (
        "unknown key in a type",
        _edit('prefix = "R-"', 'prefx = "R-"'),
        "types.req.prefx",
        "unknown key; expected one of color, description, directive,",
    ),
    (
        "required field not declared",
        _edit(
            'required = ["status"]\noptional',
            'required = ["status", "owner"]\noptional',
        ),
        "types.req",
        "field 'owner' is not declared in [fields]",
    ),
    (
        "link to an unknown type",
        _edit('verifies = ["req"]', 'verifies = ["reqq"]'),
        "types.test.links.verifies",
        "unknown item type 'reqq'",
    ),
    (
        "link type not declared",
        _edit('verifies = ["req"]', 'satisfies = ["req"]'),
        "types.test.links.satisfies",
        "link type 'satisfies' is not declared in [links]",
    ),
    (
        "invalid id_pattern regex",
        _edit('prefix = "R-"', 'prefix = "R-"\nid_pattern = "{prefix}[0-9"'),
        "types.req.id_pattern",
        "invalid regular expression: ",
    ),
    (
        "duplicate prefix",
        _edit('prefix = "T-"', 'prefix = "R-"'),
        "types.test.prefix",
        "'R-' is already used by type 'req'",
    ),
    (
        "duplicate directive",
        _edit('title = "Test"', 'title = "Test"\ndirective = "req"'),
        "types.test.directive",
        "'req' is already used by type 'req'",
    ),
    (
        "coverage rule with both incoming and outgoing",
        _edit('incoming = "verifies"', 'incoming = "verifies"\noutgoing = "verifies"'),
        "coverage.req_verified",
        "give exactly one of 'incoming' or 'outgoing'",
    ),
    (
        "coverage rule with neither incoming nor outgoing",
        _edit('incoming = "verifies"\n', ""),
        "coverage.req_verified",
        "give exactly one of 'incoming' or 'outgoing'",
    ),
    (
        "bad severity",
        _edit('from = ["test"]', 'from = ["test"]\nseverity = "fatal"'),
        "coverage.req_verified.severity",
        "'fatal' is not one of error, warning, info",
    ),
    (
        "coverage of an unknown type",
        _edit('type = "req"', 'type = "requirement"'),
        "coverage.req_verified",
        "unknown item type 'requirement'",
    ),
    (
        "coverage by an undeclared link",
        _edit('incoming = "verifies"', 'incoming = "validates"'),
        "coverage.req_verified.incoming",
        "link type 'validates' is not declared",
    ),
    (
        "coverage without counterpart types",
        _edit('from = ["test"]', "from = []"),
        "coverage.req_verified.from",
        "list at least one item type",
    ),
    (
        "non-boolean blocking",
        _edit('from = ["test"]', 'from = ["test"]\nblocking = "yes"'),
        "coverage.req_verified.blocking",
        "must be true or false",
    ),
    (
        "choice field without values",
        _edit('values = ["draft", "approved"]', "values = []"),
        "fields.status.values",
        "a choice field needs a non-empty list of values",
    ),
    (
        "min greater than max",
        _edit("min = 1\nmax = 5", "min = 5\nmax = 1"),
        "fields.score",
        "min 5 is greater than max 1",
    ),
    (
        "non-integer min",
        _edit("min = 1", 'min = "1"'),
        "fields.score.min",
        "must be a whole number",
    ),
    (
        "unknown field kind",
        _edit('kind = "integer"', 'kind = "number"'),
        "fields.score.kind",
        "'number' is not one of text, choice, choices, integer, date, waivers",
    ),
    (
        "reserved field name",
        MINIMAL + '\n[fields.title]\nkind = "text"\n',
        "fields.title",
        "'title' is reserved and cannot be a field",
    ),
    (
        "upper-case name",
        _edit("[types.test]", "[types.Test]"),
        "types.Test",
        "names are lower case letters, digits and underscores",
    ),
    (
        "field both required and optional",
        _edit('optional = ["score"]', 'optional = ["score", "status"]'),
        "types.req",
        "a field is listed as both required and optional",
    ),
    (
        "value listed twice",
        _edit('optional = ["score"]', 'optional = ["score", "score"]'),
        "types.req.optional",
        "lists a value twice",
    ),
    (
        "missing prefix",
        _edit('prefix = "T-"\n', ""),
        "types.test.prefix",
        "missing value",
    ),
    (
        "empty title",
        _edit('title = "Test"', 'title = " "'),
        "types.test.title",
        "must be a non-empty string",
    ),
    (
        "missing links table",
        _edit('[links.verifies]\nincoming = "verified by"\n', ""),
        "links",
        "missing table",
    ),
    (
        "a field that is also a link",
        MINIMAL + '\n[fields.verifies]\nkind = "text"\n',
        "links",
        "verifies is both a field and a link",
    ),
    (
        "unknown key in [profile]",
        _edit('version = "1"', 'version = "1"\nauthor = "me"'),
        "profile.author",
        "unknown key; expected one of description, id_pattern, name, rendering_options, version",
    ),
    (
        "a type that is not a table",
        "types.other = 3\n" + MINIMAL,
        "types.other",
        "must be a table",
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [pytest.param(text, key, problem, id=case) for case, text, key, problem in INVALID],
)
def test_an_invalid_profile_names_file_and_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = _write(tmp_path, text)
    error = _load_error(path)
    assert str(error).startswith(f"{path}: [{key}]: {problem}"), str(error)
    assert error.path == str(path)
    assert error.key == key


def test_a_profile_without_types_fails(tmp_path: Path) -> None:
    text = MINIMAL.split("[types.req]", maxsplit=1)[0] + "[types]\n"
    error = _load_error(_write(tmp_path, text))
    assert error.key == "types"
    assert error.problem == "the profile declares no item types"


# -- field values ----------------------------------------------------------------------

STATUS = FieldSpec(name="status", kind="choice", values=("draft", "approved"))
TAGS = FieldSpec(name="platform", kind="choices", values=("ios", "android", "web"))
SCORE = FieldSpec(name="score", kind="integer", minimum=1, maximum=5)
DUE = FieldSpec(name="due", kind="date")
NOTE = FieldSpec(name="note", kind="text")
WAIVER = FieldSpec(name="waiver", kind="waivers")


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        (STATUS, "draft"),
        (STATUS, "  approved  "),
        (TAGS, "ios"),
        (TAGS, "ios, web;android"),
        (TAGS, "ios,\nweb"),
        (SCORE, "1"),
        (SCORE, "5"),
        (SCORE, " +3 "),
        (FieldSpec(name="n", kind="integer"), "-40000"),
        (DUE, "2024-02-29"),
        (NOTE, "anything at all: 42"),
        (WAIVER, "not: checked here"),
    ],
)
def test_allowed_field_values(spec: FieldSpec, value: str) -> None:
    assert spec.value_problem(value) is None


@pytest.mark.parametrize(
    ("spec", "value", "problem"),
    [
        (STATUS, "finished", "'finished' is not one of draft, approved"),
        (STATUS, "Draft", "'Draft' is not one of draft, approved"),
        (STATUS, "draft, approved", "'draft, approved' is not one of draft, approved"),
        (TAGS, "ios, linux, dos", "linux, dos not among ios, android, web"),
        (SCORE, "0", "0 is below the minimum 1"),
        (SCORE, "6", "6 is above the maximum 5"),
        (SCORE, "three", "'three' is not a whole number"),
        (SCORE, "2.5", "'2.5' is not a whole number"),
        (SCORE, "1e3", "'1e3' is not a whole number"),
        (DUE, "2023-02-29", "'2023-02-29' is not a date in the form YYYY-MM-DD"),
        (DUE, "15.01.2024", "'15.01.2024' is not a date in the form YYYY-MM-DD"),
        (DUE, "2024-1-5", "'2024-1-5' is not a date in the form YYYY-MM-DD"),
    ],
)
def test_field_value_problems(spec: FieldSpec, value: str, problem: str) -> None:
    assert spec.value_problem(value) == problem


@pytest.mark.parametrize("value", ["20240115", "2024-W03-1"])
def test_a_date_must_be_written_yyyy_mm_dd(value: str) -> None:
    assert DUE.value_problem(value) == (
        f"{value!r} is not a date in the form YYYY-MM-DD"
    )


def test_a_huge_number_is_a_problem_not_an_exception() -> None:
    assert SCORE.value_problem("9" * 5000) is not None


def test_split_list() -> None:
    assert split_list(" a, b;c\n d ,, ;") == ["a", "b", "c", "d"]
    assert split_list("") == []


def test_an_invalid_default_id_pattern_names_the_profile_key(tmp_path: Path) -> None:
    path = tmp_path / "qms.toml"
    path.write_text(
        'extends = "medical-device"\n[profile]\nid_pattern = "{prefix}[0-9"\n'
    )
    with pytest.raises(ProfileError) as raised:
        load_profile(path)
    assert "[profile.id_pattern]: invalid regular expression" in str(raised.value)
