"""SOUP checks against imported SBOM records (IEC 62304 8.1.2, 5.3.3, 7.1.2)."""

from __future__ import annotations

from qmsdoc.checks import Finding
from qmsdoc.processes import run_checks
from qmsdoc.soup.records import Component, SbomRecord

from .._rst import default_profile, items_from, rst

SOUP = rst(
    """\
    .. hazard:: Lab value misread from the uploaded report
       :id: HAZ-001
       :status: approved
       :hazard_category: data_integrity

    .. soup:: pypdf
       :id: SOUP-001
       :status: approved
       :version: 4.2.0
       :supplier: pypdf maintainers
       :purl: pkg:pypi/pypdf@4.2.0
       :safety_relevance: direct
       :purpose: Extracts the text layer of uploaded PDF lab reports
       :soup_requirements: Text of every page in reading order; 20-page report in under 2 s
       :prerequisites: CPython 3.11
       :support_level: actively_maintained
       :end_of_support: 2026-12-31
       :contributes_to: HAZ-001

    .. soup:: urllib3
       :id: SOUP-002
       :status: approved
       :version: 2.2.1
       :supplier: urllib3 maintainers
       :purl: pkg:pypi/urllib3@2.2.1
       :safety_relevance: none
       :purpose: HTTP connection pooling for the storage client
       :soup_requirements: TLS 1.2 or later with certificate verification
       :prerequisites: CPython 3.11, OpenSSL 3
       :support_level: actively_maintained
       :end_of_support: 2026-12-31
    """
)


def _component(name: str, version: str, line: int) -> Component:
    return Component(
        name=name,
        version=version,
        supplier=None,
        purl=f"pkg:pypi/{name}@{version}",
        line=line,
    )


def _record(*components: Component) -> SbomRecord:
    return SbomRecord(
        name="serenya-api",
        source="serenya-api.cdx.json",
        format="CycloneDX",
        spec_version="1.6",
        digest="0" * 64,
        components=components,
    )


def _findings(text: str, *records: SbomRecord, prefix: str = "soup_") -> list[Finding]:
    profile = default_profile()
    return [
        f
        for f in run_checks(items_from(text, profile), profile, sboms=records)
        if f.check_id.startswith(prefix)
    ]


def test_every_component_with_its_item_and_version_gives_no_finding() -> None:
    record = _record(
        _component("pypdf", "4.2.0", 12), _component("urllib3", "2.2.1", 13)
    )
    assert _findings(SOUP, record) == []


def test_a_component_without_a_soup_item_is_reported_at_its_record_line() -> None:
    record = _record(
        _component("pypdf", "4.2.0", 12),
        _component("six", "1.16.0", 13),
        _component("urllib3", "2.2.1", 14),
    )
    assert _findings(SOUP, record) == [
        Finding(
            check_id="soup_unlisted",
            severity="error",
            item_id="pkg:pypi/six@1.16.0",
            path="traceability/soup/serenya-api.json",
            line=13,
            docname="",
            message=(
                "SBOM serenya-api lists six 1.16.0 (pkg:pypi/six@1.16.0) but no soup"
                " item has purl 'pkg:pypi/six@1.16.0'"
            ),
        )
    ]


def test_removing_a_soup_item_makes_its_component_unlisted() -> None:
    record = _record(
        _component("pypdf", "4.2.0", 12), _component("urllib3", "2.2.1", 13)
    )
    without_urllib3 = SOUP[: SOUP.index(".. soup:: urllib3")]
    findings = _findings(without_urllib3, record)
    assert [(f.check_id, f.line, f.item_id) for f in findings] == [
        ("soup_unlisted", 13, "pkg:pypi/urllib3@2.2.1")
    ]


def test_a_soup_item_with_another_version_than_the_sbom_is_reported() -> None:
    record = _record(
        _component("pypdf", "4.3.1", 12), _component("urllib3", "2.2.1", 13)
    )
    findings = _findings(SOUP, record)
    assert [(f.check_id, f.item_id, f.line) for f in findings] == [
        ("soup_version_mismatch", "SOUP-001", 6)
    ]
    assert "'4.2.0' but the SBOM records 4.3.1" in findings[0].message


def test_a_soup_item_whose_component_left_the_sbom_is_reported_unless_obsolete() -> (
    None
):
    record = _record(_component("pypdf", "4.2.0", 12))
    findings = _findings(SOUP, record)
    assert [(f.check_id, f.item_id) for f in findings] == [
        ("soup_not_in_sbom", "SOUP-002")
    ]
    obsolete = SOUP.replace(
        ":id: SOUP-002\n   :status: approved", ":id: SOUP-002\n   :status: obsolete"
    )
    assert _findings(obsolete, record) == []


def test_without_any_sbom_only_the_item_checks_run() -> None:
    assert _findings(SOUP) == []


def test_safety_relevant_soup_needs_a_link_to_a_hazard() -> None:
    unlinked = SOUP.replace("   :contributes_to: HAZ-001\n", "")
    findings = _findings(unlinked)
    assert [(f.check_id, f.item_id) for f in findings] == [
        ("soup_hazard_unlinked", "SOUP-001")
    ]
    assert "safety_relevance is 'direct'" in findings[0].message


def test_a_soup_item_without_its_specification_fields_is_incomplete() -> None:
    bare = rst(
        """\
        .. soup:: leftpad
           :id: SOUP-009
           :status: approved
           :version: 1.0.0
           :supplier: someone
           :safety_relevance: none
        """
    )
    profile = default_profile()
    missing = sorted(
        f.message.split("'")[1]
        for f in run_checks(items_from(bare, profile), profile)
        if f.check_id == "field_missing"
    )
    assert missing == [
        "end_of_support", "prerequisites", "purl", "purpose",
        "soup_requirements", "support_level",
    ]  # fmt: skip
