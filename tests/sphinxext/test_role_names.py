"""The generated pages read type, field and link names from the profile's role tables:
a device file whose profile renames them (part_of -> child_of, element ->
building_block, ...) renders the same tables as one with the packaged names."""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

import pytest

from qmstest import copy_root, sphinx_build

from .html_tables import read_tables
from .test_security_pages import _project

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
"""

PAGES = {
    "sds": ".. qms-architecture-listing::\n\n.. qms-sds::",
    "anomalies": ".. qms-anomalies::",
    "gspr": ".. qms-gspr-checklist::",
    "srs": ".. qms-srs::",
}

#: (page, table class) of every table compared
TABLES = (
    ("sds", "qms-architecture"),
    ("sds", "qms-sds"),
    ("anomalies", "qms-anomalies"),
    ("gspr", "qms-gspr-checklist"),
    ("srs", "qms-srs"),
    ("security", "qms-security-table"),
    ("security", "qms-soup-list"),
)

#: the packaged profile with one link, field or both of every role table renamed
RENAMED = """\
extends = "medical-device"

[project]
name = "Valid"
sources = ["."]
exclude = ["_build"]

[links.child_of]
incoming = "has child"

[links.hits]
incoming = "hit by"

[links.shown_by]
incoming = "shows"

[fields.building_block]
kind = "choice"
values = ["software_system", "software_item", "software_unit", "interface"]

[fields.requirement_kind]
kind = "choice"
values = ["functional", "performance", "interface"]

[fields.threat_class]
kind = "choice"
values = ["spoofing", "tampering", "denial_of_service"]

[fields.vendor]
kind = "text"

[fields.lifetime]
kind = "date"

[types.requirement]
required = ["status", "requirement_kind", "level"]

[types.design_output]
required = ["status", "building_block", "safety_class"]
links = { child_of = ["design_output"] }

[types.anomaly]
links = { hits = ["design_output", "soup", "requirement"] }

[types.gspr]
links = { shown_by = ["requirement", "verification_test", "validation"] }

[types.threat]
required = ["status", "threat_class", "asset", "security_impact", "exploitability"]

[types.soup]
required = ["status", "version", "vendor", "purl", "safety_relevance", "purpose", "soup_requirements", "prerequisites", "support_level", "lifetime"]

[design]
part_of_link = "child_of"
element_field = "building_block"
kind_field = "requirement_kind"

[anomalies]
affects_link = "hits"

[gspr]
evidence_link = "shown_by"

[security.fields]
stride = "threat_class"

[soup]
supplier_field = "vendor"
end_of_support_field = "lifetime"
"""

#: the option names the renamed profile uses instead of the packaged ones
RENAMES = (
    (":part_of:", ":child_of:"),
    (":element:", ":building_block:"),
    (":kind:", ":requirement_kind:"),
    (":affects: DO-001", ":hits: DO-001"),
    (":demonstrated_by:", ":shown_by:"),
    (":stride:", ":threat_class:"),
    (":supplier:", ":vendor:"),
    (":end_of_support:", ":lifetime:"),
)


def _device(root: Path, *, renamed: bool) -> Path:
    """The valid project with design outputs, an anomaly, a GSPR row, the security
    page and its records, and a page per directive; names renamed if asked."""
    items = root / "items.rst"
    items.write_text(items.read_text(encoding="utf-8") + ITEMS, encoding="utf-8")
    _project(root)
    index = root / "index.rst"
    for name, body in PAGES.items():
        (root / f"{name}.rst").write_text(
            f"{name}\n{'=' * len(name)}\n\n{body}\n", encoding="utf-8"
        )
        index.write_text(
            index.read_text().replace("   items\n", f"   items\n   {name}\n")
        )
    if renamed:
        (root / "qms.toml").write_text(RENAMED, encoding="utf-8")
        pages = (items, root / "security.rst")
        texts = [page.read_text(encoding="utf-8") for page in pages]
        for old, new in RENAMES:
            assert any(old in text for text in texts), old
            texts = [text.replace(old, new) for text in texts]
        for page, text in zip(pages, texts, strict=True):
            page.write_text(text, encoding="utf-8")
    return root


def _tables(root: Path) -> dict[tuple[str, str], list[list[list[str]]]]:
    run = sphinx_build(root, "-E")
    assert run.returncode == 0, run.stderr
    html = root / "_build" / "html"
    return {
        (page, css): read_tables((html / f"{page}.html").read_text("utf-8"), css)
        for page, css in TABLES
    }


def test_renamed_links_and_fields_render_the_same_tables(tmp_path: Path) -> None:
    packaged = _tables(
        _device(copy_root("test-valid", tmp_path / "packaged"), renamed=False)
    )
    renamed = _tables(
        _device(copy_root("test-valid", tmp_path / "renamed"), renamed=True)
    )
    for key in TABLES:
        assert renamed[key] == packaged[key], key
    # the tables show what the renamed links and fields carry
    (listing,) = packaged["sds", "qms-architecture"]
    assert listing[3][:5] == [
        "2.1",
        "DO-011",
        "Report import interface",
        "interface",
        "B (above DO-010, class A)",
    ]
    anomalies, security_anomalies = packaged["anomalies", "qms-anomalies"]
    assert anomalies[1][-1] == "DO-001"
    assert security_anomalies[1][-1] == "SOUP-010"
    (gspr,) = packaged["gspr", "qms-gspr-checklist"]
    assert gspr[1][6].startswith("VT-001")
    assert [rubric[1][0] for rubric in packaged["srs", "qms-srs"]] == ["REQ-001"]
    (threats,) = packaged["security", "qms-security-table"]
    assert threats[1][1] == "denial of service"
    (soup,) = packaged["security", "qms-soup-list"]
    assert soup[1][1] == "pypdf maintainers (from the SOUP item; not in the SBOM)"
    assert soup[1][5] == "actively maintained, until 2026-12-31"


@pytest.mark.parametrize(
    ("table", "directive"),
    [
        ("design", "qms-sds"),
        ("anomalies", "qms-anomalies"),
        ("gspr", "qms-gspr-checklist"),
    ],
)
def test_a_page_whose_role_table_is_left_out_warns(
    valid_root: Path, table: str, directive: str
) -> None:
    packaged = (
        resources.files("qmsdoc.profile") / "data" / "medical-device.toml"
    ).read_text(encoding="utf-8")
    without = re.sub(rf"(?m)^\[{table}\]\n(?:(?!\[).*\n)*", "", packaged)
    assert f"[{table}]" not in without
    (valid_root / "qms.toml").write_text(
        without
        + '\n[project]\nname = "Valid"\nsources = ["."]\nexclude = ["_build"]\n',
        encoding="utf-8",
    )
    (valid_root / "page.rst").write_text(
        f"Page\n====\n\n.. {directive}::\n", encoding="utf-8"
    )
    index = valid_root / "index.rst"
    index.write_text(index.read_text().replace("   items\n", "   items\n   page\n"))
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 0, run.stderr
    assert any(
        f"page.rst:4: WARNING: {directive}: the profile has no [{table}] table; "
        "nothing to show" in warning
        for warning in run.warnings
    ), run.warnings
