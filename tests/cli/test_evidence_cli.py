"""``qms evidence import`` / ``status`` and staleness judged from a real git history."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources
from typing import TYPE_CHECKING

from qmsdoc.evidence import import_reports, write_run
from qmstest import without_approval_policy

if TYPE_CHECKING:
    from pathlib import Path

JUNIT = """\
<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" timestamp="2024-05-02T10:11:12">
<testcase classname="tests.unit.test_flags" name="test_limits" time="0.002">
<properties><property name="verifies" value="REQ-001" /></properties></testcase>
<testcase classname="tests.unit.test_flags" name="test_skip" time="0">
<skipped message="later" /></testcase>
<testcase classname="tests.unit.test_flags" name="test_other" time="0.1">
<failure message="no" /></testcase>
</testsuite></testsuites>
"""

#: a passing case naming REQ-001 directly, and a passing result of its test item VT-001
#: (REQ-001 is passed only when every verifier linked to it, VT-001, has passed too)
PASSING = """\
<testsuites><testsuite name="pytest">
<testcase classname="tests.unit.test_flags" name="test_limits" time="0.002">
<properties><property name="verifies" value="REQ-001" /></properties></testcase>
<testcase classname="tests.unit.test_flags" name="test_vt_001" time="0.003">
<properties><property name="verifies" value="VT-001" /></properties></testcase>
</testsuite></testsuites>
"""

#: only the passing case that names REQ-001: VT-001, linked to it, has no result
ONLY_REQ = """\
<testsuites><testsuite name="pytest">
<testcase classname="tests.unit.test_flags" name="test_limits" time="0.002">
<properties><property name="verifies" value="REQ-001" /></properties></testcase>
</testsuite></testsuites>
"""

#: GoogleTest's record of a DISABLED_ test (status="notrun", result="suppressed"):
#: the only case naming VT-001, which verifies REQ-001 and RC-001
DISABLED = """\
<testsuites><testsuite name="FlagTest" tests="1" disabled="1">
<testcase classname="FlagTest" name="DISABLED_Limits" status="notrun"
 result="suppressed" time="0">
<properties><property name="verifies" value="VT-001" /></properties></testcase>
</testsuite></testsuites>
"""

REQ_TEXT = "The software shall flag a result below the lower or above the upper limit."
REQ_STATUS = ":id: REQ-001\n   :status: approved"


def _qms(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def _git(repository: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "@1700000000 +0000",
        "GIT_COMMITTER_DATE": "@1700000000 +0000",
    }
    completed = subprocess.run(
        ["git", *args],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


def _commit_all(repository: Path, message: str) -> str:
    _git(repository, "add", "-A")
    _git(repository, "commit", "-q", "-m", message)
    return _git(repository, "rev-parse", "HEAD")


def _repository(root: Path) -> str:
    """Make ``root`` a git repository with one commit; return its SHA."""
    without_approval_policy(root)
    _git(root, "init", "-q")
    _git(root, "config", "user.name", "Test User")
    _git(root, "config", "user.email", "test@example.invalid")
    _git(root, "config", "commit.gpgsign", "false")
    return _commit_all(root, "device file")


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "items.rst"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _req_line(root: Path) -> int:
    """The line of REQ-001's directive (the only requirement of the test root)."""
    lines = (root / "items.rst").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if ".. requirement::" in line)


def _evidence(root: Path) -> Path:
    return root / "traceability" / "evidence"


def _record(root: Path, report: Path, *, commit: str, run_id: str) -> None:
    """Import ``report`` in process (quicker), as ``qms evidence import`` does."""
    run = import_reports([report], commit=commit, run_id=run_id, date=None)
    write_run(_evidence(root), run)


def test_import_prints_a_summary_and_writes_the_record(
    valid_root: Path, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(JUNIT, encoding="utf-8")
    commit = "0123456789abcdef0123456789abcdef01234567"
    result = _qms(
        "evidence", "import", str(report), "--commit", commit, "--run", "ci-1",
        cwd=valid_root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    record = _evidence(valid_root.resolve()) / "ci-1.json"
    # the commit is not this tree's HEAD (not even a git repository): unknown
    assert result.stdout == (
        "qms evidence: run ci-1 (0123456789ab, tree state unknown): 3 cases "
        f"(1 passed, 1 failed, 1 skipped) -> {record}\n"
    )
    assert result.stderr == ""
    document = json.loads(record.read_text(encoding="utf-8"))
    assert document["run"] == "ci-1"
    assert document["commit"] == commit
    assert document["date"] == "2024-05-02T10:11:12"
    assert document["source"] == "junit.xml"
    assert document["summary"]["passed"] == 1
    assert [r["name"] for r in document["results"]] == [
        "test_limits",
        "test_other",
        "test_skip",
    ]


def test_an_existing_run_id_is_refused_unless_replace(
    valid_root: Path, tmp_path: Path
) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(JUNIT, encoding="utf-8")
    commit = "0123456789abcdef0123456789abcdef01234567"
    first = _qms(
        "evidence", "import", str(report), "--commit", commit, "--run", "ci-1",
        cwd=valid_root,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    record = _evidence(valid_root.resolve()) / "ci-1.json"
    stored = record.read_bytes()
    # the same run id again, even from other results: refused, the record unchanged
    other = tmp_path / "other.xml"
    other.write_text(ONLY_REQ, encoding="utf-8")
    again = _qms(
        "evidence", "import", str(other), "--commit", commit, "--run", "ci-1",
        cwd=valid_root,
    )  # fmt: skip
    assert again.returncode == 2
    assert again.stdout == ""
    assert again.stderr == (
        f"qms: error: {record}: run ci-1 is already recorded (qmsdoc-evidence/2, "
        "commit 0123456789ab, date 2024-05-02T10:11:12, 3 results); records are "
        "append-only: import under another run id, or pass --replace to replace it\n"
    )
    assert record.read_bytes() == stored
    assert sorted(p.name for p in _evidence(valid_root).glob("*.json")) == ["ci-1.json"]
    # --replace replaces it and says what it replaced
    replaced = _qms(
        "evidence", "import", str(other), "--commit", commit, "--run", "ci-1",
        "--replace", cwd=valid_root,
    )  # fmt: skip
    assert replaced.returncode == 0, replaced.stderr
    assert replaced.stdout == (
        "qms evidence: run ci-1 (0123456789ab, tree state unknown): 1 cases "
        f"(1 passed) -> {record}\n"
        "qms evidence: replaced the earlier record: qmsdoc-evidence/2, commit "
        "0123456789ab, date 2024-05-02T10:11:12, 3 results\n"
    )
    document = json.loads(record.read_text(encoding="utf-8"))
    assert [r["name"] for r in document["results"]] == ["test_limits"]


def test_import_states_whether_the_tested_tree_was_clean(
    valid_root: Path, tmp_path: Path
) -> None:
    head = _repository(valid_root)
    report = tmp_path / "junit.xml"
    report.write_text(PASSING, encoding="utf-8")
    clean = _qms(
        "evidence", "import", str(report), "--commit", head, "--run", "ci-1",
        cwd=valid_root,
    )  # fmt: skip
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.startswith(
        f"qms evidence: run ci-1 ({head[:12]}, clean tree): "
    )
    # a tracked file edited and not committed
    _edit(valid_root, REQ_TEXT, REQ_TEXT.replace("shall flag", "shall highlight"))
    modified = _qms(
        "evidence", "import", str(report), "--commit", head, "--run", "ci-2",
        cwd=valid_root,
    )  # fmt: skip
    assert modified.returncode == 0, modified.stderr
    assert modified.stdout.startswith(
        f"qms evidence: run ci-2 ({head[:12]}, modified tree): "
    )
    told = _qms(
        "evidence", "import", str(report), "--commit", head, "--run", "ci-3",
        "--tree-clean", cwd=valid_root,
    )  # fmt: skip
    assert told.stdout.startswith(f"qms evidence: run ci-3 ({head[:12]}, clean tree): ")
    records = [
        json.loads((_evidence(valid_root) / f"ci-{n}.json").read_text("utf-8"))
        for n in (1, 2, 3)
    ]
    assert [r["tree_clean"] for r in records] == [True, False, True]


def test_import_without_commit_or_run_says_so(valid_root: Path) -> None:
    (valid_root / "empty.xml").write_text("<testsuites/>", encoding="utf-8")
    result = _qms("evidence", "import", "empty.xml", cwd=valid_root)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"qms evidence: run run-[0-9a-f]{12} \(unknown commit, tree state unknown\): "
        r"0 cases \(none\)"
        r" -> .*/traceability/evidence/run-[0-9a-f]{12}\.json\n",
        result.stdout,
    )


def test_a_profile_without_evidence_is_a_one_line_error(valid_root: Path) -> None:
    data = resources.files("qmsdoc.profile") / "data" / "medical-device.toml"
    packaged = data.read_text(encoding="utf-8")
    without = re.sub(r"(?m)^\[evidence\]\n(?:(?!\[).*\n)*", "", packaged)
    assert "[evidence]" not in without
    (valid_root / "qms.toml").write_text(
        without
        + '\n[project]\nname = "Valid"\nsources = ["."]\nexclude = ["_build"]\n',
        encoding="utf-8",
    )
    (valid_root / "junit.xml").write_text(JUNIT, encoding="utf-8")
    result = _qms("evidence", "import", "junit.xml", cwd=valid_root)
    assert result.returncode == 2
    assert result.stderr == (
        "qms: error: the profile has no [evidence] table; nothing to import into\n"
    )
    assert not _evidence(valid_root).exists()


def test_bad_xml_is_exit_2_and_nothing_is_written(
    valid_root: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.xml"
    good.write_text(JUNIT, encoding="utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text("<testsuites>\n<testsuite name='s'>\n</testsuites>\n", "utf-8")
    result = _qms(
        "evidence", "import", str(good), str(bad), "--run", "ci-2", cwd=valid_root
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"qms: error: {bad}:3: not well-formed XML")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert not _evidence(valid_root).exists()


def test_a_refused_report_leaves_earlier_records_alone(
    valid_root: Path, tmp_path: Path
) -> None:
    (tmp_path / "good.xml").write_text(JUNIT, encoding="utf-8")
    assert _qms("evidence", "import", str(tmp_path / "good.xml"), "--run", "ci-1",
                cwd=valid_root).returncode == 0  # fmt: skip
    before = {p.name: p.read_bytes() for p in _evidence(valid_root).iterdir()}
    hostile = tmp_path / "xxe.xml"
    hostile.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "\n<testsuites>&x;</testsuites>\n",
        encoding="utf-8",
    )
    result = _qms("evidence", "import", str(hostile), "--run", "ci-1", cwd=valid_root)
    assert result.returncode == 2
    assert result.stderr == (
        f"qms: error: {hostile}: refused: the XML declares a DTD or entities "
        "(DTDForbidden)\n"
    )
    missing = _qms("evidence", "import", "nope.xml", "--run", "ci-1", cwd=valid_root)
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert "nope.xml: cannot be read" in missing.stderr
    after = {p.name: p.read_bytes() for p in _evidence(valid_root).iterdir()}
    assert after == before


def test_a_changed_requirement_makes_its_result_stale(
    valid_root: Path, tmp_path: Path
) -> None:
    tested = _repository(valid_root)
    report = tmp_path / "junit.xml"
    report.write_text(PASSING, encoding="utf-8")
    imported = _qms(
        "evidence", "import", str(report), "--commit", tested, "--run", "ci-1",
        cwd=valid_root,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    check = _qms("check", "--strict", cwd=valid_root)
    assert check.returncode == 0, check.stdout
    assert "qms check: PASS" in check.stdout
    assert "evidence_" not in check.stdout
    assert imported.stdout.startswith(
        f"qms evidence: run ci-1 ({tested[:12]}, clean tree): 2 cases (2 passed)"
    )
    record = "traceability/evidence/ci-1.json"
    status = _qms("evidence", "status", "REQ-001", cwd=valid_root)
    assert status.returncode == 0, status.stderr
    assert status.stdout == (
        "REQ-001    passed                 Flag results outside the reference range\n"
        f"           passed    tests.unit.test_flags::test_limits ({record})\n"
        "           passed    tests.unit.test_flags::test_vt_001 "
        f"({record} via VT-001)\n"
        "qms evidence: 0 not planned, 0 planned, 1 passed, 0 failed, 0 stale, "
        "0 waived\n"
    )
    _edit(valid_root, REQ_TEXT, REQ_TEXT.replace("shall flag", "shall highlight"))
    _commit_all(valid_root, "reword REQ-001")
    stale = (
        f"items.rst:{_req_line(valid_root)}: warning (advisory): REQ-001: "
        "verification results are stale: REQ-001 changed after commit "
        f"{tested[:12]} [qms.evidence_stale]"
    )
    check = _qms("check", cwd=valid_root)
    # stale is advisory in the packaged profile: reported, the everyday gate passes
    assert check.returncode == 0, check.stdout
    assert stale in check.stdout.splitlines()
    assert "qms check: PASS" in check.stdout
    strict = _qms("check", "--strict", cwd=valid_root)
    assert strict.returncode == 1
    assert stale in strict.stdout.splitlines()
    assert "qms check: FAIL: 11 items, 1 open findings" in strict.stdout
    findings = json.loads(
        (valid_root / "traceability" / "findings.json").read_text(encoding="utf-8")
    )
    assert [(f["check"], f["item"]) for f in findings["findings"]] == [
        ("qms.evidence_stale", "REQ-001")
    ]
    status = _qms("evidence", "status", "REQ-001", "RC-001", cwd=valid_root)
    assert status.returncode == 0, status.stderr
    changed = f"REQ-001 changed after commit {tested[:12]}"
    # RC-001, verified by the same VT-001 result, did not change: still passed
    assert status.stdout == (
        "REQ-001    stale                  Flag results outside the reference range\n"
        f"           stale: {changed}\n"
        f"           passed    tests.unit.test_flags::test_limits ({record}) "
        f"[stale: {changed}]\n"
        "           passed    tests.unit.test_flags::test_vt_001 "
        f"({record} via VT-001) [stale: {changed}]\n"
        "RC-001     passed                 Independent flag of values outside the range\n"
        "           passed    tests.unit.test_flags::test_vt_001 "
        f"({record} via VT-001)\n"
        "qms evidence: 0 not planned, 0 planned, 1 passed, 0 failed, 1 stale, "
        "0 waived\n"
    )


def test_a_result_naming_the_requirement_is_not_enough_while_its_test_has_none(
    valid_root: Path, tmp_path: Path
) -> None:
    tested = _repository(valid_root)
    report = tmp_path / "junit.xml"
    report.write_text(ONLY_REQ, encoding="utf-8")
    _record(valid_root, report, commit=tested, run_id="ci-1")
    status = _qms("evidence", "status", "REQ-001", "VT-001", cwd=valid_root)
    assert status.returncode == 0, status.stderr
    assert status.stdout == (
        "REQ-001    planned, not executed  Flag results outside the reference range\n"
        "           planned, not executed: 0 of 1 verifiers have a result; "
        "no result for VT-001\n"
        "           passed    tests.unit.test_flags::test_limits "
        "(traceability/evidence/ci-1.json)\n"
        "VT-001     planned, not executed  Flagging at the range limits\n"
        "           planned, not executed: no executed result recorded for VT-001\n"
        "qms evidence: 0 not planned, 1 planned, 0 passed, 0 failed, 0 stale, "
        "0 waived\n"
    )


def test_a_disabled_junit_case_verifies_nothing(
    valid_root: Path, tmp_path: Path
) -> None:
    tested = _repository(valid_root)
    report = tmp_path / "gtest.xml"
    report.write_text(DISABLED, encoding="utf-8")
    imported = _qms(
        "evidence", "import", str(report), "--commit", tested, "--run", "ci-1",
        cwd=valid_root,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(
        f"qms evidence: run ci-1 ({tested[:12]}, clean tree): 1 cases (1 disabled) -> "
    )
    status = _qms("evidence", "status", "VT-001", "REQ-001", "RC-001", cwd=valid_root)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert [
        line[:32].rstrip() for line in lines if line.startswith(("REQ", "VT", "RC"))
    ] == [
        "REQ-001    planned, not executed",
        "VT-001     planned, not executed",
        "RC-001     planned, not executed",
    ]
    assert (
        "           disabled  FlagTest::DISABLED_Limits "
        "(traceability/evidence/ci-1.json)" in lines
    )
    assert lines[-1] == (
        "qms evidence: 0 not planned, 2 planned, 0 passed, 0 failed, 0 stale, 0 waived"
    )
    check = _qms("check", cwd=valid_root)
    assert (
        "qms check: verification by executed records: 0 not planned, 3 planned, "
        "0 passed, 0 failed, 0 stale, 0 waived" in check.stdout.splitlines()
    )


def test_a_status_change_alone_does_not_make_a_result_stale(
    valid_root: Path, tmp_path: Path
) -> None:
    tested = _repository(valid_root)
    report = tmp_path / "junit.xml"
    report.write_text(PASSING, encoding="utf-8")
    _record(valid_root, report, commit=tested, run_id="ci-1")
    _edit(valid_root, REQ_STATUS, REQ_STATUS.replace("approved", "in_review"))
    _commit_all(valid_root, "REQ-001 back in review")
    check = _qms("check", "--strict", cwd=valid_root)
    assert "evidence_stale" not in check.stdout
    assert check.returncode == 0, check.stdout
    status = _qms("evidence", "status", "REQ-001", cwd=valid_root)
    assert status.stdout.startswith("REQ-001    passed                 ")


def test_a_commit_outside_the_history_is_stale(
    valid_root: Path, tmp_path: Path
) -> None:
    _repository(valid_root)
    report = tmp_path / "junit.xml"
    report.write_text(PASSING, encoding="utf-8")
    unknown = "feedfacefeedfacefeedfacefeedfacefeedface"
    _record(valid_root, report, commit=unknown, run_id="ci-9")
    status = _qms("evidence", "status", "REQ-001", cwd=valid_root)
    reason = "commit feedfacefeed is not in the available history"
    lines = status.stdout.splitlines()
    assert lines[0].startswith("REQ-001    stale ")
    assert lines[1] == f"           stale: {reason}"
    assert lines[2].endswith(f"[stale: {reason}]")


def test_status_of_an_unknown_item_is_a_usage_error(valid_root: Path) -> None:
    result = _qms("evidence", "status", "REQ-001", "NOPE-1", cwd=valid_root)
    assert result.returncode == 2
    assert "no verifiable or test item NOPE-1" in result.stderr
    assert "REQ-001" not in result.stderr
    assert "Traceback" not in result.stderr
