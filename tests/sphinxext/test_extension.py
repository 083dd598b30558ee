"""The Sphinx extension, in real Sphinx builds of small test projects."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qmstest import sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

#: (line, check id, start of message) of every finding in tests/roots/test-broken
EXPECTED_BROKEN = [
    (
        4,
        "coverage_user_need_satisfied",
        "UN-001: no requirement satisfies this user_need",
    ),
    (
        4,
        "coverage_user_need_validated",
        "UN-001: no validation validates this user_need",
    ),
    (8, "coverage_requirement_implemented", "REQ-1: no design_output implements"),
    (8, "coverage_requirement_verified", "REQ-1: no verification_test verifies"),
    (8, "field_missing", "REQ-1: required field 'level' of requirement is missing"),
    (8, "field_unknown", "REQ-1: field 'colour' is not a field of requirement"),
    (8, "field_value", "REQ-1: field 'status': 'finished' is not one of"),
    (
        8,
        "id_malformed",
        "id 'REQ-1' does not match the requirement pattern 'REQ-[0-9]{3,4}'",
    ),
    (8, "link_target_unknown", "REQ-1: satisfies 'UN-404': no such item"),
    (
        15,
        "link_not_allowed",
        "VT-001: a verification_test cannot carry 'satisfies' links",
    ),
    (23, "coverage_requirement_implemented", "REQ-002: no design_output implements"),
    (23, "link_cycle", "REQ-002: links form a cycle through REQ-002, REQ-003"),
    (23, "link_self", "REQ-002: refines links the item to itself"),
    (30, "coverage_requirement_implemented", "REQ-003: no design_output implements"),
    (39, "id_duplicate", "id 'REQ-003' is already used at items.rst:30"),
]
_WARNING = re.compile(
    r"(?P<path>.+?):(?P<line>\d+): WARNING: (?P<message>.*) \[qms\.(?P<check>\w+)\]$"
)


#: the broken file's findings about what it lacks altogether, at line 1 of qms.toml
EXPECTED_BROKEN_FILE = [
    "coverage_control_implemented",
    "coverage_control_verified",
    "coverage_hazard_analysed",
    "coverage_security_control_implemented",
    "coverage_security_control_verified",
    "coverage_situation_controlled",
    "coverage_situation_has_harm",
    "coverage_situation_has_hazard",
    "risk_file_empty",
    "soup_list_empty",
]


def _qms_warnings(lines: list[str]) -> list[tuple[int, str, str]]:
    """The findings about items (``items.rst``); those about the whole file are at
    line 1 of ``qms.toml``."""
    found = []
    for line in lines:
        match = _WARNING.fullmatch(line)
        if match is not None and match.group("path").endswith("qms.toml"):
            assert match.group("line") == "1", line
        elif match is not None:
            assert match.group("path").endswith("items.rst"), line
            found.append(
                (int(match.group("line")), match.group("check"), match.group("message"))
            )
    return found


def test_every_broken_item_is_reported_once_at_its_line(broken_root: Path) -> None:
    run = sphinx_build(broken_root, "-E")
    found = _qms_warnings(run.warnings)
    assert [(line, check) for line, check, _ in found] == [
        (line, check) for line, check, _ in EXPECTED_BROKEN
    ]
    for (_, _, message), (_, _, expected) in zip(found, EXPECTED_BROKEN, strict=True):
        assert message.startswith(expected), (message, expected)
    whole_file = _qms_warnings_any(run.warnings, "qms.toml")
    assert sorted(check for _, check, _ in whole_file) == EXPECTED_BROKEN_FILE
    # nothing else is reported: sphinx-needs does not repeat what qmsdoc says
    assert [line for line in run.warnings if "[qms." not in line] == []
    assert "Traceback" not in run.stderr


def test_waived_finding_is_not_a_warning(broken_root: Path) -> None:
    run = sphinx_build(broken_root, "-E")
    assert not any(
        "coverage_requirement_verified" in line and ":30:" in line
        for line in run.warnings
    )


def test_warnings_fail_a_strict_build(broken_root: Path) -> None:
    run = sphinx_build(broken_root, "-E", "-W", "--keep-going")
    assert run.returncode != 0


def test_suppress_warnings_takes_qms_subtypes(broken_root: Path) -> None:
    run = sphinx_build(
        broken_root,
        "-E",
        "-D",
        "suppress_warnings=qms.coverage_requirement_implemented,qms.link_cycle",
    )
    checks = {check for _, check, _ in _qms_warnings(run.warnings)}
    assert "coverage_requirement_implemented" not in checks
    assert "link_cycle" not in checks
    assert "field_value" in checks


def test_valid_project_builds_strict(valid_root: Path) -> None:
    run = sphinx_build(valid_root, "-E", "-W", "--keep-going")
    assert run.returncode == 0, [*run.warnings, run.stderr]
    assert run.warnings == []
    page = (valid_root / "_build" / "html" / "items.html").read_text(encoding="utf-8")
    assert "REQ-001" in page
    assert "Flag results outside the reference range" in page


def test_invalid_profile_stops_the_build_with_one_message(valid_root: Path) -> None:
    (valid_root / "qms.toml").write_text(
        'extends = "medical-device"\n[types.requirement]\nprefx = "R-"\n',
        encoding="utf-8",
    )
    run = sphinx_build(valid_root, "-E")
    assert run.returncode != 0
    assert "qms.toml: [types.requirement.prefx]: unknown key" in run.stderr
    assert "Traceback" not in run.stderr


def test_toml_syntax_error_names_the_line(valid_root: Path) -> None:
    (valid_root / "qms.toml").write_text(
        'extends = "medical-device"\n[project\n', encoding="utf-8"
    )
    run = sphinx_build(valid_root, "-E")
    assert run.returncode != 0
    assert "qms.toml:2: TOML syntax error" in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_item_type_is_reported_at_its_line(valid_root: Path) -> None:
    items = valid_root / "items.rst"
    text = items.read_text(encoding="utf-8")
    line = len(text.splitlines()) + 2
    items.write_text(
        text + "\n.. requirment:: Misspelt directive\n   :id: REQ-002\n",
        encoding="utf-8",
    )
    before = items.read_bytes()
    run = sphinx_build(valid_root, "-E")
    assert any(
        f'items.rst:{line}: ERROR: Unknown directive type "requirment"' in warning
        for warning in run.warnings
    ), run.warnings
    assert items.read_bytes() == before


def test_incremental_build_reports_findings_of_unchanged_documents(
    valid_root: Path,
) -> None:
    assert sphinx_build(valid_root).returncode == 0
    extra = valid_root / "extra.rst"
    extra.write_text(
        "Extra\n=====\n\n.. requirement:: Unverified\n   :id: REQ-002\n   :status: draft\n"
        "   :kind: functional\n   :level: software\n   :satisfies: UN-001\n",
        encoding="utf-8",
    )
    index = valid_root / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace("   items\n", "   items\n   extra\n")
    )
    run = sphinx_build(valid_root)
    checks = [
        (line, check) for line, check, _ in _qms_warnings_any(run.warnings, "extra.rst")
    ]
    assert (4, "coverage_requirement_verified") in checks
    assert (4, "coverage_requirement_implemented") in checks


def _qms_warnings_any(lines: list[str], suffix: str) -> list[tuple[int, str, str]]:
    found = []
    for line in lines:
        match = _WARNING.fullmatch(line)
        if match is not None and match.group("path").endswith(suffix):
            found.append(
                (int(match.group("line")), match.group("check"), match.group("message"))
            )
    return found


def test_missing_project_file_named_in_conf_stops_the_build(valid_root: Path) -> None:
    conf = valid_root / "conf.py"
    conf.write_text(conf.read_text() + 'qms_project_file = "company.toml"\n')
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 2
    assert run.stderr.strip().endswith(
        "company.toml: file not found (qms_project_file in conf.py) [qms.profile]"
    )
    assert "Traceback" not in run.stderr
