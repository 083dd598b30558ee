"""Changes between two imports of an SBOM, matched by component key."""

from __future__ import annotations

from qmsdoc.soup import (
    Component,
    SbomDiff,
    SbomRecord,
    VersionChange,
    describe,
    diff_records,
)


def _component(name: str, version: str | None, *, purl: bool = True) -> Component:
    return Component(
        name=name,
        version=version,
        supplier=None,
        purl=f"pkg:pypi/{name.lower()}@{version}" if purl else None,
    )


def _record(*components: Component) -> SbomRecord:
    return SbomRecord(
        name="serenya-api",
        source="bom.json",
        format="CycloneDX",
        spec_version="1.6",
        digest="0" * 64,
        components=components,
    )


def test_added_removed_upgraded_downgraded() -> None:
    old = _record(
        _component("requests", "2.31.0"),
        _component("six", "1.16.0"),
        _component("idna", "3.7"),
        _component("certifi", "2024.2.2"),
    )
    new = _record(
        _component("requests", "2.32.3"),
        _component("urllib3", "2.2.1"),
        _component("idna", "3.6"),
        _component("certifi", "2024.2.2"),
    )
    diff = diff_records(old, new)
    assert diff == SbomDiff(
        added=(_component("urllib3", "2.2.1"),),
        removed=(_component("six", "1.16.0"),),
        upgraded=(
            VersionChange(
                before=_component("requests", "2.31.0"),
                after=_component("requests", "2.32.3"),
            ),
        ),
        downgraded=(
            VersionChange(
                before=_component("idna", "3.7"), after=_component("idna", "3.6")
            ),
        ),
    )
    assert describe(diff) == [
        "+ urllib3 2.2.1",
        "- six 1.16.0",
        "^ requests 2.31.0 -> 2.32.3",
        "v idna 3.7 -> 3.6",
    ]
    assert not diff.empty


def test_versions_are_ordered_as_pep_440_not_as_text() -> None:
    diff = diff_records(
        _record(_component("numpy", "1.9.3"), _component("django", "5.0rc1")),
        _record(_component("numpy", "1.10.0"), _component("django", "5.0")),
    )
    assert describe(diff) == ["^ django 5.0rc1 -> 5.0", "^ numpy 1.9.3 -> 1.10.0"]


def test_versions_that_cannot_be_ordered_are_a_change() -> None:
    old = _record(
        _component("libssl3", "3.0.11-1~deb12u2"),
        _component("openssl", "1.0"),
        _component("tzdata", None),
    )
    new = _record(
        _component("libssl3", "3.0.13-1~deb12u1"),
        _component("openssl", "1.0.0"),  # the same PEP 440 version, spelt otherwise
        _component("tzdata", "2024a"),
    )
    diff = diff_records(old, new)
    assert diff.upgraded == diff.downgraded == ()
    assert describe(diff) == [
        "~ libssl3 3.0.11-1~deb12u2 -> 3.0.13-1~deb12u1",
        "~ openssl 1.0 -> 1.0.0",
        "~ tzdata (no version) -> 2024a",
    ]


def test_components_are_matched_by_key_not_by_spelling() -> None:
    # a PURL names the component whatever the name says; without one, the name does
    old = _record(
        Component(
            name="PyYAML", version="6.0.1", supplier=None, purl="pkg:pypi/pyyaml@6.0.1"
        ),
        _component("Local-Tool", "1", purl=False),
    )
    new = _record(
        Component(
            name="pyyaml", version="6.0.2", supplier=None, purl="pkg:pypi/pyyaml@6.0.2"
        ),
        _component("local-tool", "2", purl=False),
    )
    assert describe(diff_records(old, new)) == [
        "^ local-tool 1 -> 2",
        "^ pyyaml 6.0.1 -> 6.0.2",
    ]


def test_no_previous_record_adds_everything() -> None:
    new = _record(_component("six", "1.16.0"), _component("idna", "3.7"))
    diff = diff_records(None, new)
    assert describe(diff) == ["+ idna 3.7", "+ six 1.16.0"]


def test_the_same_record_has_no_changes() -> None:
    record = _record(_component("six", "1.16.0"))
    diff = diff_records(record, record)
    assert diff.empty
    assert describe(diff) == []


def test_a_key_at_several_versions_is_compared_version_by_version() -> None:
    # npm trees often hold two versions of one package
    old = _record(_component("lodash", "4.17.20"), _component("lodash", "3.10.1"))
    one_moved = _record(_component("lodash", "4.17.21"), _component("lodash", "3.10.1"))
    assert describe(diff_records(old, one_moved)) == ["^ lodash 4.17.20 -> 4.17.21"]
    both_moved = _record(
        _component("lodash", "4.17.21"), _component("lodash", "3.10.2")
    )
    assert describe(diff_records(old, both_moved)) == [
        "+ lodash 3.10.2",
        "+ lodash 4.17.21",
        "- lodash 3.10.1",
        "- lodash 4.17.20",
    ]
    merged = _record(_component("lodash", "4.17.21"))
    assert describe(diff_records(old, merged)) == [
        "+ lodash 4.17.21",
        "- lodash 3.10.1",
        "- lodash 4.17.20",
    ]
