"""The evidence checks: failed and stale verification, results naming unknown items."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from qmsdoc.checks import Finding
from qmsdoc.processes import catalogue, run_checks

from .._rst import PATH, default_profile
from ..evidence._evidence_support import (
    COMMIT,
    ITEMS,
    evaluate,
    line_of,
    result,
    run,
)

if TYPE_CHECKING:
    from qmsdoc.evidence import EvidenceRun, EvidenceView
    from qmsdoc.model import Item

REQ_LINE = line_of(ITEMS, ":: Flag results outside")
RC_LINE = line_of(ITEMS, ".. risk_control::")
#: REQ-001's text as it was when the results were produced
CHANGED = ITEMS.replace("below or above the reference range", "outside the range")


def _evidence_findings(
    items: tuple[Item, ...], view: EvidenceView | None
) -> list[Finding]:
    return [
        finding
        for finding in run_checks(items, default_profile(), evidence=view)
        if finding.check_id.startswith("evidence_")
    ]


def _findings(
    *runs: EvidenceRun, now: str = ITEMS, history_text: str = ITEMS
) -> list[Finding]:
    items, view = evaluate(runs, now=now, history={COMMIT: {PATH: history_text}})
    return _evidence_findings(items, view)


def test_the_evidence_checks_are_catalogued() -> None:
    ids = {check_id for check_id, _ in catalogue(default_profile())}
    assert {"evidence_failed", "evidence_stale", "evidence_unknown_item"} <= ids
    without = dataclasses.replace(default_profile(), evidence=None)
    assert not any(c.startswith("evidence_") for c, _ in catalogue(without))


def test_no_findings_without_evidence() -> None:
    items, view = evaluate([])
    assert _evidence_findings(items, view) == []
    assert _evidence_findings(items, None) == []


def test_no_findings_for_verified_or_not_run_items() -> None:
    passing = result("test_a", verifies=["REQ-001"])
    skipped = result("test_b", "skipped", verifies=["RC-001"])
    assert _findings(run("ci-1", passing, skipped)) == []


def test_failed_verification_is_an_error_at_the_item() -> None:
    failing = result("test_a", "failed", verifies=["REQ-001"], message="no")
    erroring = result("test_0", "error", verifies=["REQ-001"])
    passing = result("test_b", verifies=["REQ-001"])
    findings = _findings(run("ci-3", failing, erroring, passing))
    assert findings == [
        Finding(
            check_id="evidence_failed",
            severity="error",
            item_id="REQ-001",
            path=PATH,
            line=REQ_LINE,
            docname="items",
            message=(
                "REQ-001: verification failed: tests.test_other::test_0 (error in run "
                "ci-3), tests.test_other::test_a (failed in run ci-3)"
            ),
        )
    ]
    assert findings[0].fails_gate


def test_a_failed_automated_test_fails_what_its_test_item_verifies() -> None:
    failing = result("test_limits", "failed", classname="tests.unit.test_flags")
    findings = _findings(run("ci-1", failing))
    # VT-001 is a test item, not a verified type: no finding of its own
    assert [(f.check_id, f.item_id, f.line) for f in findings] == [
        ("evidence_failed", "REQ-001", REQ_LINE),
        ("evidence_failed", "RC-001", RC_LINE),
    ]
    assert findings[1].message == (
        "RC-001: verification failed: "
        "tests.unit.test_flags::test_limits (failed in run ci-1)"
    )


def test_stale_verification_is_a_warning_at_the_item() -> None:
    passing = result("test_a", verifies=["REQ-001", "RC-001"])
    findings = _findings(run("ci-1", passing), now=CHANGED)
    assert findings == [
        Finding(
            check_id="evidence_stale",
            severity="warning",
            item_id="REQ-001",
            path=PATH,
            line=REQ_LINE,
            docname="items",
            message=(
                "REQ-001: verification results are stale: "
                "REQ-001 changed after commit 0123456789ab"
            ),
            advisory=True,
        )
    ]


def test_stale_reasons_are_listed_once_each_in_order() -> None:
    old_commit = run("ci-1", result("test_a", verifies=["REQ-001"]))
    unknown_commit = run(
        "ci-2",
        result("test_b", verifies=["REQ-001"]),
        result("test_c", verifies=["REQ-001"]),
        commit=None,
    )
    findings = _findings(old_commit, unknown_commit, now=CHANGED)
    assert [f.message for f in findings] == [
        "REQ-001: verification results are stale: "
        "REQ-001 changed after commit 0123456789ab; "
        "the commit the result was produced from is unknown"
    ]


def test_a_failed_and_stale_item_is_only_reported_as_failed() -> None:
    findings = _findings(
        run("ci-1", result("test_a", "failed", verifies=["REQ-001"])), now=CHANGED
    )
    assert [f.check_id for f in findings] == ["evidence_failed"]


def test_a_result_naming_an_unknown_item_is_a_warning_at_the_record() -> None:
    findings = _findings(run("ci-9", result("test_a", verifies=["REQ-001", "REQ-404"])))
    assert findings == [
        Finding(
            check_id="evidence_unknown_item",
            severity="warning",
            item_id="REQ-404",
            path="traceability/evidence/ci-9.json",
            line=0,
            docname="",
            message=(
                "run ci-9: tests.test_other::test_a verifies 'REQ-404', "
                "which is not an item"
            ),
        )
    ]


def test_failed_fails_the_gate_and_stale_only_the_strict_gate() -> None:
    failed = _findings(run("ci-1", result("test_a", "failed", verifies=["REQ-001"])))
    stale = _findings(run("ci-1", result("test_a", verifies=["REQ-001"])), now=CHANGED)
    unknown = _findings(run("ci-1", result("test_a", verifies=["REQ-404"])))

    def gates(findings: list[Finding]) -> list[tuple[str, bool, bool, bool]]:
        return [
            (f.severity, f.advisory, f.fails_gate, f.fails_strict_gate)
            for f in findings
        ]

    assert gates(failed) == [("error", False, True, True)]
    # the packaged profile's [gate] lists evidence_stale as advisory: it warns on the
    # everyday gate and fails only the release (strict) gate
    assert gates(stale) == [("warning", True, False, True)]
    assert gates(unknown) == [("warning", False, True, True)]


def test_without_an_advisory_list_a_stale_warning_fails_the_gate() -> None:
    profile = dataclasses.replace(default_profile(), advisory_checks=())
    items, view = evaluate(
        [run("ci-1", result("test_a", verifies=["REQ-001"]))],
        now=CHANGED,
        history={COMMIT: {PATH: ITEMS}},
        profile=profile,
    )
    findings = [
        f
        for f in run_checks(items, profile, evidence=view)
        if f.check_id.startswith("evidence_")
    ]
    assert [(f.check_id, f.advisory, f.fails_gate) for f in findings] == [
        ("evidence_stale", False, True)
    ]


def test_a_waiver_on_the_item_accepts_stale_results() -> None:
    waiver = (
        "   :satisfies: UN-001\n   :waiver: evidence_stale: wording only, "
        "reviewed in change request CR-12\n"
    )
    history = CHANGED.replace("   :satisfies: UN-001\n", waiver, 1)
    now = ITEMS.replace("   :satisfies: UN-001\n", waiver, 1)
    findings = _findings(
        run("ci-1", result("test_a", verifies=["REQ-001"])),
        now=now,
        history_text=history,
    )
    assert [
        (f.check_id, f.waived, f.fails_gate, f.fails_strict_gate) for f in findings
    ] == [("evidence_stale", True, False, False)]
    assert findings[0].justification == (
        "wording only, reviewed in change request CR-12"
    )
