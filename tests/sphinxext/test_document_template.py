"""``.. qms-document::``: documents rendered from Jinja2 templates over the items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmstest import add_pages, sphinx_build

from .html_tables import read_tables

if TYPE_CHECKING:
    from pathlib import Path

PAGE = """\
Software description
====================

.. qms-document:: software-description
"""


def _add_page(root: Path, text: str = PAGE) -> None:
    add_pages(root, {"description": text})


def _text(root: Path) -> str:
    return (root / "_build" / "html" / "description.html").read_text(encoding="utf-8")


def test_the_packaged_template_renders_the_software_items(valid_root: Path) -> None:
    _add_page(valid_root)
    assert sphinx_build(valid_root, "-E").returncode == 0
    # the test root has a software unit only: the document names what it lacks
    assert "Missing input:" in _text(valid_root)
    assert "software_system" in _text(valid_root)

    items = valid_root / "items.rst"
    items.write_text(
        items.read_text(encoding="utf-8")
        + "\n.. design_output:: Results service\n   :id: DO-002\n   :status: draft\n"
        "   :element: software_item\n   :safety_class: B\n   :implements: REQ-001\n",
        encoding="utf-8",
    )
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 0
    assert not [w for w in run.warnings if "description" in w], run.warnings
    page = _text(valid_root)
    [structure, kinds] = read_tables(page, "docutils")[:2]
    assert structure[0] == ["Item", "Software system or item", "Class",
                            "Function (requirements implemented)"]  # fmt: skip
    assert structure[1][0].endswith("(DO-002)")
    assert structure[1][1:3] == ["Results service", "B"]
    assert structure[1][3].endswith("(REQ-001)")
    assert kinds[1][:2] == ["functional", "1"]
    assert "1 software items, 1 software units" in " ".join(page.split())
    assert "Missing input:</strong> no design output of element" in page
    assert 'href="items.html#REQ-001"' in page


def test_a_project_template_overrides_the_packaged_one(valid_root: Path) -> None:
    _add_page(valid_root)
    templates = valid_root / "templates"
    templates.mkdir()
    (templates / "software-description.rst.j2").write_text(
        "{{ doc.project }} has {{ doc.items('requirement') | length }} requirement(s):"
        "\n\n{% for r in doc.items('requirement') %}* {{ doc.need(r) }}\n{% endfor %}",
        encoding="utf-8",
    )
    assert sphinx_build(valid_root, "-E").returncode == 0
    assert "Valid has 1 requirement(s):" in _text(valid_root)

    # the page follows the items in an incremental build (it is an aggregate page)
    items = valid_root / "items.rst"
    items.write_text(
        items.read_text(encoding="utf-8")
        + "\n.. requirement:: Show the unit of every result\n   :id: REQ-002\n"
        "   :status: draft\n   :kind: functional\n   :level: software\n"
        "   :satisfies: UN-001\n",
        encoding="utf-8",
    )
    run = sphinx_build(valid_root, "-v")
    assert "description" in run.read_documents
    assert "Valid has 2 requirement(s):" in _text(valid_root)


def test_a_broken_template_is_a_warning_at_the_directive_and_says_so(
    valid_root: Path,
) -> None:
    _add_page(valid_root)
    templates = valid_root / "templates"
    templates.mkdir()
    (templates / "software-description.rst.j2").write_text(
        "line one\n{% for x in %}\n", encoding="utf-8"
    )
    run = sphinx_build(valid_root, "-E")
    [warning] = [w for w in run.warnings if "qms.template" in w]
    assert "description.rst:4" in warning
    assert "software-description.rst.j2:2: template error" in warning
    assert "Missing input: document template software-description.rst.j2" in _text(
        valid_root
    )


def test_an_unknown_template_is_named(valid_root: Path) -> None:
    _add_page(valid_root, PAGE.replace("software-description", "no-such-document"))
    run = sphinx_build(valid_root, "-E")
    [warning] = [w for w in run.warnings if "qms.template" in w]
    assert "no-such-document.rst.j2: no such template" in warning
