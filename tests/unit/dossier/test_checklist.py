"""IEC 62304 and GSPR checklists: packaged clause data, rows by class, GSPR gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.dossier.checklist import (
    EvidenceSources,
    GsprRow,
    checklist_rows,
    file_versions,
    gspr_rows,
    load_iec62304_checklist,
    parse_checklist,
)
from qmsdoc.errors import InputError
from qmsdoc.profile import load_profile
from qmsdoc.trace import TraceGraph
from qmsdoc.vcs import CommitRecord

from .._rst import VALID_CHAIN, default_profile, items_from, rst

if TYPE_CHECKING:
    from pathlib import Path

#: Table A.1 of IEC 62304:2006+A1:2015 as summarised in the regulatory reference
TABLE_A1 = {
    "5.1.1-5.1.3, 5.1.6-5.1.9": ("A", "B", "C"),
    "5.1.4": ("C",),
    "5.1.5": ("B", "C"),
    "5.1.10": ("B", "C"),
    "5.1.11": ("B", "C"),
    "5.1.12": ("B", "C"),
    "5.2.1, 5.2.2, 5.2.4-5.2.6": ("A", "B", "C"),
    "5.2.3": ("B", "C"),
    "5.3.1-5.3.4, 5.3.6": ("B", "C"),
    "5.3.5": ("C",),
    "5.4.1": ("B", "C"),
    "5.4.2-5.4.4": ("C",),
    "5.5.1": ("A", "B", "C"),
    "5.5.2, 5.5.3, 5.5.5": ("B", "C"),
    "5.5.4": ("C",),
    "5.6": ("B", "C"),
    "5.7": ("A", "B", "C"),
    "5.8.1, 5.8.2, 5.8.4, 5.8.7, 5.8.8": ("A", "B", "C"),
    "5.8.3, 5.8.5, 5.8.6": ("B", "C"),
    "6": ("A", "B", "C"),
    "7.1-7.3, 7.4.2, 7.4.3": ("B", "C"),
    "7.4.1": ("A", "B", "C"),
    "8": ("A", "B", "C"),
    "9": ("A", "B", "C"),
}

PAGES = {
    "source/classification": "Classification memo",
    "source/design-and-development-plan": "Design and development plan",
    "source/risk-management-plan": "Risk management plan",
}


def _sources(
    text: str = VALID_CHAIN,
    *,
    pages: dict[str, str] | None = None,
    records: dict[str, str] | None = None,
    states: dict[str, str] | None = None,
) -> EvidenceSources:
    return EvidenceSources(
        graph=TraceGraph(items_from(text)),
        profile=default_profile(),
        pages=PAGES if pages is None else pages,
        records=records or {},
        states=states,
    )


def test_packaged_data_follows_table_a1_of_the_amendment() -> None:
    checklist = load_iec62304_checklist()
    assert checklist.standard == "IEC 62304:2006+A1:2015"
    assert checklist.classes == ("A", "B", "C")
    classes = {clause.clause: clause.classes for clause in checklist.clauses}
    assert {key: classes[key] for key in TABLE_A1} == TABLE_A1
    assert classes["4.3"] == ("A", "B", "C")
    risk_controls = next(c for c in checklist.clauses if c.clause == "5.2.3")
    assert [(e.item_type, e.where) for e in risk_controls.items] == [
        ("requirement", (("kind", "risk_control"),))
    ]


def test_rows_for_class_b_say_required_met_or_missing() -> None:
    checklist = load_iec62304_checklist()
    rows = checklist_rows(
        checklist,
        "B",
        _sources(records={"version_control": "git repository, HEAD abc1234"}),
    )
    by_clause = {row.requirement.clause: row for row in rows}
    classification = by_clause["4.3"]
    assert classification.required and classification.state == "met"
    assert [entry.label for entry in classification.evidence] == [
        "Classification memo",
        "1 design output item",
    ]
    assert classification.evidence[1].item_ids == ("DO-001",)
    plan = by_clause["5.1.1-5.1.3, 5.1.6-5.1.9"]
    assert plan.state == "met"
    risk_controls = by_clause["5.2.3"]
    assert risk_controls.state == "missing"
    assert risk_controls.missing == ("0 requirement items with kind risk_control",)
    unit_tests = by_clause["5.5.2, 5.5.3, 5.5.5"]
    assert unit_tests.missing == (
        "0 verification test items with test_level unit: no evidence records configured",
        "no recorded test run (qms evidence import)",
    )
    release = by_clause["5.8.1, 5.8.2, 5.8.4, 5.8.7, 5.8.8"]
    assert "no baseline tag (no released version)" in release.missing
    assert "page source/unresolved-anomalies" in release.missing
    assert by_clause["5.1.10"].evidence[-1].label == "git repository, HEAD abc1234"
    standards = by_clause["5.1.4"]
    assert not standards.required and standards.state == "not required"
    assert by_clause["5.3.5"].state == "not required"


def test_class_a_needs_no_architecture_and_class_c_needs_detailed_design() -> None:
    checklist = load_iec62304_checklist()
    class_a = {
        row.requirement.clause: row
        for row in checklist_rows(checklist, "A", _sources())
    }
    assert class_a["5.3.1-5.3.4, 5.3.6"].state == "not required"
    assert class_a["5.7"].required
    class_c = {
        row.requirement.clause: row
        for row in checklist_rows(checklist, "C", _sources())
    }
    assert class_c["5.4.2-5.4.4"].required
    assert class_c["5.4.2-5.4.4"].state == "missing"
    assert sum(row.required for row in class_c.values()) == len(checklist.clauses)


def test_item_conditions_and_records_make_a_row_met() -> None:
    text = VALID_CHAIN.replace(":kind: performance", ":kind: risk_control")
    checklist = load_iec62304_checklist()
    rows = {
        row.requirement.clause: row
        for row in checklist_rows(
            checklist,
            "B",
            _sources(
                text,
                records={"test_runs": "1 recorded test run, latest R1"},
                states={"VT-001": "passed"},
            ),
        )
    }
    assert rows["5.2.3"].state == "met"
    assert rows["5.2.3"].evidence[0].item_ids == ("REQ-001",)
    assert rows["5.2.3"].evidence[1].label.startswith("matrix risk_chain (")
    assert rows["5.7"].missing == ("page source/verification-summary",)
    system = next(e for e in rows["5.7"].evidence if e.kind == "items")
    assert system.label == (
        "1 verification test item with test_level system, "
        "1 of 1 passed by executed records"
    )


@pytest.mark.parametrize("state", ["planned", "failed", "stale", "not_planned"])
def test_a_clause_that_asks_for_results_is_not_met_by_protocols(state: str) -> None:
    checklist = load_iec62304_checklist()
    pages = {**PAGES, "source/verification-summary": "Verification summary"}
    rows = {
        row.requirement.clause: row
        for row in checklist_rows(
            checklist,
            "B",
            _sources(
                pages=pages,
                records={"test_runs": "1 recorded test run, latest R1"},
                states={"VT-001": state},
            ),
        )
    }
    system = rows["5.7"]
    assert system.state == "missing"
    assert system.missing == (
        "1 verification test item with test_level system, "
        "0 of 1 passed by executed records",
    )
    # the same row is met once VT-001 has passed (or is waived)
    for done in ("passed", "waived"):
        rows = {
            row.requirement.clause: row
            for row in checklist_rows(
                checklist,
                "B",
                _sources(
                    pages=pages,
                    records={"test_runs": "1 recorded test run, latest R1"},
                    states={"VT-001": done},
                ),
            )
        }
        assert rows["5.7"].state == "met", done


def test_release_needs_every_requirement_and_control_passed() -> None:
    checklist = load_iec62304_checklist()
    release = "5.8.1, 5.8.2, 5.8.4, 5.8.7, 5.8.8"
    states = {"REQ-001": "passed", "RC-001": "planned"}
    (row,) = [
        row
        for row in checklist_rows(checklist, "B", _sources(states=states))
        if row.requirement.clause == release
    ]
    assert "1 requirement item, 1 of 1 passed by executed records" not in row.missing
    assert "1 risk control item, 0 of 1 passed by executed records" in row.missing


def test_an_unknown_class_is_an_input_error() -> None:
    with pytest.raises(
        InputError, match=r"software safety class 'D' is not one of A, B, C"
    ):
        checklist_rows(load_iec62304_checklist(), "D", _sources())


def test_a_type_or_matrix_the_profile_lacks_is_missing_not_an_error() -> None:
    checklist = parse_checklist(
        rst(
            """\
            [standard]
            name = "Example"
            classes = ["A"]

            [[clauses]]
            clause = "1"
            title = "Anything"
            classes = ["A"]
            items = [{ type = "widget" }]
            matrices = ["nowhere"]
            """
        ),
        source="example.toml",
    )
    (row,) = checklist_rows(checklist, "A", _sources())
    assert row.state == "missing"
    assert row.missing == (
        "widget items (type not in the profile)",
        "matrix nowhere (not in the profile)",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[standard\n", r"example.toml: invalid TOML"),
        ("[[clauses]]\nclause = '1'\n", r"example.toml: \[standard\] needs a name"),
        (
            "[standard]\nname = 'S'\nclasses = ['A']\n",
            r"example.toml: no \[\[clauses\]\] entries",
        ),
        (
            "[standard]\nname = 'S'\nclasses = ['A']\n[[clauses]]\nclause = '5'\n"
            "title = 'T'\nclasses = ['B']\n",
            r"example.toml: clauses\[0\] \(5\): classes \['B'\] are not among \['A'\]",
        ),
        (
            "[standard]\nname = 'S'\nclasses = ['A']\n[[clauses]]\nclause = '5'\n"
            "title = 'T'\nclasses = ['A']\nrecords = ['photos']\n",
            r"clauses\[0\] \(5\): unknown records \['photos'\]; records: test_runs",
        ),
        (
            "[standard]\nname = 'S'\nclasses = ['A']\n[[clauses]]\nclause = '5'\n"
            "title = 'T'\nclasses = ['A']\npage = ['x']\n",
            r"clauses\[0\]: unknown keys page",
        ),
        (
            "[standard]\nname = 'S'\nclasses = ['A']\n[[clauses]]\nclause = '5'\n"
            "title = 'T'\nclasses = ['A']\nitems = [{ where = { kind = 'x' } }]\n",
            r"clauses\[0\] \(5\): each of items needs a type",
        ),
    ],
)
def test_malformed_data_names_the_file_and_the_entry(body: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_checklist(body, source="example.toml")


#: the packaged profile's [gspr] table
_GSPR = default_profile().gspr
assert _GSPR is not None
GSPR = _GSPR

GSPR_ITEMS = """\
.. standard_clause:: Software life cycle
   :id: STD-IEC62304-5
   :status: approved
   :standard: IEC 62304:2006+A1:2015
   :clause: 5.1 to 5.8

.. gspr:: Software developed to the state of the art
   :id: GSPR-17.2
   :status: approved
   :applicable: yes
   :conformity_method: IEC 62304 life cycle
   :complies_with: STD-IEC62304-5
   :demonstrated_by: VT-001, VAL-001

.. gspr:: Repeatability and reliability of software
   :id: GSPR-17.1
   :status: approved
   :applicable: yes
   :demonstrated_by: VT-001

.. gspr:: Interaction with the IT environment
   :id: GSPR-14.2.d
   :status: approved
   :applicable: yes
   :conformity_method: Compatibility testing

.. gspr:: Physical risks
   :id: GSPR-14.2
   :status: approved
   :applicable: no
   :rationale: Software-only device.

.. gspr:: Radiation
   :id: GSPR-16
   :status: approved
   :applicable: no

.. gspr:: Chemical properties
   :id: GSPR-10
   :status: approved
   :applicable: no
   :rationale: No materials.
"""


def test_gspr_rows_in_number_order_with_standards_evidence_and_gaps() -> None:
    graph = TraceGraph(items_from(VALID_CHAIN + "\n" + GSPR_ITEMS))
    rows = gspr_rows(
        graph,
        GSPR,
        versions={"items.rst": "1a2b3c4"},
        states={"VT-001": "passed", "VAL-001": "waived"},
    )
    assert [row.number for row in rows] == [
        "10",
        "14.2",
        "14.2.d",
        "16",
        "17.1",
        "17.2",
    ]
    by_number = {row.number: row for row in rows}
    complete = by_number["17.2"]
    assert complete.applicable is True and complete.gaps == ()
    assert complete.method == "IEC 62304 life cycle"
    (standard,) = complete.standards
    assert standard.text == "IEC 62304:2006+A1:2015, clause 5.1 to 5.8"
    assert [(e.item_id, e.docname, e.version) for e in complete.evidence] == [
        ("VT-001", "items", "1a2b3c4"),
        ("VAL-001", "items", "1a2b3c4"),
    ]
    assert by_number["17.1"].gaps == ("no method of conformity",)
    assert by_number["14.2.d"].gaps == ("no evidence",)
    assert by_number["14.2"].applicable is False and by_number["14.2"].gaps == ()
    assert by_number["14.2"].justification == "Software-only device."
    assert by_number["16"].gaps == ("not applicable without justification",)


def test_gspr_references_to_missing_items_are_gaps() -> None:
    text = GSPR_ITEMS.replace(
        "STD-IEC62304-5\n   :demonstrated_by: VT-001, VAL-001",
        "STD-X\n   :demonstrated_by: VT-999",
    )
    graph = TraceGraph(items_from(text))
    row = next(row for row in gspr_rows(graph, GSPR, states={}) if row.number == "17.2")
    assert row.standards[0].found is False
    assert row.evidence[0].docname is None and row.evidence[0].version is None
    assert row.gaps == ("unknown standard clause STD-X", "unknown evidence item VT-999")


@pytest.mark.parametrize("state", ["planned", "failed", "stale", "not_planned"])
def test_gspr_evidence_without_a_passed_result_is_a_gap(state: str) -> None:
    graph = TraceGraph(items_from(VALID_CHAIN + "\n" + GSPR_ITEMS))
    rows = gspr_rows(graph, GSPR, states={"VT-001": "passed", "VAL-001": state})
    row = next(row for row in rows if row.number == "17.2")
    assert row.gaps == (
        f"VAL-001 is not evidence yet: verification {state.replace('_', ' ')}, "
        "no passed result",
    )


def test_gspr_without_evidence_records_says_results_cannot_be_shown() -> None:
    graph = TraceGraph(items_from(VALID_CHAIN + "\n" + GSPR_ITEMS))
    by_number = {row.number: row for row in gspr_rows(graph, GSPR)}
    assert by_number["17.2"].gaps == (
        "no evidence records configured: results cannot be shown",
    )
    # a row that is not applicable needs no results
    assert by_number["14.2"].gaps == ()


def test_gspr_without_version_history_has_no_versions() -> None:
    graph = TraceGraph(items_from(VALID_CHAIN + "\n" + GSPR_ITEMS))
    row = next(row for row in gspr_rows(graph, GSPR) if row.number == "17.2")
    assert row.evidence[0].version is None


#: the packaged profile with the GSPR evidence link and the applicability field renamed
RENAMED_GSPR = """\
extends = "medical-device"

[links.shown_by]
incoming = "shows"

[fields.applies]
kind = "choice"
values = ["ja", "nein"]

[types.gspr]
required = ["status", "applies"]
links = { complies_with = ["standard_clause"], shown_by = ["verification_test", "validation"] }

[gspr]
evidence_link = "shown_by"
applicable_field = "applies"
applicable_value = "ja"
not_applicable_value = "nein"
"""


def test_gspr_rows_read_the_names_of_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "qms.toml"
    path.write_text(RENAMED_GSPR, encoding="utf-8")
    profile = load_profile(path)
    assert profile.gspr is not None
    renamed = (
        GSPR_ITEMS.replace(":demonstrated_by:", ":shown_by:")
        .replace(":applicable: yes", ":applies: ja")
        .replace(":applicable: no", ":applies: nein")
    )
    states = {"VT-001": "passed", "VAL-001": "waived"}
    versions = {"items.rst": "1a2b3c4"}
    default_rows = gspr_rows(
        TraceGraph(items_from(VALID_CHAIN + "\n" + GSPR_ITEMS)),
        GSPR,
        versions=versions,
        states=states,
    )
    rows = gspr_rows(
        TraceGraph(items_from(VALID_CHAIN + "\n" + renamed, profile)),
        profile.gspr,
        versions=versions,
        states=states,
    )

    def content(row: GsprRow) -> tuple[object, ...]:
        return (row.number, row.applicable, row.justification, row.method,
                row.standards, row.evidence, row.gaps)  # fmt: skip

    assert [content(row) for row in rows] == [content(row) for row in default_rows]
    # the packaged names mean nothing to this profile: no evidence, no answer
    read_default = gspr_rows(
        TraceGraph(items_from(VALID_CHAIN + "\n" + renamed, profile)), GSPR
    )
    row = next(row for row in read_default if row.number == "17.2")
    assert row.applicable is None
    assert row.evidence == ()
    assert row.gaps[0] == "applicability not stated (yes or no)"
    unstated = gspr_rows(
        TraceGraph(items_from(renamed.replace(":applies: ja\n", ""), profile)),
        profile.gspr,
    )
    assert "applicability not stated (ja or nein)" in unstated[-1].gaps


def _commit(sha: str, *changed: tuple[str, str]) -> CommitRecord:
    return CommitRecord(
        sha=sha,
        author="A",
        email="a@example.com",
        date="2026-01-01T00:00:00+00:00",
        subject="s",
        body="",
        changed=changed,
    )


def test_file_versions_are_the_last_commit_that_changed_each_file() -> None:
    commits = [
        _commit("c1", ("A", "a.rst"), ("A", "b.rst"), ("A", "c.rst")),
        _commit("c2", ("M", "a.rst"), ("D", "c.rst")),
        _commit("c3", ("M", "b.rst")),
    ]
    assert file_versions(commits) == {"a.rst": "c2", "b.rst": "c3"}
    assert file_versions([]) == {}
