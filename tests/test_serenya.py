"""The Serenya reference device file: complete, clean, and read alike by CLI and Sphinx."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from typing import TYPE_CHECKING

import pytest
from sphinx.application import Sphinx

from qmsdoc.device_file import check_device_file, read_raw_items
from qmsdoc.project import load_project
from qmsdoc.sphinxext.domain import QmsDomain
from qmstest import REPOSITORY, copy_serenya, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.model import RawItem

MINIMUM_COUNTS = {
    "user_need": 20,
    "requirement": 60,
    "design_output": 25,
    "hazard": 15,
    "hazardous_situation": 15,
    "harm": 5,
    "risk_control": 20,
    "verification_test": 60,
    "validation": 5,
}


def _qms_check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_serenya_has_the_required_items_and_no_open_findings() -> None:
    outcome = check_device_file(load_project(REPOSITORY))
    counts = Counter(item.item_type for item in outcome.items)
    for item_type, minimum in MINIMUM_COUNTS.items():
        assert counts[item_type] >= minimum, (item_type, counts[item_type])
    open_findings = [
        f"{f.path}:{f.line}: {f.message}" for f in outcome.findings if f.fails_gate
    ]
    assert open_findings == []
    for deviation in (f for f in outcome.findings if f.waived):
        assert deviation.justification is not None
        assert len(deviation.justification.split()) >= 8, deviation


def _normalised(raw: RawItem) -> tuple[object, ...]:
    content = "\n".join(line.strip() for line in raw.content.strip().splitlines())
    options = tuple(
        sorted((name, " ".join(value.split())) for name, value in raw.options)
    )
    return (
        raw.location.path,
        raw.location.line,
        raw.directive,
        " ".join(raw.title.split()),
        options,
        content,
    )


@pytest.fixture(scope="module")
def sphinx_raw_items(tmp_path_factory: pytest.TempPathFactory) -> list[RawItem]:
    """The items as the Sphinx directive recorded them in a real build of Serenya."""
    out = tmp_path_factory.mktemp("serenya-build")
    app = Sphinx(
        srcdir=REPOSITORY,
        confdir=REPOSITORY,
        outdir=out / "dummy",
        doctreedir=out / "doctrees",
        buildername="dummy",
        status=None,
        warning=io.StringIO(),
        freshenv=True,
    )
    app.build()
    return list(QmsDomain.of(app.env).raw_items())


def test_source_reader_and_sphinx_directive_agree(
    sphinx_raw_items: list[RawItem],
) -> None:
    scanned = sorted(
        _normalised(raw) for raw in read_raw_items(load_project(REPOSITORY))
    )
    built = sorted(_normalised(raw) for raw in sphinx_raw_items)
    assert len(scanned) >= 250
    assert scanned == built


def test_unverified_requirement_fails_the_gate_until_waived(tmp_path: Path) -> None:
    root = copy_serenya(tmp_path / "serenya")
    new_file = root / "requirements" / "zz-added.rst"
    text = (
        "Added requirement\n=================\n\n"
        ".. qms-document-control:: SER-REQ-900\n   :role: software-requirements-specification\n\n"
        ".. requirement:: Show the laboratory name printed on the report\n"
        "   :id: REQ-900\n   :status: draft\n   :kind: functional\n   :level: software\n"
        "   :satisfies: UN-001\n"
    )
    new_file.write_text(text, encoding="utf-8")
    (root / "design-controls" / "zz-added.rst").write_text(
        "Added output\n============\n\n"
        ".. qms-document-control:: SER-DES-900\n   :role: software-design-specification\n\n"
        ".. design_output:: Laboratory name display\n"
        "   :id: DO-900\n   :status: draft\n   :element: software_unit\n   :safety_class: A\n"
        "   :implements: REQ-900\n",
        encoding="utf-8",
    )
    failed = _qms_check(root)
    assert failed.returncode == 1
    assert (
        "requirements/zz-added.rst:7: error: REQ-900: no verification_test verifies this "
        "requirement (ISO 13485 7.3.6 via 21 CFR 820.10; IEC 62304 5.7.1) [qms.coverage_requirement_verified]"
    ) in failed.stdout
    strict = sphinx_build(root, "-E", "-W", "--keep-going", builder="dummy")
    assert strict.returncode != 0
    assert any(
        "requirements/zz-added.rst:7: WARNING: REQ-900" in line
        and "[qms.coverage_requirement_verified]" in line
        for line in strict.warnings
    ), strict.warnings

    waiver = (
        "   :waiver: coverage_requirement_verified: Display-only text taken verbatim from the\n"
        "      report header; verified by inspection in design review DR-3.\n"
    )
    new_file.write_text(text + waiver, encoding="utf-8")
    # the new links are suspect until reviewed; the review adds exactly their lines
    suspect = _qms_check(root)
    assert suspect.returncode == 1
    assert "REQ-900 satisfies UN-001 is suspect: never reviewed" in suspect.stdout
    record = root / "traceability" / "reviewed-links.txt"
    before = set(record.read_text().splitlines())
    reviewed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from qmsdoc.cli import main; main()",
            "review",
            "REQ-900",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert reviewed.returncode == 0, reviewed.stderr
    added = set(record.read_text().splitlines()) - before
    assert sorted(line.rsplit(" ", 1)[0] for line in added) == [
        "DO-900 implements REQ-900",
        "REQ-900 satisfies UN-001",
    ]
    passed = _qms_check(root)
    assert passed.returncode == 0, passed.stdout
    document = json.loads((root / "traceability" / "findings.json").read_text())
    assert {
        "check": "qms.coverage_requirement_verified",
        "item": "REQ-900",
        "file": "requirements/zz-added.rst",
        "line": 7,
        "justification": "Display-only text taken verbatim from the report header; verified "
        "by inspection in design review DR-3.",
    }.items() <= next(
        d for d in document["deviations"] if d["item"] == "REQ-900"
    ).items()


def test_test_linked_to_a_user_need_is_reported_at_its_location(tmp_path: Path) -> None:
    root = copy_serenya(tmp_path / "serenya")
    (root / "design-controls" / "zz-added.rst").write_text(
        "Added test\n==========\n\nSome text.\n\n.. verification_test:: Upload of a PDF report\n"
        "   :id: VT-900\n   :status: draft\n   :test_level: system\n   :method: test\n"
        "   :verifies: REQ-001\n   :validates: UN-001\n",
        encoding="utf-8",
    )
    result = _qms_check(root)
    assert result.returncode == 1
    assert (
        "design-controls/zz-added.rst:6: error: VT-900: a verification_test cannot carry "
        "'validates' links (allowed: complies_with, verifies) [qms.link_not_allowed]"
    ) in result.stdout


def test_removing_a_soup_item_fails_at_its_sbom_component(tmp_path: Path) -> None:
    """IEC 62304 8.1.2 on the real SBOM: each component needs its SOUP item."""
    root = copy_serenya(tmp_path / "serenya")
    assert _qms_check(root).returncode == 0
    soup = root / "design-controls" / "soup.rst"
    text = soup.read_text(encoding="utf-8")
    start = text.index(".. soup:: six")
    end = text.find("\n.. ", start + 1)
    soup.write_text(
        text[:start] + (text[end + 1 :] if end != -1 else ""), encoding="utf-8"
    )
    record = (root / "traceability" / "soup" / "serenya-api.json").read_text()
    line = 1 + next(
        number
        for number, entry in enumerate(record.splitlines())
        if '"purl": "pkg:pypi/six@1.17.0"' in entry
    )
    failed = _qms_check(root)
    assert failed.returncode == 1
    [finding] = [out for out in failed.stdout.splitlines() if "soup_unlisted" in out]
    assert finding.startswith(f"traceability/soup/serenya-api.json:{line}: error: ")
    assert "SBOM serenya-api lists six 1.17.0 (pkg:pypi/six@1.17.0)" in finding
