"""The control block in a real Sphinx build of a real git repository, and the
document checks as Sphinx warnings and in ``qms check``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from qmstest import run_qms, sphinx_build

from ._repository import history_repository

if TYPE_CHECKING:
    from pathlib import Path


def _text(html: str) -> str:
    """The page's text, tags dropped and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_block_shows_revision_approvers_and_the_change_history(
    tmp_path: Path,
) -> None:
    root = history_repository(tmp_path / "repo", conf=True)
    run = sphinx_build(root)
    assert run.returncode == 0, run.stderr
    assert not [w for w in run.warnings if "document_" in w], run.warnings
    page = _text((root / "_build" / "html" / "report.html").read_text())
    assert "Document number TST-RMR-001" in page
    assert "Title Risk management report" in page
    assert "Role risk-management-report: Risk management report (ISO 14971 9)" in page
    assert "Revision Rev. 1 ( Rev. N counts the approvals of this page" in page
    assert "Effective date not effective: this build is not of a release tag" in page
    assert (
        "Author Alice Author (design owner) (first change); Bob Builder (last change)"
        in page
    )
    assert "Approved by Carol Checker, review; Carol Checker, approval" in page
    assert (
        "Carol Checker quality, risk management approval 2023-11-14 22:18 UTC yes"
        in page
    )
    # the change history, newest first, with the merge and its signatures
    history = page[page.index("Change history") :]
    assert history.index("Report: benefit-risk") < history.index("Plan and first")
    assert "Bob Builder merge " in history
    assert "Carol Checker (review); Carol Checker (approval)" in history
    assert "mallory" not in page  # a body line of the merge message signs nothing
    plan = _text((root / "_build" / "html" / "plan.html").read_text())
    assert "Revision Rev. 0, 1 later change not approved" in plan
    assert "Approved by no approval covers the last change" in plan


def test_the_same_commit_gives_the_same_bytes(tmp_path: Path) -> None:
    root = history_repository(tmp_path / "repo", conf=True)
    assert sphinx_build(root).returncode == 0
    first = (root / "_build" / "html" / "report.html").read_bytes()
    assert sphinx_build(root, "-E").returncode == 0
    assert (root / "_build" / "html" / "report.html").read_bytes() == first


def test_missing_duplicate_and_invalid_are_warnings_and_findings(
    tmp_path: Path,
) -> None:
    root = history_repository(tmp_path / "repo", conf=True)
    (root / "index.rst").write_text(
        (root / "index.rst").read_text() + "   extra\n   copy\n"
    )
    (root / "extra.rst").write_text("Extra\n=====\n\nNo number.\n")
    (root / "copy.rst").write_text(
        "Copy\n====\n\n.. qms-document-control:: TST-RMP-001\n"
        "   :role: risk-management-plan\n"
    )
    plan = root / "plan.rst"
    plan.write_text(
        plan.read_text()
        .replace("TST-RMP-001", "tst-rmp-1")
        .replace(":role: risk-management-plan", ":role: plan-of-risks")
    )
    run = sphinx_build(root)
    warnings = "\n".join(run.warnings)
    assert re.search(
        r"extra\.rst:1: WARNING: page extra declares no document number .*"
        r"\[qms\.document_number_missing\]",
        warnings,
    ), warnings
    assert "does not match the profile's pattern" in warnings
    assert "role 'plan-of-risks' is not a role" in warnings
    assert "[qms.document_number_invalid]" in warnings
    # the plan no longer uses TST-RMP-001: the copy is unique; make it a duplicate
    copy = root / "copy.rst"
    copy.write_text(copy.read_text().replace("TST-RMP-001", "TST-RMR-001"))
    run = sphinx_build(root)
    # the finding is at the second declaration in path order, naming the first
    assert any(
        "report.rst:5: WARNING: document number TST-RMR-001 is already declared by "
        "copy (copy.rst:4)"
        in w
        and "[qms.document_number_duplicate]" in w
        for w in run.warnings
    ), run.warnings
    check = run_qms(root, "check")
    assert check.returncode == 1
    assert (
        "report.rst:5: error: document number TST-RMR-001 is already declared by copy"
        in check.stdout
    ), check.stdout
    assert "extra.rst:1: error: page extra declares no document number" in check.stdout


def test_a_stub_page_is_a_finding_until_written(tmp_path: Path) -> None:
    """A page ``qms init`` wrote carries the stub comment: qms check and the Sphinx
    build report it at that line until the comment is gone."""
    root = history_repository(tmp_path / "repo", conf=True)
    plan = root / "plan.rst"
    written = plan.read_text()
    plan.write_text(
        written + "\n.. qms-stub: written by qms init; replace with the document\n"
    )
    line = (
        plan.read_text()
        .splitlines()
        .index(".. qms-stub: written by qms init; replace with the document")
        + 1
    )
    check = run_qms(root, "check")
    assert f"plan.rst:{line}: error: document TST-RMP-001 (risk-management-plan)" in (
        check.stdout
    ), check.stdout
    assert "[qms.document_stub]" in check.stdout
    run = sphinx_build(root)
    assert any(
        f"plan.rst:{line}: WARNING:" in w and "[qms.document_stub]" in w
        for w in run.warnings
    ), run.warnings
    plan.write_text(written)
    assert "document_stub" not in run_qms(root, "check").stdout
