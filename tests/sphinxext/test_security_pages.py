"""Cybersecurity pages in real Sphinx builds: security table and SOUP list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.soup.records import Component, SbomRecord
from qmsdoc.soup.store import write_record
from qmsdoc.vulnerability.records import ScannerFinding, ScanRecord
from qmsdoc.vulnerability.store import write_scan
from qmstest import add_pages, sphinx_build

from .html_tables import read_tables

if TYPE_CHECKING:
    from pathlib import Path

PAGE = """\
Security
========

.. qms-security-plan::

.. qms-security-table::

.. qms-soup-list::

.. threat:: Crafted PDF exhausts the report parser
   :id: THR-001
   :status: approved
   :stride: denial_of_service
   :asset: Report ingestion service
   :security_impact: 3
   :exploitability: 4
   :residual_exploitability: 2

.. security_control:: Parse uploads in a worker with time and memory limits
   :id: SC-001
   :status: approved
   :control_category: resiliency
   :mitigates: THR-001, VULN-001

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
   :vex_action: Parsing runs in a worker killed after 10 s; upgrade to 4.3 in release 1.1
   :affects: SOUP-010
"""


def _component(name: str, version: str) -> Component:
    return Component(
        name=name,
        version=version,
        # cyclonedx-py states no supplier for most Python packages
        supplier=None if name == "pypdf" else f"{name} maintainers",
        purl=f"pkg:pypi/{name}@{version}",
        licenses=("BSD-3-Clause",),
    )


def _sbom(*components: Component) -> SbomRecord:
    return SbomRecord(
        name="api",
        source="api.cdx.json",
        format="CycloneDX",
        spec_version="1.6",
        digest="ab" * 32,
        tools=("cyclonedx-py 7.5.0",),
        components=components,
    )


def _project(root: Path) -> Path:
    add_pages(root, {"security": PAGE})
    write_record(
        root / "traceability" / "soup",
        _sbom(_component("pypdf", "4.2.0"), _component("six", "1.16.0")),
    )
    write_scan(
        root / "traceability" / "vulnerabilities",
        ScanRecord(
            name="api",
            scanner="osv",
            source="api.osv.json",
            digest="cd" * 32,
            findings=(
                ScannerFinding(
                    vulnerability_id="GHSA-9m86-7pmv-2852",
                    aliases=("CVE-2024-11111",),
                    package="pypdf",
                    version="4.2.0",
                    severity="MEDIUM",
                ),
            ),
        ),
    )
    return root


def test_security_table_and_soup_list_are_computed(valid_root: Path) -> None:
    root = _project(valid_root)
    run = sphinx_build(root, "-E")
    page = (root / "_build" / "html" / "security.html").read_text(encoding="utf-8")
    (table,) = read_tables(page, "qms-security-table")
    assert table[1] == [
        "THR-001 Crafted PDF exhausts the report parser",
        "denial of service",
        "Report ingestion service",
        "-",
        "I3/E4: Reduce as far as possible",
        "SC-001",
        "I3/E2: Acceptable",
        "acceptable",
    ]
    (soup,) = read_tables(page, "qms-soup-list")
    assert [row[0] for row in soup[1:]] == ["pypdf 4.2.0", "six 1.16.0"]
    assert soup[1][3:] == [
        "SOUP-010",
        "none",
        "actively maintained, until 2026-12-31",
        "GHSA-9m86-7pmv-2852: VULN-001 affected",
    ]
    assert soup[1][1] == "pypdf maintainers (from the SOUP item; not in the SBOM)"
    assert soup[2][1] == "six maintainers"
    assert soup[2][3] == "missing"
    # the missing SOUP item is a qms warning at the record's line, not in a document
    [unlisted] = [w for w in run.warnings if "soup_unlisted" in w]
    assert "traceability/soup/api.json:" in unlisted
    assert "SBOM api lists six 1.16.0" in unlisted


def test_a_reimported_sbom_refreshes_the_soup_list_in_an_incremental_build(
    valid_root: Path,
) -> None:
    root = _project(valid_root)
    assert sphinx_build(root).returncode == 0
    write_record(
        root / "traceability" / "soup",
        _sbom(_component("pypdf", "4.2.0"), _component("six", "1.17.0")),
    )
    run = sphinx_build(root, "-v")  # incremental: no -E
    assert "security" in run.read_documents
    page = (root / "_build" / "html" / "security.html").read_text(encoding="utf-8")
    (soup,) = read_tables(page, "qms-soup-list")
    assert [row[0] for row in soup[1:]] == ["pypdf 4.2.0", "six 1.17.0"]
