"""A small device file in a real git repository: two commits by an author, then a
review branch merged locally whose trailer block approves it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmstest import git_as

if TYPE_CHECKING:
    from pathlib import Path

PLAN = """\
Risk management plan
====================

.. qms-document-control:: TST-RMP-001
   :role: risk-management-plan

The plan.
"""

REPORT = """\
=======================
Risk management report
=======================

.. qms-document-control:: TST-RMR-001
   :role: risk-management-report

The report.
"""

INDEX = """\
Test device file
================

.. qms-document-control:: TST-DHF-001
   :role: design-history-file-index

.. toctree::

   plan
   report
"""

SIGNERS = """\
[signers."carol@example.com"]
name = "Carol Checker"
roles = ["quality", "risk management"]

[signers."alice@example.com"]
name = "Alice Author (design owner)"
roles = ["design owner"]
"""

#: the merge message: a body line that looks like a trailer, and the trailer block
MERGE_MESSAGE = """\
Merge branch 'review/report': risk management report

Approved-by: mallory <m@example.com> (a body line, not a trailer)

Reviewed-by: Carol Checker <carol@example.com>
Approved-by: Carol Checker <carol@example.com>
"""


def git(root: Path, *args: str, who: str = "Alice Author", when: int = 0) -> str:
    """Run git in ``root`` as ``who`` at ``1_700_000_000 + when`` (UTC)."""
    return git_as(root, *args, author=who, when=1_700_000_000 + when)


def device_file(root: Path, *, conf: bool = False) -> Path:
    """Write the device file (not committed): index, plan, report, signer registry."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "qms.toml").write_text(
        'extends = "medical-device"\n\n[project]\nname = "Test"\n'
        'sources = ["."]\nexclude = ["_build"]\n\n[documents]\nrequired = true\n',
        encoding="utf-8",
    )
    if conf:
        (root / "conf.py").write_text(
            'project = "test"\nextensions = ["qmsdoc"]\n'
            'exclude_patterns = ["_build"]\n',
            encoding="utf-8",
        )
    (root / "traceability").mkdir(exist_ok=True)
    (root / "traceability" / "signers.toml").write_text(SIGNERS, encoding="utf-8")
    for name, text in (("index", INDEX), ("plan", PLAN), ("report", REPORT)):
        (root / f"{name}.rst").write_text(text, encoding="utf-8")
    return root


def history_repository(root: Path, *, conf: bool = False) -> Path:
    """Two commits on main by Alice, then Bob's change to the report on a review
    branch, merged by Erin with Carol's approval in the trailer block."""
    device_file(root, conf=conf)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Plan and first report")
    report = root / "report.rst"
    report.write_text(report.read_text() + "\nResidual risk acceptable.\n")
    git(root, "commit", "-q", "-am", "Report: overall residual risk", when=100)
    git(root, "checkout", "-q", "-b", "review/report")
    report.write_text(report.read_text() + "\nBenefit outweighs risk.\n")
    git(
        root, "commit", "-q", "-am", "Report: benefit-risk", who="Bob Builder", when=200
    )
    git(root, "checkout", "-q", "main")
    git(
        root, "merge", "-q", "--no-ff", "review/report", "-m", MERGE_MESSAGE,
        who="Erin Merger", when=300,
    )  # fmt: skip
    return root
