"""The ``link_suspect`` check: links whose target changed since they were reviewed."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from qmsdoc.checks import Finding
from qmsdoc.device_file import check_device_file
from qmsdoc.history.suspect import review_links, write_reviews
from qmsdoc.processes import catalogue, run_checks
from qmsdoc.project import PROJECT_FILE, load_project
from qmsdoc.trace import TraceGraph

from .._rst import PATH, VALID_CHAIN, default_profile, items_from

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from qmsdoc.history.suspect import LinkKey

REWORDED = VALID_CHAIN.replace(
    "Display lab results within 2 seconds", "Display lab results within 1 second"
)
REQ_STATUS = ":id: REQ-001\n   :status: approved"


def _line(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def _record(text: str = VALID_CHAIN) -> dict[LinkKey, str]:
    graph = TraceGraph(items_from(text))
    record, _ = review_links(
        graph, {}, ["--all"], excluded=default_profile().suspect_excluded
    )
    return record


def _suspect_findings(
    text: str, reviews: dict[LinkKey, str] | None, *, only_open: bool = False
) -> list[Finding]:
    findings = run_checks(items_from(text), default_profile(), reviews=reviews)
    return [
        f
        for f in findings
        if f.check_id == "link_suspect" and not (only_open and f.waived)
    ]


def _message(source: str, link: str, target: str, downstream: str = "") -> str:
    return (
        f"{source} {link} {target} is suspect: {target} changed since the link was "
        f"reviewed (run `qms review {source}:{link}:{target}` after checking it)"
        + (f"; downstream: {downstream}" if downstream else "")
    )


def test_the_check_is_catalogued_only_with_a_record() -> None:
    assert "link_suspect" in dict(catalogue(default_profile()))
    untracked = dataclasses.replace(default_profile(), suspect_record=None)
    assert "link_suspect" not in dict(catalogue(untracked))


def test_not_run_when_the_project_keeps_no_record() -> None:
    assert _suspect_findings(REWORDED, None) == []


def test_no_finding_when_every_link_is_reviewed() -> None:
    assert _suspect_findings(VALID_CHAIN, _record()) == []


def test_links_to_a_changed_item_are_reported_at_their_source() -> None:
    findings = _suspect_findings(REWORDED, _record())
    assert findings == [
        Finding(
            check_id="link_suspect",
            severity="error",
            item_id=source,
            path=PATH,
            line=_line(REWORDED, f":id: {source}") - 1,
            docname="items",
            message=_message(source, link, "REQ-001", downstream),
        )
        for source, link, downstream in [
            ("DO-001", "implements", "ANOM-001"),
            ("VT-001", "verifies", ""),
            ("CR-001", "changes", ""),
        ]
    ]
    assert all(finding.fails_gate for finding in findings)


def test_a_status_change_is_not_reported() -> None:
    in_review = VALID_CHAIN.replace(
        REQ_STATUS, REQ_STATUS.replace("approved", "in_review")
    )
    assert in_review != VALID_CHAIN
    assert _suspect_findings(in_review, _record()) == []


def test_links_never_reviewed_are_reported() -> None:
    findings = _suspect_findings(VALID_CHAIN, {})
    links = sorted(_record())
    assert len(links) > 10
    assert sorted(f.item_id for f in findings) == [source for source, _, _ in links]
    assert all(
        "is suspect: never reviewed (run `qms review " in f.message for f in findings
    )


def test_a_waiver_on_the_source_accepts_the_finding() -> None:
    waived = REWORDED.replace(
        ":id: VT-001\n   :status: approved",
        ":id: VT-001\n   :status: approved\n"
        "   :waiver: link_suspect: the test already checks one second, no new test needed",
    )
    findings = _suspect_findings(waived, _record())
    assert [(f.item_id, f.waived) for f in findings] == [
        ("DO-001", False),
        ("VT-001", True),
        ("CR-001", False),
    ]
    assert [
        f.item_id for f in _suspect_findings(waived, _record(), only_open=True)
    ] == [
        "DO-001",
        "CR-001",
    ]


def test_the_project_check_reads_the_record(valid_root: Path) -> None:
    project = load_project(valid_root)
    record_file = valid_root / "traceability" / "reviewed-links.txt"
    assert project.profile.suspect_record == "traceability/reviewed-links.txt"
    items_file = valid_root / "items.rst"
    text = items_file.read_text(encoding="utf-8")
    items_file.write_text(text.replace("shall flag", "shall mark"), encoding="utf-8")
    # no record yet: nothing is tracked, nothing reported
    assert not record_file.exists()
    outcome = check_device_file(project)
    assert [f for f in outcome.findings if f.check_id == "link_suspect"] == []
    assert _items_pass(outcome.findings)
    # a record reviewed before the change: the links to REQ-001 are suspect
    graph = TraceGraph(items_from(text, project.profile))
    record, _ = review_links(
        graph, {}, ["--all"], excluded=project.profile.suspect_excluded
    )
    write_reviews(record_file, record)
    outcome = check_device_file(project)
    suspects = [
        (f.path, f.line, f.item_id)
        for f in outcome.findings
        if f.check_id == "link_suspect"
    ]
    assert suspects == [
        ("items.rst", _line(text, ".. design_output::"), "DO-001"),
        ("items.rst", _line(text, ".. verification_test::"), "VT-001"),
    ]
    assert not _items_pass(outcome.findings)


def _items_pass(findings: Sequence[Finding]) -> bool:
    """No finding about an item fails the gate (test-valid has no SOUP and no
    security control: findings about the file as a whole, at the project file)."""
    return not [f for f in findings if f.fails_gate and f.path != PROJECT_FILE]
