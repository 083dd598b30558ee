"""``qms matrix`` and ``qms gaps``: the workbook and the gap report from the CLI."""

from __future__ import annotations

import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from qmsdoc.cli import cli
from qmstest import copy_serenya

if TYPE_CHECKING:
    from pathlib import Path

    from click.testing import Result

#: 2024-01-02T03:04:06Z (even seconds: zip entry times have a resolution of two)
EPOCH = 1_704_164_646
COMMIT_TIME = 1_700_000_000
#: what makes the valid root's chain complete: a security control with its threat,
#: requirement, design output and test, and a vulnerability assessment of a SOUP item
#: (an empty blocking rule fails the gate)
SECURITY_CHAIN = """
.. threat:: Session token replayed against the results API
   :id: THR-001
   :status: approved
   :stride: spoofing
   :asset: Session tokens
   :security_impact: 2
   :exploitability: 2
   :residual_exploitability: 1

.. security_control:: Short-lived tokens bound to the device key
   :id: SC-001
   :status: approved
   :control_category: authentication
   :mitigates: THR-001

.. requirement:: Bind session tokens to the device key
   :id: REQ-002
   :status: approved
   :kind: security
   :level: software
   :satisfies: UN-001
   :implements: SC-001

.. design_output:: Session service
   :id: DO-002
   :status: approved
   :element: software_unit
   :safety_class: B
   :implements: REQ-002

.. verification_test:: Replayed token is refused
   :id: VT-002
   :status: approved
   :test_level: integration
   :method: test
   :verifies: REQ-002, SC-001

.. soup:: requests
   :id: SOUP-001
   :status: approved
   :version: 2.31.0
   :supplier: Python Software Foundation
   :purl: pkg:pypi/requests@2.31.0
   :safety_relevance: none
   :purpose: HTTP client of the report upload
   :soup_requirements: Sends requests over TLS
   :prerequisites: CPython 3.11
   :support_level: actively_maintained
   :end_of_support: 2026-12-31

.. vulnerability:: Proxy credentials leak on redirect
   :id: VULN-001
   :status: approved
   :vulnerability_id: CVE-2023-32681
   :vex_status: not_affected
   :vex_justification: vulnerable_code_not_in_execute_path
   :affects: SOUP-001
"""
#: the risk items of the valid root (hazard to overall evaluation), in file order
RISK_TYPES = (
    "hazard",
    "harm",
    "hazardous_situation",
    "risk_control",
    "risk_evaluation",
)
FAILING_RULES = (
    "requirement_implemented",
    "requirement_verified",
    "user_need_satisfied",
    "user_need_validated",
)

#: blocking rules that apply to no item of the broken root (each fails the gate)
#: rules that may be empty and are, in a project without design review records
NO_DESIGN_REVIEW = ("design_review_scoped", "review_action_raised")
EMPTY_IN_BROKEN = (
    "control_implemented",
    "control_verified",
    "design_review_scoped",
    "hazard_analysed",
    "review_action_raised",
    "security_control_implemented",
    "security_control_verified",
    "situation_controlled",
    "situation_has_harm",
    "situation_has_hazard",
    "vulnerability_located",
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(extra)
    return env


def _qms(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()", *args],
        cwd=cwd,
        env=env or _env(),
        capture_output=True,
        text=True,
        check=False,
    )


def _invoke(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def _git(repository: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *args],
        cwd=repository,
        env=_env(
            GIT_AUTHOR_DATE=f"@{COMMIT_TIME} +0000",
            GIT_COMMITTER_DATE=f"@{COMMIT_TIME} +0000",
        ),
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


def _committed(root: Path) -> str:
    """Put ``root`` under git with one commit of everything; the SHA of HEAD."""
    _git(root, "init", "-q")
    _git(root, "config", "user.name", "Test User")
    _git(root, "config", "user.email", "test@example.invalid")
    _git(root, "config", "commit.gpgsign", "false")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "device file")
    return _git(root, "rev-parse", "HEAD")


def _about(data: bytes) -> dict[str, Any]:
    sheet = load_workbook(io.BytesIO(data))["About"]
    assert isinstance(sheet, Worksheet)
    return {str(row[0]): row[1] for row in sheet.iter_rows(values_only=True)}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _next_second() -> None:
    """Sleep until the wall clock shows the next whole second."""
    now = time.time()
    time.sleep(math.floor(now) + 1 - now + 0.05)


@pytest.fixture(scope="module")
def serenya_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine Serenya copy for this module; tests copy it further if they write."""
    return copy_serenya(tmp_path_factory.mktemp("serenya") / "serenya")


def _fresh(serenya_copy: Path, tmp_path: Path) -> Path:
    return shutil.copytree(serenya_copy, tmp_path / "serenya")


# -- qms matrix -------------------------------------------------------------------------


def test_matrix_writes_the_workbook_under_the_root(
    serenya_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _fresh(serenya_copy, tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    result = _invoke(root, "matrix")
    assert result.exit_code == 0, result.output
    target = root / "traceability" / "traceability.xlsx"
    assert result.output.startswith("qms matrix: ")
    assert result.output.rstrip().endswith(f"items written to {target}")
    data = target.read_bytes()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Design chain",
        "Risk chain",
        "Security chain",
        "Requirement verification",
        "Coverage",
        "Gaps",
        "Verification",
        "SOUP",
        "Vulnerabilities",
        "All items",
        "About",
    ]
    verification = [
        [cell.value for cell in row] for row in book["Verification"].iter_rows()
    ]
    assert verification[0] == ["Item", "Type", "Title", "State", "Detail", "Records"]
    states = {
        "passed",
        "planned, not executed",
        "FAILED",
        "stale",
        "not planned",
        "waived",
    }
    assert len(verification) > 100
    assert {row[3] for row in verification[1:]} <= states
    assert {row[1] for row in verification[1:]} >= {"requirement", "risk_control"}
    coverage = [[cell.value for cell in row] for row in book["Coverage"].iter_rows()]
    assert coverage[0][5:] == [
        "Traced",
        "Traced %",
        "Holes",
        "Verified (executed records)",
        "Verified %",
    ]
    soup = [[cell.value for cell in row] for row in book["SOUP"].iter_rows()]
    assert len(soup) == 1 + 35
    assert all(row[7] != "MISSING" for row in soup[1:])
    vulnerabilities = [
        [cell.value for cell in row] for row in book["Vulnerabilities"].iter_rows()
    ]
    assert [row[7] for row in vulnerabilities[1:]] == [
        "VULN-001",
        "VULN-002",
        "VULN-003",
        "VULN-004",
    ] or all(str(row[7]).startswith("VULN-") for row in vulnerabilities[1:])
    about = _about(data)
    assert about["Project"] == "Serenya"
    assert about["Profile"].startswith("medical-device ")
    assert about["Commit"] == "unknown (not a git repository)"
    assert about["Generated (UTC)"] == "2024-01-02T03:04:06Z"
    assert about["Gap report"] == "pass"
    assert result.output.split()[2] == about["Items"]
    # the workbook is the only file written next to the committed records
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(
        [p.name for p in (serenya_copy / "traceability").iterdir()]
        + ["traceability.xlsx"]
    )


def test_matrix_output_option_and_html_base(
    serenya_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    target = tmp_path / "out" / "trace.xlsx"
    result = _invoke(
        serenya_copy, "matrix", "--output", str(target), "--html-base", "https://x/"
    )
    assert result.exit_code == 0, result.output
    assert not (serenya_copy / "traceability" / "traceability.xlsx").exists()
    sheet = load_workbook(target)["All items"]
    assert isinstance(sheet, Worksheet)
    link = sheet["A2"].hyperlink
    assert link is not None
    assert isinstance(link.target, str)
    assert link.target.startswith("https://x/")
    assert link.target.endswith(f".html#{sheet['A2'].value}")


def test_matrix_with_source_date_epoch_stamps_every_zip_entry(
    serenya_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "trace.xlsx"
    result = _qms(
        "matrix",
        "-o",
        str(target),
        cwd=serenya_copy,
        env=_env(SOURCE_DATE_EPOCH=str(EPOCH)),
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(target) as archive:
        assert {info.date_time for info in archive.infolist()} == {
            (2024, 1, 2, 3, 4, 6)
        }


def test_matrix_with_source_date_epoch_gives_the_same_parts_on_two_runs(
    serenya_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    assert _invoke(serenya_copy, "matrix", "-o", str(first)).exit_code == 0
    assert _invoke(serenya_copy, "matrix", "-o", str(second)).exit_code == 0
    parts = [_parts(first), _parts(second)]
    assert list(parts[0]) == list(parts[1])
    # docProps/core.xml: see the byte-identical test below
    for part in parts:
        del part["docProps/core.xml"]
    assert parts[0] == parts[1]


def test_matrix_with_source_date_epoch_is_byte_identical_on_two_runs(
    serenya_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    assert _invoke(serenya_copy, "matrix", "-o", str(first)).exit_code == 0
    _next_second()
    assert _invoke(serenya_copy, "matrix", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_matrix_in_git_shows_the_commit_and_its_time(
    serenya_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _fresh(serenya_copy, tmp_path)
    head = _committed(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = _invoke(root, "matrix")
    assert result.exit_code == 0, result.output
    about = _about((root / "traceability" / "traceability.xlsx").read_bytes())
    # the workbook itself is untracked: the tree stays clean
    assert about["Commit"] == head
    assert about["Generated (UTC)"] == "2023-11-14T22:13:20Z"
    # a second run sees the same source state
    assert _invoke(root, "matrix").exit_code == 0
    again = _about((root / "traceability" / "traceability.xlsx").read_bytes())
    assert again == about


def test_matrix_in_a_modified_git_tree_says_so(
    serenya_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _fresh(serenya_copy, tmp_path)
    head = _committed(root)
    with (root / "index.rst").open("a", encoding="utf-8") as stream:
        stream.write("\nA local edit.\n")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert _invoke(root, "matrix").exit_code == 0
    about = _about((root / "traceability" / "traceability.xlsx").read_bytes())
    assert about["Commit"] == f"{head} (working tree modified)"


def test_matrix_in_git_is_byte_identical_on_two_runs(
    serenya_copy: Path, tmp_path: Path
) -> None:
    root = _fresh(serenya_copy, tmp_path)
    _committed(root)
    target = root / "traceability" / "traceability.xlsx"
    assert _qms("matrix", cwd=root).returncode == 0
    first = target.read_bytes()
    _next_second()
    assert _qms("matrix", cwd=root).returncode == 0
    assert target.read_bytes() == first


def test_matrix_output_under_a_regular_file_is_exit_2(valid_root: Path) -> None:
    blocker = valid_root / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    before = sorted(p.relative_to(valid_root) for p in valid_root.rglob("*"))
    result = _qms("matrix", "--output", str(blocker / "out.xlsx"), cwd=valid_root)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"qms: error: {blocker / 'out.xlsx'}: cannot be written")
    assert "Traceback" not in result.stderr
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder"
    # no temporary file anywhere, no traceability folder
    assert sorted(p.relative_to(valid_root) for p in valid_root.rglob("*")) == before


# -- qms gaps ---------------------------------------------------------------------------


def test_gaps_passes_on_serenya(serenya_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "gaps.json"
    result = _qms("gaps", "-o", str(target), cwd=serenya_copy)
    assert result.returncode == 0, result.stderr
    assert "hole:" not in result.stdout
    assert "[EMPTY" not in result.stdout
    last = result.stdout.splitlines()[-1]
    # traced is the gate of this command; verification states are reported beside it
    match = re.fullmatch(
        r"qms gaps: trace PASS: 0 holes; verification states: (\d+) not planned, "
        r"(\d+) planned, (\d+) passed, (\d+) failed, (\d+) stale, (\d+) waived; "
        rf"written to {re.escape(str(target))}",
        last,
    )
    assert match is not None, last
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["summary"]["trace_gate"] == "pass"
    assert document["summary"]["holes"] == 0
    assert document["summary"]["empty_rules"] == 0
    counts = document["summary"]["verification_states"]
    assert [int(n) for n in match.groups()] == list(counts.values())
    assert sum(counts.values()) > 100


def test_gaps_passes_on_a_complete_chain(valid_root: Path) -> None:
    with (valid_root / "items.rst").open("a", encoding="utf-8") as stream:
        stream.write(SECURITY_CHAIN)
    result = _qms("gaps", cwd=valid_root)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    start = lines.index(
        " 100.0 %      2/2     traced   requirement_verified (blocking)"
    )
    # traced by links, but no record: verified is a separate, honest figure
    assert lines[start + 1] == "   0.0 %      0/2     verified by executed records"
    assert " 100.0 %      1/1     traced   hazard_analysed (blocking)" in lines
    assert " 100.0 %      1/1     traced   vulnerability_located (blocking)" in lines
    target = valid_root / "traceability" / "gaps.json"
    assert lines[-1] == (
        "qms gaps: trace PASS: 0 holes; verification states: 0 not planned, "
        f"5 planned, 0 passed, 0 failed, 0 stale, 0 waived; written to {target}"
    )
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["summary"] == {
        "rules": len(document["rules"]),
        "holes": 0,
        "empty_rules": len(NO_DESIGN_REVIEW),
        "trace_gate": "pass",
        "verification_states": {
            "not_planned": 0,
            "planned": 5,
            "passed": 0,
            "failed": 0,
            "stale": 0,
            "waived": 0,
        },
    }
    verified = next(r for r in document["rules"] if r["rule"] == "requirement_verified")
    assert (verified["traced_percent"], verified["verified_percent"]) == (100.0, 0.0)
    assert verified["not_verified"] == [
        {"item": "REQ-001", "state": "planned"},
        {"item": "REQ-002", "state": "planned"},
    ]


def test_gaps_fails_on_a_file_without_hazards(valid_root: Path) -> None:
    with (valid_root / "items.rst").open("a", encoding="utf-8") as stream:
        stream.write(SECURITY_CHAIN)
    assert _qms("gaps", cwd=valid_root).returncode == 0
    # the same complete file without any risk item: the risk rules apply to nothing,
    # which is 0 %, not 100 %, and fails the gate without a single hole
    path = valid_root / "items.rst"
    text = path.read_text(encoding="utf-8")
    blocks = text.split("\n.. ")
    kept = [
        block
        for block in blocks
        if not block.startswith(tuple(f"{kind}::" for kind in RISK_TYPES))
    ]
    assert len(blocks) - len(kept) == len(RISK_TYPES)
    text = "\n.. ".join(kept).replace(
        "implements: REQ-001, RC-001", "implements: REQ-001"
    )
    text = text.replace(":verifies: REQ-001, RC-001", ":verifies: REQ-001")
    path.write_text(text, encoding="utf-8")
    result = _qms("gaps", cwd=valid_root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    empty = [line for line in lines if line.endswith("[EMPTY: no item of this type]")]
    assert empty == [
        "   0.0 %      0/0     traced   control_implemented (blocking) "
        "[EMPTY: no item of this type]",
        "   0.0 %      0/0     traced   control_verified (blocking) "
        "[EMPTY: no item of this type]",
        # no design review record in this project: allowed empty, listed
        "   0.0 %      0/0     traced   design_review_scoped (blocking) "
        "[EMPTY: no item of this type]",
        "   0.0 %      0/0     traced   hazard_analysed (blocking) "
        "[EMPTY: no item of this type]",
        "   0.0 %      0/0     traced   review_action_raised (blocking) "
        "[EMPTY: no item of this type]",
        "   0.0 %      0/0     traced   situation_controlled (blocking) "
        "[EMPTY: no item of this type]",
        "   0.0 %      0/0     traced   situation_has_harm (blocking) "
        "[EMPTY: no item of this type]",
        "   0.0 %      0/0     traced   situation_has_hazard (blocking) "
        "[EMPTY: no item of this type]",
    ]
    assert "hole:" not in result.stdout
    assert lines[-1].startswith("qms gaps: trace FAIL: 0 holes; ")
    document = json.loads(
        (valid_root / "traceability" / "gaps.json").read_text(encoding="utf-8")
    )
    assert document["summary"]["trace_gate"] == "fail"
    assert document["summary"]["empty_rules"] == 8
    hazards = next(r for r in document["rules"] if r["rule"] == "hazard_analysed")
    assert (hazards["items"], hazards["traced_percent"], hazards["empty"]) == (
        0,
        0.0,
        True,
    )


def test_gaps_fails_on_a_broken_file_and_lists_the_holes(broken_root: Path) -> None:
    result = _qms("gaps", cwd=broken_root)
    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    start = lines.index(
        "  33.3 %      1/3     traced   requirement_verified (blocking)"
    )
    assert lines[start + 1] == "   0.0 %      0/3     verified by executed records"
    assert lines[start + 2 : start + 4] == [
        "          hole: REQ-1 A requirement with problems (items.rst:8)",
        "          hole: REQ-003 Refines the first one back (items.rst:30)",
    ]
    assert "          hole: UN-001 A need that nothing satisfies (items.rst:4)" in lines
    target = broken_root / "traceability" / "gaps.json"
    assert lines[-1] == (
        "qms gaps: trace FAIL: 7 holes; verification states: 3 not planned, "
        f"1 planned, 0 passed, 0 failed, 0 stale, 0 waived; written to {target}"
    )
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["summary"]["trace_gate"] == "fail"
    assert document["summary"]["holes"] == 7
    verified = next(r for r in document["rules"] if r["rule"] == "requirement_verified")
    assert [hole["item"] for hole in verified["holes"]] == ["REQ-1", "REQ-003"]


def test_gaps_file_is_byte_identical_on_two_runs(broken_root: Path) -> None:
    result = _invoke(broken_root, "gaps")
    assert result.exit_code == 1
    target = broken_root / "traceability" / "gaps.json"
    first = target.read_bytes()
    assert _invoke(broken_root, "gaps").exit_code == 1
    assert target.read_bytes() == first


def _advisory(root: Path, rules: tuple[str, ...]) -> None:
    with (root / "qms.toml").open("a", encoding="utf-8") as stream:
        for rule in rules:
            stream.write(f"\n[coverage.{rule}]\nblocking = false\n")


def test_advisory_rules_pass_while_still_listing_holes(broken_root: Path) -> None:
    _advisory(broken_root, FAILING_RULES)
    # the empty rules alone still fail the gate
    empty = _qms("gaps", cwd=broken_root)
    assert empty.returncode == 1
    assert "qms gaps: trace FAIL: 7 holes; " in empty.stdout
    _advisory(broken_root, EMPTY_IN_BROKEN)
    result = _qms("gaps", cwd=broken_root)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "  33.3 %      1/3     traced   requirement_verified (advisory)" in lines
    assert "          hole: REQ-1 A requirement with problems (items.rst:8)" in lines
    assert (
        "   0.0 %      0/0     traced   hazard_analysed (advisory) "
        "[EMPTY: no item of this type]" in lines
    )
    target = broken_root / "traceability" / "gaps.json"
    assert lines[-1] == (
        "qms gaps: trace PASS: 7 holes; verification states: 3 not planned, "
        f"1 planned, 0 passed, 0 failed, 0 stale, 0 waived; written to {target}"
    )
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["summary"] == {
        "rules": len(document["rules"]),
        "holes": 7,
        "empty_rules": len(EMPTY_IN_BROKEN),
        "trace_gate": "pass",
        "verification_states": {
            "not_planned": 3,
            "planned": 1,
            "passed": 0,
            "failed": 0,
            "stale": 0,
            "waived": 0,
        },
    }


def test_one_blocking_rule_with_holes_still_fails(broken_root: Path) -> None:
    _advisory(broken_root, FAILING_RULES[1:] + EMPTY_IN_BROKEN)
    result = _invoke(broken_root, "gaps")
    assert result.exit_code == 1
    assert "requirement_implemented (blocking)" in result.output
    assert "(blocking) [EMPTY" not in result.output
    assert "qms gaps: trace FAIL: 7 holes" in result.output


def test_gaps_output_under_a_regular_file_is_exit_2(valid_root: Path) -> None:
    blocker = valid_root / "blocker"
    blocker.write_text("a file", encoding="utf-8")
    result = _qms("gaps", "--output", str(blocker / "gaps.json"), cwd=valid_root)
    assert result.returncode == 2
    assert "cannot be written" in result.stderr
    assert "Traceback" not in result.stderr
