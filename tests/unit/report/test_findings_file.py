"""The findings file: summary, gate, open findings and deviations, stable bytes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from qmsdoc.checks import Finding
from qmsdoc.report import findings_document, write_findings
from qmsdoc.report.findings_file import _layout

from .._rst import check, default_profile, rst

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Literal

WAIVED = rst("""\
    .. user_need:: Need
       :id: UN-001
       :status: approved

    .. requirement:: Requirement with a waiver and a bad status
       :id: REQ-001
       :status: finished
       :kind: functional
       :level: software
       :satisfies: UN-001
       :waiver: coverage_requirement_verified: Verified by inspection of the
          release record signed by QA.
    """)


def _finding(
    check_id: str,
    severity: Literal["error", "warning", "info"],
    line: int,
    justification: str | None = None,
) -> Finding:
    return Finding(
        check_id=check_id,
        severity=severity,
        item_id="REQ-001",
        path="items.rst",
        line=line,
        docname="items",
        message=f"REQ-001: {check_id} message",
        justification=justification,
    )


def test_the_document_of_real_findings() -> None:
    findings = check(WAIVED)
    document = findings_document(findings, default_profile(), item_count=2)
    assert document["profile"] == {"name": "medical-device", "version": "1.0.0"}
    assert document["summary"] == {
        "items": 2,
        "errors": 11,  # 3 about the items, 8 rules of the chain with nothing to cover
        "warnings": 0,
        "information": 0,
        "deviations": 1,
        "gate": "fail",
    }
    about_items = [f for f in document["findings"] if f["file"] != "qms.toml"]
    assert [(f["line"], f["check"]) for f in about_items] == [
        (1, "qms.coverage_user_need_validated"),
        (5, "qms.coverage_requirement_implemented"),
        (5, "qms.field_value"),
    ]
    # no hazard chain and no security control: each rule with nothing to cover
    assert sorted(
        (f["line"], f["check"], f["item"])
        for f in document["findings"]
        if f["file"] == "qms.toml"
    ) == [
        (1, f"qms.coverage_{rule}", "")
        for rule in (
            "control_implemented",
            "control_verified",
            "hazard_analysed",
            "security_control_implemented",
            "security_control_verified",
            "situation_controlled",
            "situation_has_harm",
            "situation_has_hazard",
        )
    ]
    assert about_items[2] == {
        "check": "qms.field_value",
        "severity": "error",
        "item": "REQ-001",
        "file": "items.rst",
        "line": 5,
        "message": "REQ-001: field 'status': 'finished' is not one of draft, in_review, approved, obsolete",
        "advisory": False,
    }
    assert document["deviations"] == [
        {
            "check": "qms.coverage_requirement_verified",
            "severity": "error",
            "item": "REQ-001",
            "file": "items.rst",
            "line": 5,
            "message": "REQ-001: no verification_test verifies this requirement (ISO 13485 7.3.6 via 21 CFR 820.10; IEC 62304 5.7.1)",
            "advisory": False,
            "justification": "Verified by inspection of the release record signed by QA.",
        }
    ]


def test_summary_counts_each_severity_of_open_findings() -> None:
    findings = [
        _finding("a", "error", 1),
        _finding("b", "error", 2),
        _finding("c", "warning", 3),
        _finding("d", "info", 4),
        _finding("e", "info", 5),
        _finding("f", "info", 6),
        _finding("g", "error", 7, justification="Accepted because of a good reason."),
        _finding("h", "warning", 8, justification="Accepted because of a good reason."),
    ]
    summary = findings_document(findings, default_profile(), item_count=7)["summary"]
    assert summary == {
        "items": 7,
        "errors": 2,
        "warnings": 1,
        "information": 3,
        "deviations": 2,
        "gate": "fail",
    }


def test_the_gate_passes_with_only_information_and_deviations() -> None:
    findings = [
        _finding("a", "info", 1),
        _finding("b", "error", 2, justification="Accepted because of a good reason."),
    ]
    document = findings_document(findings, default_profile(), item_count=1)
    assert document["summary"]["gate"] == "pass"
    assert [f["check"] for f in document["findings"]] == ["qms.a"]
    assert [d["check"] for d in document["deviations"]] == ["qms.b"]


def test_the_gate_fails_on_a_single_warning() -> None:
    document = findings_document(
        [_finding("w", "warning", 1)], default_profile(), item_count=1
    )
    assert document["summary"]["gate"] == "fail"


def test_no_findings_pass_the_gate() -> None:
    document = findings_document([], default_profile(), item_count=0)
    assert document["summary"]["gate"] == "pass"
    assert document["findings"] == []
    assert document["deviations"] == []


def test_write_findings_is_byte_identical_on_two_writes(tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "findings.json", tmp_path / "two.json"
    write_findings(first, check(WAIVED), default_profile(), item_count=2)
    write_findings(second, check(WAIVED), default_profile(), item_count=2)
    data = first.read_bytes()
    assert data == second.read_bytes()
    assert data.endswith(b"}\n")
    assert json.loads(data) == findings_document(
        check(WAIVED), default_profile(), item_count=2
    )
    assert list(json.loads(data)) == ["profile", "summary", "findings", "deviations"]


def test_write_findings_keeps_the_order_of_run_checks(tmp_path: Path) -> None:
    findings = check(WAIVED)
    path = tmp_path / "findings.json"
    write_findings(path, findings, default_profile(), item_count=2)
    written = json.loads(path.read_text(encoding="utf-8"))["findings"]
    expected = sorted((f for f in findings if not f.waived), key=Finding.sort_key)
    assert [(f["file"], f["line"], f["check"]) for f in written] == [
        (f.path, f.line, f"qms.{f.check_id}") for f in expected
    ]


def test_write_findings_keeps_non_ascii_text(tmp_path: Path) -> None:
    path = tmp_path / "findings.json"
    finding = Finding(
        check_id="field_value",
        severity="error",
        item_id="REQ-001",
        path="exigences/modèle.rst",
        line=3,
        docname="exigences/modèle",
        message="REQ-001: field 'status': 'validé' is not one of draft",
    )
    write_findings(path, [finding], default_profile(), item_count=1)
    text = path.read_text(encoding="utf-8")
    assert "exigences/modèle.rst" in text
    assert "'validé'" in text
    assert "\\u" not in text


def test_each_finding_is_one_line_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "findings.json"
    findings = check(WAIVED)
    write_findings(path, findings, default_profile(), item_count=2)
    lines = path.read_text(encoding="utf-8").splitlines()
    document = findings_document(findings, default_profile(), item_count=2)
    entries = [*document["findings"], *document["deviations"]]
    rows = [
        json.loads(line.strip().rstrip(","))
        for line in lines
        if line.startswith("    {")
    ]
    assert rows == entries
    assert lines[0] == "{" and lines[-1] == "}"
    assert '  "findings": [' in lines
    assert json.loads(path.read_text(encoding="utf-8")) == document


def test_an_empty_findings_list_is_written_as_an_empty_array(tmp_path: Path) -> None:
    path = tmp_path / "findings.json"
    write_findings(path, [], default_profile(), item_count=0)
    text = path.read_text(encoding="utf-8")
    assert '  "findings": [],' in text and '  "deviations": []\n}' in text
    assert json.loads(text)["findings"] == []


def test_the_written_lines_are_the_bytes_of_the_json_encoder(tmp_path: Path) -> None:
    """write_findings writes each line from the finding's fields; the bytes must be
    those of the generic layout of findings_document (quotes, backslashes, control
    characters, non-ASCII, a deviation, an advisory finding)."""
    hostile = Finding(
        check_id="field_value",
        severity="warning",
        item_id='REQ-"1"\\',
        path="exigences/modèle.rst",
        line=7,
        docname="exigences/modèle",
        message="tab\there, newline\nthere, escape \x1b[31m, nul \x00, \u2028 'é' \"q\"",
        advisory=True,
    )
    findings = [
        *check(WAIVED),
        hostile,
        _finding("coverage_x", "info", 9, justification='by "inspection"\n\\ done'),
    ]
    path = tmp_path / "findings.json"
    write_findings(path, findings, default_profile(), item_count=3)
    document = findings_document(findings, default_profile(), item_count=3)
    assert path.read_text(encoding="utf-8") == _layout(document)
