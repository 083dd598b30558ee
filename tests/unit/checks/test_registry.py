"""The check registry, the catalogue of check ids and ``run_checks``."""

from __future__ import annotations

import random

from qmsdoc.checks import Finding
from qmsdoc.processes import catalogue, registered_checks, run_checks
from qmsdoc.project import PROJECT_FILE

from .._rst import (
    CORE_CHECK_PREFIXES,
    SECURITY_CHAIN,
    VALID_CHAIN,
    check,
    default_profile,
    items_from,
    rst,
)

CORE_CHECKS = (
    "id_missing",
    "id_malformed",
    "id_duplicate",
    "field_unknown",
    "field_missing",
    "field_value",
    "link_target_unknown",
    "link_not_allowed",
    "link_self",
    "link_cycle",
)

#: a device file with every kind of core finding; (line, check id, item id) of each
BROKEN = """\
.. user_need:: Need nobody satisfies
   :id: UN-001
   :status: approved

.. requirement:: Everything wrong
   :id: REQ-1
   :status: finished
   :kind: functional
   :colour: red
   :satisfies: UN-404
   :waiver: coverage_requirement_verified: Too short.

.. requirement:: Refines itself and REQ-003
   :id: REQ-002
   :status: approved
   :kind: functional
   :level: software
   :refines: REQ-002, REQ-003

.. requirement:: Refines REQ-002
   :id: REQ-003
   :status: approved
   :kind: functional
   :level: software
   :refines: REQ-002
   :waiver: coverage_requirement_verified: Verified by inspection of the release record.
      link_self: There is no self link on this item at all.

.. verification_test:: Satisfies a need
   :id: VT-001
   :status: approved
   :test_level: system
   :method: test
   :satisfies: UN-001

.. requirement:: Same id again
   :id: REQ-003
   :status: approved
   :kind: functional
   :level: software

.. requirement:: No id at all
   :status: approved
   :kind: functional
   :level: software
"""

BROKEN_FINDINGS = [
    (1, "coverage_user_need_satisfied", "UN-001"),
    (1, "coverage_user_need_validated", "UN-001"),
    (5, "coverage_requirement_implemented", "REQ-1"),
    (5, "coverage_requirement_verified", "REQ-1"),
    (5, "field_missing", "REQ-1"),
    (5, "field_unknown", "REQ-1"),
    (5, "field_value", "REQ-1"),
    (5, "id_malformed", "REQ-1"),
    (5, "link_target_unknown", "REQ-1"),
    (5, "waiver_invalid", "REQ-1"),
    (13, "coverage_requirement_implemented", "REQ-002"),
    (13, "coverage_requirement_verified", "REQ-002"),
    (13, "link_cycle", "REQ-002"),
    (13, "link_self", "REQ-002"),
    (20, "coverage_requirement_implemented", "REQ-003"),
    (20, "coverage_requirement_verified", "REQ-003"),
    (20, "waiver_unused", "REQ-003"),
    (29, "link_not_allowed", "VT-001"),
    (36, "id_duplicate", "REQ-003"),
    (42, "id_missing", ""),
]


def test_the_registry_lists_each_core_check_once_in_order() -> None:
    ids = [entry.check_id for entry in registered_checks()]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if i in CORE_CHECKS] == list(CORE_CHECKS)
    assert "coverage" in ids
    assert all(entry.summary for entry in registered_checks())


def test_the_catalogue_expands_coverage_rules_and_adds_waiver_checks() -> None:
    profile = default_profile()
    entries = catalogue(profile)
    ids = [check_id for check_id, _ in entries]
    assert entries == sorted(entries)
    assert len(ids) == len(set(ids))
    assert "coverage" not in ids
    assert set(CORE_CHECKS) <= set(ids)
    assert {"waiver_invalid", "waiver_unused"} <= set(ids)
    for rule in profile.coverage:
        assert (rule.check_id, rule.description) in entries
    assert ("id_missing", "item without an :id:") in entries
    assert (
        "coverage_requirement_verified",
        "Every requirement is verified by a test",
    ) in entries


def test_a_valid_chain_has_no_finding() -> None:
    assert check(VALID_CHAIN + SECURITY_CHAIN) == []


def test_every_core_check_fires_on_a_broken_device_file() -> None:
    findings = [f for f in check(BROKEN) if f.path != PROJECT_FILE]
    assert [(f.line, f.check_id, f.item_id) for f in findings] == BROKEN_FINDINGS
    waived = [f for f in findings if f.waived]
    assert [(f.line, f.check_id) for f in waived] == [
        (20, "coverage_requirement_verified")
    ]
    core_ids = {
        i for i, _ in catalogue(default_profile()) if i.startswith(CORE_CHECK_PREFIXES)
    }
    fired = {f.check_id for f in findings}
    assert fired <= core_ids
    assert set(CORE_CHECKS) | {"waiver_invalid", "waiver_unused"} <= fired


def test_findings_are_sorted_and_independent_of_item_order() -> None:
    profile = default_profile()
    items = items_from(BROKEN)
    findings = run_checks(items, profile)
    assert findings == sorted(findings, key=Finding.sort_key)
    shuffled = list(items)
    random.Random(4).shuffle(shuffled)
    # the two items that share an id stay in location order: the first owns the id
    duplicates = [item for item in items if item.id == "REQ-003"]
    shuffled = [item for item in shuffled if item.id != "REQ-003"] + duplicates
    assert run_checks(shuffled, profile) == findings


def test_findings_sort_by_file_then_line() -> None:
    first = items_from(".. requirement:: R\n\n\n.. requirement:: S\n", path="b.rst")
    second = items_from("\n\n\n\n\n.. requirement:: T\n", path="a.rst")
    findings = run_checks(first + second, default_profile())
    keys = [(f.path, f.line) for f in findings if f.check_id == "id_missing"]
    assert keys == [("a.rst", 6), ("b.rst", 1), ("b.rst", 4)]


def test_identical_findings_are_reported_once() -> None:
    text = ".. requirement:: R\n   :id: REQ-001\n   :satisfies: UN-404, UN-404\n"
    assert len([f for f in check(text) if f.check_id == "link_target_unknown"]) == 1


def test_run_checks_on_no_items_finds_everything_missing() -> None:
    """No item at all: the risk file and the SOUP list are empty and every coverage
    rule not allowed to be empty has nothing to cover, each at the project file."""
    profile = default_profile()
    findings = run_checks([], profile)
    assert {(f.path, f.line, f.item_id) for f in findings} == {(PROJECT_FILE, 1, "")}
    assert sorted(f.check_id for f in findings) == sorted(
        [
            "risk_file_empty",
            "soup_list_empty",
            *(rule.check_id for rule in profile.coverage if not rule.allow_empty),
        ]
    )


def test_every_finding_has_a_catalogued_check_id() -> None:
    ids = {check_id for check_id, _ in catalogue(default_profile())}
    findings = run_checks(items_from(rst(BROKEN)), default_profile())
    assert {f.check_id for f in findings} <= ids
