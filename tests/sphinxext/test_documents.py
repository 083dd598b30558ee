"""Generated documents (SRS, V&V summary) in a real Sphinx build."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmstest import sphinx_build

from .html_tables import read_tables

if TYPE_CHECKING:
    from pathlib import Path


def _page(root: Path, name: str, body: str) -> None:
    (root / f"{name}.rst").write_text(
        f"{name}\n{'=' * len(name)}\n\n{body}\n", encoding="utf-8"
    )
    index = root / "index.rst"
    index.write_text(index.read_text().replace("   items\n", f"   items\n   {name}\n"))


def test_srs_groups_requirements_by_kind_and_vv_counts_tests(valid_root: Path) -> None:
    _page(valid_root, "srs", ".. qms-srs::")
    _page(valid_root, "vv", ".. qms-vv-summary::")
    run = sphinx_build(valid_root, "-E")
    assert run.returncode == 0, run.stderr
    srs = (valid_root / "_build" / "html" / "srs.html").read_text(encoding="utf-8")
    assert "1 requirements in 1 kinds" in srs
    assert "Functional requirements" in srs
    (rows,) = read_tables(srs, "qms-srs")
    assert rows[1][0] == "REQ-001"
    assert rows[1][1].startswith(
        "Flag results outside the reference range The software shall flag"
    )
    assert rows[1][2] == "satisfies UN-001"
    # the state comes from records (none here), never from the link to VT-001
    assert rows[0][3] == "Verification (executed records)"
    assert rows[1][3] == "planned, not executed (VT-001)"
    vv = (valid_root / "_build" / "html" / "vv.html").read_text(encoding="utf-8")
    levels, validations = read_tables(vv, "qms-vv")
    # VT-001 is linked but has no executed record: counted by its state's label
    assert levels[1] == ["unit", "1", "0", "1 planned, not executed"]
    assert validations[1][0] == "VAL-001"
    assert validations[1][3] == (
        "planned, not executed: no executed result recorded for VAL-001"
    )
    assert "Missing input: no test run is recorded" in vv


def test_missing_input_is_said_not_left_empty(valid_root: Path) -> None:
    items = valid_root / "items.rst"
    text = items.read_text(encoding="utf-8")
    start = text.index(".. verification_test::")
    end = text.index(".. validation::")
    items.write_text(text[:start] + text[end:], encoding="utf-8")
    _page(valid_root, "vv", ".. qms-vv-summary::")
    _page(valid_root, "bad", ".. qms-srs::\n   :type: requirment")
    run = sphinx_build(valid_root, "-E")
    vv = (valid_root / "_build" / "html" / "vv.html").read_text(encoding="utf-8")
    assert "Missing input: the device file has no verification_test items." in vv
    assert any(
        "bad.rst:4: WARNING: qms-srs: unknown item type 'requirment'" in w
        for w in run.warnings
    ), run.warnings
