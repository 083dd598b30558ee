"""Generated dossier documents in real Sphinx builds: IEC 62304 and GSPR checklists,
version history, unresolved anomalies, SDS and architecture listing."""

from __future__ import annotations

import os
import re
import subprocess
from typing import TYPE_CHECKING

import pytest

from qmstest import SphinxRun, copy_root, sphinx_build

from .html_tables import read_tables

if TYPE_CHECKING:
    from pathlib import Path

ITEMS = """

.. standard_clause:: Software life cycle
   :id: STD-IEC62304-5
   :status: approved
   :standard: IEC 62304:2006+A1:2015
   :clause: 5.1 to 5.8

.. gspr:: Software developed to the state of the art
   :id: GSPR-17.2
   :status: approved
   :applicable: yes
   :conformity_method: IEC 62304 life cycle and system testing
   :complies_with: STD-IEC62304-5
   :demonstrated_by: VT-001

.. gspr:: Repeatability and reliability of software
   :id: GSPR-17.1
   :status: approved
   :applicable: yes
   :demonstrated_by: VT-001

.. gspr:: Radiation
   :id: GSPR-16
   :status: approved
   :applicable: no

.. gspr:: Chemical properties
   :id: GSPR-10
   :status: approved
   :applicable: no
   :rationale: Software-only device: no materials.

.. design_output:: Result software system
   :id: DO-010
   :status: approved
   :element: software_system
   :safety_class: A

.. design_output:: Report import interface
   :id: DO-011
   :status: approved
   :element: interface
   :safety_class: B
   :part_of: DO-010

.. anomaly:: Flag colour too light in dark mode
   :id: ANOM-001
   :status: approved
   :anomaly_state: deferred
   :sw91_category: usability
   :impact: No safety impact: the flag word is shown beside the colour.
   :affects: DO-001

   The High flag is hard to see in dark mode. Correction planned in 1.1.

.. anomaly:: Crash on an empty PDF
   :id: ANOM-002
   :status: approved
   :anomaly_state: fixed
   :impact: None after the fix.

.. soup:: pypdf
   :id: SOUP-010
   :status: approved
   :version: 4.2.0
   :supplier: pypdf maintainers
   :purl: pkg:pypi/pypdf@4.2.0
   :safety_relevance: none
   :purpose: Extracts the text layer of uploaded PDF lab reports
   :soup_requirements: Text of every page in reading order
   :prerequisites: CPython 3.11
   :support_level: actively_maintained
   :end_of_support: 2026-12-31

.. vulnerability:: Infinite loop on a crafted PDF
   :id: VULN-001
   :status: approved
   :vulnerability_id: CVE-2024-11111
   :vex_status: affected
   :vex_action: Parsing runs in a worker killed after 10 s; upgrade in release 1.1
   :affects: SOUP-010

.. vulnerability:: Header injection in an unused module
   :id: VULN-002
   :status: approved
   :vulnerability_id: CVE-2024-22222
   :vex_status: not_affected
   :vex_justification: vulnerable_code_not_in_execute_path
   :affects: SOUP-010
"""


def _page(root: Path, name: str, body: str) -> None:
    path = root / f"{name}.rst"
    path.parent.mkdir(parents=True, exist_ok=True)
    title = name.rsplit("/", 1)[-1]
    path.write_text(f"{title}\n{'=' * len(title)}\n\n{body}\n", encoding="utf-8")
    index = root / "index.rst"
    index.write_text(index.read_text().replace("   items\n", f"   items\n   {name}\n"))


def _html(root: Path, name: str) -> str:
    return (root / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _git(root: Path, *args: str, when: str = "2026-01-05T10:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Alice",
            "-c",
            "user.email=alice@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
            *args,
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SphinxRun]:
    """The valid project plus GSPR, anomaly, SOUP and vulnerability items and one
    page per directive, built once outside git."""
    root = copy_root("test-valid", tmp_path_factory.mktemp("documents") / "valid")
    items = root / "items.rst"
    items.write_text(items.read_text(encoding="utf-8") + ITEMS, encoding="utf-8")
    _page(root, "source/classification", "The device is software safety class B.")
    _page(root, "unset", ".. qms-iec62304-checklist::")
    _page(root, "iec62304", ".. qms-iec62304-checklist::\n   :safety-class: C")
    _page(root, "badclass", ".. qms-iec62304-checklist::\n   :safety-class: D")
    _page(root, "gspr", ".. qms-gspr-checklist::")
    _page(root, "anomalies", ".. qms-anomalies::")
    _page(root, "versions", ".. qms-version-history::")
    _page(root, "sds", ".. qms-architecture-listing::\n\n.. qms-sds::")
    _page(root, "badtype", ".. qms-sds::\n   :type: design_outptu")
    run = sphinx_build(root, "-E")
    assert run.returncode == 0, run.stderr
    return root, run


def test_iec62304_checklist_rows_for_the_class(built: tuple[Path, SphinxRun]) -> None:
    root, run = built
    unset = _text(_html(root, "unset"))
    assert (
        "Missing input: the software safety class is not set (qms.toml, "
        "[project.classification] software_safety_class)." in unset
    )
    checklist = _html(root, "iec62304")
    assert "software safety class C: 25 of 25 clause groups required" in _text(
        checklist
    )
    (rows,) = read_tables(checklist, "qms-iec62304-checklist")
    assert rows[0] == [
        "Clause",
        "Requirement",
        "Required for class C",
        "Evidence",
        "State",
    ]
    by_clause = {row[0]: row for row in rows[1:]}
    assert by_clause["4.3"][2:] == [
        "yes",
        "classification; 3 design output items (DO-001, DO-010, DO-011)",
        "met",
    ]
    architecture = by_clause["5.3.1-5.3.4, 5.3.6"]
    assert architecture[4] == "MISSING"
    assert (
        "missing: 0 design output items with element software_item" in architecture[3]
    )
    assert "2 soup items (SOUP-010, SOUP-050)" in architecture[3]
    assert "missing: no recorded test run" in by_clause["5.7"][3]
    assert "missing: not in a git repository" in by_clause["8"][3]
    assert 'href="source/classification.html"' in checklist
    assert '<td class="qms-state-missing qms-gap">' in checklist
    assert any(
        "badclass.rst:4: WARNING: qms-iec62304-checklist: "
        "software safety class 'D' is not one of A, B, C" in w
        for w in run.warnings
    ), run.warnings


def test_gspr_checklist_marks_gaps(built: tuple[Path, SphinxRun]) -> None:
    root, _run = built
    gspr = _html(root, "gspr")
    # 17.2 names its standard and its evidence, but VT-001 has no result: a protocol
    # without a result is not evidence, so every applicable row has a gap
    assert "4 rows: 2 applicable, 2 not applicable; 3 with gaps." in _text(gspr)
    (gspr_rows,) = read_tables(gspr, "qms-gspr-checklist")
    assert [row[0] for row in gspr_rows[1:]] == ["10", "16", "17.1", "17.2"]
    by_number = {row[0]: row for row in gspr_rows[1:]}
    assert by_number["17.2"][1:] == [
        "Software developed to the state of the art",
        "Y",
        "-",
        "IEC 62304 life cycle and system testing",
        "STD-IEC62304-5: IEC 62304:2006+A1:2015, clause 5.1 to 5.8",
        "VT-001 (items)",
        "VT-001 is not evidence yet: verification planned, no passed result",
    ]
    assert by_number["10"][2:4] == ["N", "Software-only device: no materials."]
    assert by_number["10"][-1] == "none"
    assert by_number["17.1"][-1] == (
        "no method of conformity; "
        "VT-001 is not evidence yet: verification planned, no passed result"
    )
    assert by_number["16"][-1] == "not applicable without justification"
    assert "not in a git repository" in _text(gspr)


def test_unresolved_anomalies_and_security_anomalies(
    built: tuple[Path, SphinxRun],
) -> None:
    root, _run = built
    anomalies = _html(root, "anomalies")
    assert "1 unresolved anomaly (0 open, 1 deferred); 1 fixed or closed." in _text(
        anomalies
    )
    anomaly_table, vulnerability_table = read_tables(anomalies, "qms-anomalies")
    assert anomaly_table[1] == [
        "ANOM-001",
        "Flag colour too light in dark mode. The High flag is hard to see in dark "
        "mode. Correction planned in 1.1.",
        "deferred",
        "usability",
        "No safety impact: the flag word is shown beside the colour.",
        "DO-001",
    ]
    assert vulnerability_table[1:] == [
        [
            "VULN-001",
            "Infinite loop on a crafted PDF CVE-2024-11111",
            "affected",
            "Parsing runs in a worker killed after 10 s; upgrade in release 1.1",
            "SOUP-010",
        ],
    ]
    assert (
        "1 of 2 vulnerability assessments are affected or under investigation"
        in _text(anomalies)
    )


def test_version_history_outside_git_says_so(built: tuple[Path, SphinxRun]) -> None:
    root, _run = built
    versions = _text(_html(root, "versions"))
    assert "Missing input: the device file is not in a git repository" in versions


def test_sds_and_architecture_listing(built: tuple[Path, SphinxRun]) -> None:
    root, run = built
    sds = _html(root, "sds")
    (listing,) = read_tables(sds, "qms-architecture")
    assert [row[:5] for row in listing[1:]] == [
        ["1", "DO-001", "Result flagging engine", "software unit", "B"],
        ["2", "DO-010", "Result software system", "software system", "A"],
        [
            "2.1",
            "DO-011",
            "Report import interface",
            "interface",
            "B (above DO-010, class A)",
        ],
    ]
    assert listing[2][5:] == ["-", "DO-011"]
    specification = read_tables(sds, "qms-sds")
    assert specification[0][1] == [
        "software unit",
        "B",
        "-",
        "REQ-001",
        "RC-001",
        "none",
    ]
    text = _text(sds)
    assert "3 design outputs (1 interface, 1 software system, 1 software unit)" in text
    assert "Compares each result with its reference range." in text
    assert any(
        "badtype.rst:4: WARNING: qms-sds: unknown item type 'design_outptu'" in w
        for w in run.warnings
    ), run.warnings


def test_version_history_from_baseline_tags_and_gspr_versions(valid_root: Path) -> None:
    _page(valid_root, "versions", ".. qms-version-history::")
    _page(valid_root, "anomalies", ".. qms-anomalies::")
    _page(valid_root, "gspr", ".. qms-gspr-checklist::")
    items = valid_root / "items.rst"
    _git(valid_root, "init", "-q", "-b", "main")
    _git(valid_root, "add", "-A")
    _git(valid_root, "commit", "-q", "-m", "Device file")
    first = _git(valid_root, "rev-parse", "HEAD")
    _git(valid_root, "tag", "-a", "v1.0", "-m", "Release 1.0")
    text = items.read_text(encoding="utf-8")
    text = text.replace("flag a result below", "flag every result below")
    items.write_text(
        text + ITEMS.split(".. design_output::", maxsplit=1)[0], encoding="utf-8"
    )
    _git(
        valid_root,
        "commit",
        "-q",
        "-am",
        "Reword REQ-001, add GSPR rows",
        when="2026-02-10T09:00:00+00:00",
    )
    second = _git(valid_root, "rev-parse", "HEAD")
    _git(valid_root, "tag", "v1.1")
    items.write_text(
        items.read_text(encoding="utf-8").replace(
            ".. gspr:: Radiation\n   :id: GSPR-16\n   :status: approved\n   :applicable: no\n",
            "",
        ),
        encoding="utf-8",
    )
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 0, run.stderr

    versions = _html(valid_root, "versions")
    (rows,) = read_tables(versions, "qms-version-history")
    assert rows[0] == [
        "Version",
        "Date",
        "Commit",
        "Items",
        "Added",
        "Changed",
        "Removed",
        "Test runs at this commit",
    ]
    assert rows[1] == ["v1.0", "2026-01-05", first[:7], "11", "11", "0", "0", "none"]
    assert rows[2] == ["v1.1", "2026-02-10", second[:7], "16", "5", "1", "0", "none"]
    assert rows[3] == [
        "unreleased (since v1.1)",
        "-",
        f"{second[:7]} (working tree modified)",
        "15",
        "0",
        "0",
        "1",
        "none",
    ]
    assert "2 released versions (git tags matching 'v*')" in _text(versions)

    gspr = _html(valid_root, "gspr")
    (gspr_rows,) = read_tables(gspr, "qms-gspr-checklist")
    by_number = {row[0]: row for row in gspr_rows[1:]}
    assert by_number["17.2"][6] == f"VT-001 (items @ {second[:7]})"
    assert "short SHA of the last commit that changed its file" in _text(gspr)

    anomalies = _text(_html(valid_root, "anomalies"))
    assert (
        "No unresolved anomalies: none is open or deferred; 0 fixed or closed."
        in anomalies
    )
    assert (
        "No unresolved security anomalies: 0 vulnerability assessments, none "
        "affected or under investigation." in anomalies
    )


def test_no_baseline_tag_is_said(valid_root: Path) -> None:
    _page(valid_root, "versions", ".. qms-version-history::")
    _git(valid_root, "init", "-q", "-b", "main")
    _git(valid_root, "add", "-A")
    _git(valid_root, "commit", "-q", "-m", "Device file")
    head = _git(valid_root, "rev-parse", "HEAD")
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 0, run.stderr
    assert (
        f"No released version yet: no git tag matches 'v*'. The working state at "
        f"commit {head[:7]} holds 11 items" in _text(_html(valid_root, "versions"))
    )
