"""The approval policy and signatures bound to content, on real git histories.

Several identities commit and merge in a temporary repository; merge messages carry
trailer blocks, and some carry trailer-looking lines in their body. The policy is
the project's ``[approvals]`` table; the gate is ``qms check`` (everyday, advisory)
and ``qms check --strict`` (release).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from qmstest import git_as, run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

ALICE = "Alice Author <alice@example.com>"
BOB = "Bob Builder <bob@example.com>"

SIGNERS = """\
# signer registry of the test project
[signers."carol@example.com"]
name = "Carol Checker"
roles = ["quality"]

[signers."bob@example.com"]
name = "Bob Builder"
roles = ["design-owner"]
"""

POLICY = """
[approvals]
registry = "traceability/signers.toml"
scope_trailer = "Approval-scope"

[[approvals.policy]]
name = "requirements approved by quality"
types = ["requirement"]
roles = ["quality"]
meanings = ["approval"]

[[approvals.policy]]
name = "design outputs reviewed independently"
types = ["design_output"]
meanings = ["review", "approval"]
independent = true
"""


def _edit(root: Path, old: str, new: str) -> None:
    items = root / "items.rst"
    text = items.read_text(encoding="utf-8")
    assert old in text
    items.write_text(text.replace(old, new), encoding="utf-8")


def _merge(root: Path, branch: str, message: str, author: str = ALICE) -> None:
    git_as(root, "checkout", "-q", "main", author=author)
    git_as(root, "merge", "-q", "--no-ff", branch, "-m", message, author=author)


def _project(root: Path, policy: str = POLICY) -> None:
    (root / "traceability").mkdir()
    (root / "traceability" / "signers.toml").write_text(SIGNERS, encoding="utf-8")
    with (root / "qms.toml").open("a", encoding="utf-8") as config:
        config.write(policy)
    git_as(root, "init", "-q", "-b", "main")
    git_as(root, "add", ".")
    git_as(root, "commit", "-q", "-m", "Initial device file")


def _change_requirement(root: Path, branch: str, message: str) -> None:
    """Bob changes REQ-001 on ``branch`` and it is merged with ``message``."""
    git_as(root, "checkout", "-q", "-b", branch)
    _edit(
        root,
        "below the lower or above the upper limit.",
        "below the lower limit or above the upper limit.",
    )
    git_as(root, "commit", "-q", "-am", "Clarify the flag rule", author=BOB)
    _merge(root, branch, message)


def _policy_lines(output: str, item_id: str) -> list[str]:
    return [
        line
        for line in output.splitlines()
        if f"{item_id}:" in line and "[qms.approval_" in line
    ]


def test_a_role_approval_covers_until_the_content_changes(valid_root: Path) -> None:
    root = valid_root
    _project(root)
    # before any approval, the requirement lacks the quality approval
    unsigned = run_qms(root, "check", "--strict")
    assert unsigned.returncode == 1
    assert (
        "REQ-001: no approval by role quality covers the current content "
        "(policy: requirements approved by quality) [qms.approval_policy]"
    ) in unsigned.stdout

    # a local review merge whose trailer block carries Carol's approval
    _change_requirement(
        root,
        "review/req-001",
        "Merge branch 'review/req-001'\n\nReviewed the flag rule with the lab.\n\n"
        "Approved-by: Carol Checker <carol@example.com>",
    )
    assert _policy_lines(run_qms(root, "check", "--strict").stdout, "REQ-001") == []
    verified = run_qms(root, "approvals", "verify", "REQ-001")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1 items signed as they are now" in verified.stdout
    shown = run_qms(root, "approvals", "REQ-001", "--json", "manifest.json")
    assert "approval by Carol Checker (quality)" in shown.stdout
    assert "merge " in shown.stdout  # the local merge is the change request cited
    record = next(
        entry
        for entry in json.loads((root / "manifest.json").read_text())["REQ-001"]
        if entry["meaning"] == "approval"
    )
    assert len(record["content_sha256"]) == 64
    assert record["covers_current_content"] is True
    assert record["roles"] == ["quality"]

    # the approved text is edited in the working tree: the signature no longer covers
    _edit(root, "The software shall flag", "The software shall mark and flag")
    changed = run_qms(root, "approvals", "verify")
    assert changed.returncode == 1
    assert "REQ-001: no signature covers the current content" in changed.stdout
    assert "does not cover the current content (changed since it was signed)" in (
        changed.stdout
    )
    everyday = run_qms(root, "check")
    assert "[qms.approval_policy]" in everyday.stdout
    strict = run_qms(root, "check", "--strict")
    assert strict.returncode == 1
    assert _policy_lines(strict.stdout, "REQ-001")

    # and the item's HTML says so under the item
    build = sphinx_build(root)
    assert build.returncode == 0, build.stderr
    page = (root / "_build" / "html" / "items.html").read_text(encoding="utf-8")
    assert "approval by Carol Checker (quality)" in page
    assert "does not cover the current content (changed since it was signed)" in page


def test_only_the_trailer_block_signs_a_local_merge(valid_root: Path) -> None:
    root = valid_root
    _project(root)
    _change_requirement(
        root,
        "review/req-001",
        "Merge branch 'review/req-001'\n\n"
        "Approved-by: Carol Checker <carol@example.com>\n"
        "was discussed, but this line is in the body, not in the trailer block.\n\n"
        "Reviewed-by: Bob Builder <bob@example.com>",
    )
    shown = run_qms(root, "approvals", "REQ-001")
    assert "review by Bob Builder (design-owner)" in shown.stdout
    assert "Carol" not in shown.stdout
    assert _policy_lines(run_qms(root, "check").stdout, "REQ-001")


def test_an_unregistered_signer_is_a_finding_not_an_approval(valid_root: Path) -> None:
    root = valid_root
    _project(root)
    _change_requirement(
        root, "review/req-001", "Merge branch 'r'\n\nApproved-by: mallory"
    )
    check = run_qms(root, "check", "--strict")
    assert (
        "REQ-001: signed by mallory, not in the signer registry "
        "[qms.approval_signer_unknown]" in check.stdout
    )
    assert "REQ-001: no approval by role quality covers" in check.stdout


def test_independence_is_required_where_the_policy_says(valid_root: Path) -> None:
    root = valid_root
    _project(root)
    git_as(root, "checkout", "-q", "-b", "design")
    _edit(root, "Compares each result", "Compares every result")
    git_as(root, "commit", "-q", "-am", "Reword the engine", author=BOB)
    _merge(root, "design", "Merge branch 'design'\n\nApproved-by: bob@example.com")
    check = run_qms(root, "check", "--strict")
    assert (
        "DO-001: the review or approval by a registered signer is by the author of "
        "the signed content, not independent (policy: design outputs reviewed "
        "independently) [qms.approval_not_independent]" in check.stdout
    )

    # a project-wide exception records the deviation instead
    config = root / "qms.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'scope_trailer = "Approval-scope"',
            'scope_trailer = "Approval-scope"\nindependence_exception = '
            '"one person team; independent review by the notified body"',
        ),
        encoding="utf-8",
    )
    git_as(root, "commit", "-q", "-am", "Record the independence exception")
    excepted = run_qms(root, "check", "--strict")
    assert "[qms.approval_not_independent]" not in _open(excepted.stdout)
    findings = json.loads((root / "traceability" / "findings.json").read_text())
    waived = [
        f
        for f in findings["deviations"]
        if f["check"] == "qms.approval_not_independent"
    ]
    assert waived
    assert waived[0]["justification"].startswith("one person team")


def _open(output: str) -> str:
    """The lines of open (not waived) findings."""
    return "\n".join(line for line in output.splitlines() if ": error: " in line)


def test_a_baseline_approval_signs_items_the_branch_did_not_change(
    valid_root: Path,
) -> None:
    root = valid_root
    _project(root)
    git_as(root, "checkout", "-q", "-b", "review/baseline")
    (root / "review-note.txt").write_text("baseline review\n", encoding="utf-8")
    git_as(root, "add", "review-note.txt")
    git_as(root, "commit", "-q", "-m", "Baseline review record", author=BOB)
    _merge(
        root,
        "review/baseline",
        "Merge branch 'review/baseline'\n\nApproved-by: carol@example.com\n"
        "Approval-scope: baseline",
    )
    check = run_qms(root, "check", "--strict")
    assert _policy_lines(check.stdout, "REQ-001") == []
    shown = run_qms(root, "approvals", "REQ-001")
    assert "approval by Carol Checker (quality)" in shown.stdout
    assert "covers the current content" in shown.stdout

    # a change after the baseline approval is not covered by it
    _edit(root, "The software shall flag", "The software shall mark and flag")
    git_as(root, "commit", "-q", "-am", "Unreviewed edit", author=BOB)
    assert _policy_lines(run_qms(root, "check", "--strict").stdout, "REQ-001")


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (
            '\n[approvals]\nregistry = "traceability/signers.toml"\n'
            '[approvals.trailers]\n"Approved-by" = "blessing"\n',
            "[approvals.trailers.Approved-by]: unknown meaning 'blessing'",
        ),
        (
            '\n[approvals]\nregistry = "traceability/signers.toml"\n'
            '[[approvals.policy]]\nname = "x"\ntypes = ["requirement"]\n'
            'meanings = ["consent"]\n',
            "[approvals.policy[0].meanings]: unknown meaning 'consent'",
        ),
    ],
    ids=["trailer meaning", "rule meaning"],
)
def test_an_unknown_meaning_is_one_line_exit_2(
    valid_root: Path, policy: str, message: str
) -> None:
    root = valid_root
    _project(root, policy)
    result = run_qms(root, "check")
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_signer_without_a_role_is_one_line_exit_2(valid_root: Path) -> None:
    root = valid_root
    _project(root)
    registry = root / "traceability" / "signers.toml"
    registry.write_text(
        SIGNERS + '\n[signers."dave@example.com"]\nname = "Dave"\n', encoding="utf-8"
    )
    result = run_qms(root, "approvals", "--json", "manifest.json")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        'signers.toml:10: signer dave@example.com has no role (roles = ["..."]): '
        "a signature names the role in which it is given"
    )
    assert not (root / "manifest.json").exists()


DOCUMENT_POLICY = """
[approvals]
registry = "traceability/signers.toml"

[[approvals.policy]]
name = "risk management report approved by quality"
documents = ["risk-management-report"]
roles = ["quality"]
"""


def test_a_controlled_document_needs_the_signatures_its_role_names(
    valid_root: Path,
) -> None:
    """The page text is the signed content: an approved report edited after its
    approval is no longer covered, at its declaration's file:line."""
    root = valid_root
    report = root / "report.rst"
    report.write_text(
        "Risk management report\n======================\n\n"
        ".. qms-document-control:: VAL-RMR-001\n   :role: risk-management-report\n\n"
        "The overall residual risk is acceptable.\n",
        encoding="utf-8",
    )
    index = root / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "   items\n", "   items\n   report\n"
        ),
        encoding="utf-8",
    )
    _project(root, DOCUMENT_POLICY)
    gap = (
        "report.rst:4: error (advisory): document VAL-RMR-001: no approval by role quality "
        "covers the current content (policy: risk management report approved by "
        "quality)"
    )
    assert gap + " [qms.approval_policy]" in run_qms(root, "check", "--strict").stdout

    git_as(root, "checkout", "-q", "-b", "review/report")
    report.write_text(
        report.read_text(encoding="utf-8") + "\nReviewed for release 1.0.\n",
        encoding="utf-8",
    )
    git_as(root, "commit", "-q", "-am", "Report for release 1.0", author=BOB)
    _merge(
        root,
        "review/report",
        "Merge branch 'review/report'\n\nApproved-by: carol@example.com",
    )
    assert "VAL-RMR-001" not in run_qms(root, "check", "--strict").stdout

    report.write_text(
        report.read_text(encoding="utf-8").replace("acceptable", "not acceptable"),
        encoding="utf-8",
    )
    edited = run_qms(root, "check", "--strict")
    assert edited.returncode == 1
    assert gap + "; signed before a change: Carol Checker (merge " in edited.stdout, (
        edited.stdout
    )


def test_a_huge_pull_request_number_is_no_crash(valid_root: Path) -> None:
    """A merge subject naming a 5,000-digit pull request, and a review export named
    so, are not pull requests (issue 16: no int() of an unbounded digit run)."""
    root = valid_root
    _project(root)
    huge = "9" * 5000
    reviews = root / "traceability" / "reviews"
    reviews.mkdir()
    (reviews / f"pr-{huge[:200]}.json").write_text("[]", encoding="utf-8")
    _change_requirement(
        root,
        "review/req-001",
        f"Merge pull request #{huge} from x\n\nApproved-by: carol@example.com",
    )
    shown = run_qms(root, "approvals", "REQ-001")
    assert shown.returncode == 0, shown.stderr
    assert "approval by Carol Checker (quality), " in shown.stdout
    assert ", merge " in shown.stdout
