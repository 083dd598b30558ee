"""``qms init``: a new device file that builds, fails its gate naming what is missing,
and passes it once the smallest honest set of items and pages is written.

Real parts: the file is created in a temporary folder, committed with git, and its
own Makefile runs the gate (``make check``) and the dossier with the engine of this
virtual environment (``QMS``, ``SPHINXBUILD`` and ``PYTEST`` point at it; ``INSTALL=``
skips creating a .venv); Sphinx builds it for real.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from qmsdoc.cli.init import init_command
from qmsdoc.scaffold import STUB_MARKER
from qmstest import git_as, run_qms

if TYPE_CHECKING:
    from pathlib import Path

#: ``qms init`` through the real entry point (exit codes, one-line errors)
_QMS_INIT = "from qmsdoc.cli import main; main()"
_ENGINE = (
    "INSTALL=",
    f"QMS={sys.executable} -c 'from qmsdoc.cli import main; main()'",
    f"SPHINXBUILD={sys.executable} -m sphinx",
    f"PYTEST={sys.executable} -m pytest",
)
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _init(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _QMS_INIT, "init", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def _make(root: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *targets, *_ENGINE],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def _commit(root: Path, message: str) -> None:
    git_as(root, "add", "-A")
    git_as(root, "commit", "-q", "-m", message)


#: the smallest honest set: a need, two requirements (one a security control's),
#: a design output, a test and a validation; a hazard chain with its control and
#: the overall evaluation; a threat and its control; one SOUP component
_ITEMS = {
    "source/software-requirements-specification": """
.. user_need:: See whether a result is outside the reference range
   :id: UN-001
   :status: approved

   The patient wants to know which results are abnormal.

.. requirement:: Flag results outside the reference range
   :id: REQ-001
   :status: approved
   :kind: functional
   :level: software
   :satisfies: UN-001

   The software shall flag a result below the lower or above the upper limit.

.. requirement:: Second factor at the first sign-in on a device
   :id: REQ-002
   :status: approved
   :kind: security
   :level: software
   :satisfies: UN-001
   :implements: SC-001

   The software shall ask for a second factor at the first sign-in on a device.
""",
    "design-controls/software-design-specification": """
.. design_output:: Result flagging engine
   :id: DO-001
   :status: approved
   :element: software_unit
   :safety_class: B
   :implements: REQ-001, REQ-002, RC-001

   Compares each result with its reference range.
""",
    "source/verification-summary": """
.. verification_test:: Flagging at the range limits
   :id: VT-001
   :status: approved
   :test_level: unit
   :method: test
   :verification_scope: both
   :verifies: REQ-001, REQ-002, RC-001, SC-001

   Values at, below and above each limit are flagged as specified.

.. validation:: Summative usability study
   :id: VAL-001
   :status: approved
   :validation_method: summative_usability
   :validates: UN-001

   Fifteen lay users identify the abnormal results of a report.
""",
    "risks/hazard-analysis": """
.. hazard:: Out-of-range result shown as normal
   :id: HAZ-001
   :status: approved
   :hazard_category: clinical_information

.. harm:: Delayed treatment of an abnormal result
   :id: HARM-001
   :status: approved
   :severity: 3

.. hazardous_situation:: Patient relies on a result wrongly shown as normal
   :id: HS-001
   :status: approved
   :sequence: Range comparison fails; the result is shown as normal.
   :p1: 2
   :p2: 3
   :residual_p1: 1
   :residual_p2: 3
   :arises_from: HAZ-001
   :leads_to: HARM-001

.. risk_control:: Independent flag of values outside the range
   :id: RC-001
   :status: approved
   :option: inherent_safety
   :mitigates: HS-001
""",
    "risks/risk-management-report": """
.. risk_evaluation:: Overall residual risk
   :id: ORR-001
   :status: approved
   :conclusion: acceptable

   The single residual risk is acceptable; the benefit outweighs it.
""",
    "risks/threat-model": """
.. threat:: Account takeover with a leaked password
   :id: THR-001
   :status: approved
   :stride: spoofing
   :asset: The user's results
   :security_impact: 3
   :exploitability: 4
   :residual_exploitability: 2
   :threatens: DO-001
""",
    "risks/security-risk-controls": """
.. security_control:: Second factor at sign-in
   :id: SC-001
   :status: approved
   :control_category: authentication
   :mitigates: THR-001
""",
    "design-controls/soup-list": """
.. soup:: attrs 25.1.0
   :id: SOUP-001
   :status: approved
   :version: 25.1.0
   :supplier: The attrs project
   :purl: pkg:pypi/attrs@25.1.0
   :safety_relevance: none
   :purpose: Data classes of the result model.
   :soup_requirements: Creates immutable classes with the declared fields.
   :prerequisites: CPython 3.11 or newer.
   :support_level: actively_maintained
   :end_of_support: 2028-12-31
""",
}


def _write_the_file(root: Path) -> list[str]:
    """Write every stub page (its text, the items it holds) and drop its stub
    comment; return the pages written."""
    written = []
    items = dict(_ITEMS)
    for path in sorted(root.rglob("*.rst")):
        text = path.read_text(encoding="utf-8")
        if f"\n.. {STUB_MARKER}:" not in text:
            continue
        head = text.split(f"\n.. {STUB_MARKER}:")[0]
        docname = path.relative_to(root).with_suffix("").as_posix()
        body = "\nWritten for the test device: what it states is checked by review.\n"
        path.write_text(head + body + items.pop(docname, ""), encoding="utf-8")
        written.append(docname)
    assert items == {}, "pages the items were meant for are not stubs"
    return written


def _new_file(tmp_path: Path) -> Path:
    done = _init(tmp_path, "mydevice", "--pathway", "fda-510k", "--yes")
    assert done.returncode == 0, done.stderr
    root = tmp_path / "mydevice"
    git_as(root, "init", "-q")
    _commit(root, "qms init")
    return root


@needs_make
def test_a_new_file_builds_and_its_gate_names_what_is_missing(tmp_path: Path) -> None:
    root = _new_file(tmp_path)
    gate = _make(root, "check")
    assert gate.returncode != 0
    output = gate.stdout + gate.stderr
    # the strict Sphinx build of the gate ran: its only warnings are findings
    warnings = [line for line in gate.stderr.splitlines() if "WARNING" in line]
    assert warnings
    assert [line for line in warnings if "[qms." not in line] == []
    stubs = [
        line
        for line in gate.stdout.splitlines()
        if "[qms.document_stub]" in line and ": error:" in line
    ]
    assert any(line.startswith("source/intended-use.rst:") for line in stubs)
    assert len(stubs) == len(list(root.rglob("*.rst"))) - 5  # front page, 4 folders
    # the gap report names each rule with nothing to cover yet
    for missing in ("user_need_satisfied", "requirement_verified", "hazard_analysed"):
        assert re.search(
            rf"traced +{missing} \(blocking\) \[EMPTY: no item of this type\]", output
        ), missing
    assert "qms gaps: trace FAIL" in output


@needs_make
def test_the_smallest_honest_file_passes_its_gate(tmp_path: Path) -> None:
    root = _new_file(tmp_path)
    written = _write_the_file(root)
    assert "source/intended-use" in written
    _commit(root, "the smallest honest device file")
    gate = _make(root, "check")
    assert gate.returncode == 0, gate.stdout[-3000:] + gate.stderr[-3000:]
    assert "qms check: PASS: 14 items, 0 open findings" in gate.stdout
    assert "WARNING" not in gate.stderr

    # the dossier is this file's: no page or word of the reference device
    dossier = _make(root, "dossier", "PDF=")
    report = (root / "_build" / "dossier" / "fda-510k" / "index.html").read_text(
        encoding="utf-8"
    )
    # the section filled by the intended-use role links its page
    assert '<a href="html/source/intended-use.html">source/intended-use</a>' in report
    assert "serenya" not in report.lower()
    assert "serenya" not in (dossier.stdout + dossier.stderr).lower()


def test_markdown_pages_are_read_as_stubs(tmp_path: Path) -> None:
    done = _init(tmp_path, "md", "--format", "md", "--yes", "--name", "Md device")
    assert done.returncode == 0, done.stderr
    root = tmp_path / "md"
    assert (root / "index.md").is_file()
    git_as(root, "init", "-q")
    _commit(root, "qms init")
    check = run_qms(root, "check")
    assert check.returncode == 1
    stubs = [line for line in check.stdout.splitlines() if "document_stub" in line]
    assert any(line.startswith("source/intended-use.md:") for line in stubs)
    assert "[qms.document_missing]" not in check.stdout


def test_prompts_ask_for_what_is_not_given(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        init_command,
        [str(tmp_path / "d"), "--class", "C"],
        input="Pulse Pal\nfda-denovo eu-mdr\nenhanced\n",
    )
    assert result.exit_code == 0, result.output
    assert "Software safety class" not in result.output
    config = tomllib.loads((tmp_path / "d" / "qms.toml").read_text(encoding="utf-8"))
    assert config["project"]["name"] == "Pulse Pal"
    assert config["project"]["pathways"] == ["fda-denovo", "eu-mdr"]
    assert config["project"]["classification"]["software_safety_class"] == "C"
    assert config["project"]["classification"]["documentation_level"] == "enhanced"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pathway", "fda-999"), "unknown pathway 'fda-999'"),
        (("--class", "D"), "safety class 'D'"),
        (("--documentation-level", "full"), "documentation level 'full'"),
    ],
)
def test_bad_answers_are_one_line_and_write_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = _init(tmp_path, "d", "--yes", *args)
    assert done.returncode == 2
    assert done.stderr.startswith("qms: error: ")
    assert message in done.stderr
    assert done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_folder_with_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "README.md").write_text("mine\n", encoding="utf-8")
    done = _init(tmp_path, "d", "--yes")
    assert done.returncode == 2
    assert "not empty (README.md)" in done.stderr
    assert done.stderr.count("\n") == 1
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["README.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]
