"""Approvals from a real git history: trailers of merge commits, signer registry."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from qmstest import git_as, run_qms

if TYPE_CHECKING:
    from pathlib import Path

SIGNERS = """\
[signers.carol]
name = "Carol Checker"
role = "Quality manager"
"""


def _edit_requirement(root: Path, old: str, new: str) -> None:
    items = root / "items.rst"
    text = items.read_text(encoding="utf-8")
    assert old in text
    items.write_text(text.replace(old, new), encoding="utf-8")


def test_approval_before_the_last_edit_is_flagged(valid_root: Path) -> None:
    root = valid_root
    (root / "traceability").mkdir()
    (root / "traceability" / "signers.toml").write_text(SIGNERS, encoding="utf-8")
    with (root / "qms.toml").open("a", encoding="utf-8") as config:
        config.write(
            '\n[approvals]\nregistry = "traceability/signers.toml"\nrequired_types = ["requirement"]\npolicy = []\n'
        )
    git_as(root, "init", "-q", "-b", "main")
    git_as(root, "add", ".")
    git_as(root, "commit", "-q", "-m", "Initial device file")

    # a pull request changes REQ-001 and is merged with an approval trailer
    git_as(root, "checkout", "-q", "-b", "feature")
    _edit_requirement(
        root,
        "below the lower or above the upper limit.",
        "below the lower limit or above the upper limit.",
    )
    git_as(
        root,
        "commit",
        "-q",
        "-am",
        "Clarify the flag rule",
        author="Bob Builder <bob@example.com>",
    )
    git_as(root, "checkout", "-q", "main")
    git_as(
        root,
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge pull request #1 from team/feature\n\nApproved-by: carol",
    )
    covered = run_qms(root, "approvals", "REQ-001", "--json", "manifest.json")
    assert covered.returncode == 0, covered.stderr
    assert "approval" in covered.stdout
    assert "Carol Checker (Quality manager)" in covered.stdout
    assert "does not cover" not in covered.stdout
    manifest = json.loads((root / "manifest.json").read_text())["REQ-001"]
    approval = next(entry for entry in manifest if entry["meaning"] == "approval")
    assert approval["name"] == "Carol Checker"
    assert approval["pull_request"] == 1
    assert approval["covers_last_change"] is True
    assert approval["time_utc"].endswith("Z")
    assert len(approval["signed_commit"]) == 40
    authorship = next(entry for entry in manifest if entry["meaning"] == "authorship")
    assert authorship["name"] == "Bob Builder"
    assert run_qms(root, "check", "--strict").returncode == 0

    # a later edit committed without a pull request is not covered by that approval
    _edit_requirement(
        root, "The software shall flag", "The software shall mark and flag"
    )
    git_as(
        root,
        "commit",
        "-q",
        "-am",
        "Reword without review",
        author="Bob Builder <bob@example.com>",
    )
    flagged = run_qms(root, "approvals", "REQ-001")
    assert (
        "PR #1, content SHA-256 " in flagged.stdout
        and "does not cover the current content (changed since it was signed)"
        in flagged.stdout
    )
    check = run_qms(root, "check", "--strict")
    assert check.returncode == 1
    assert (
        "REQ-001: the current content has no approval; approvals by carol do not cover it [qms.approval_missing]"
        in check.stdout
    )


def test_unknown_approver_is_a_finding(valid_root: Path) -> None:
    root = valid_root
    (root / "traceability").mkdir()
    (root / "traceability" / "signers.toml").write_text(SIGNERS, encoding="utf-8")
    with (root / "qms.toml").open("a", encoding="utf-8") as config:
        config.write(
            '\n[approvals]\nregistry = "traceability/signers.toml"\nrequired_types = ["requirement"]\npolicy = []\n'
        )
    git_as(root, "init", "-q", "-b", "main")
    git_as(root, "add", ".")
    git_as(root, "commit", "-q", "-m", "Initial device file")
    git_as(root, "checkout", "-q", "-b", "feature")
    _edit_requirement(
        root, "The software shall flag", "The software shall mark and flag"
    )
    git_as(root, "commit", "-q", "-am", "Reword")
    git_as(root, "checkout", "-q", "main")
    git_as(
        root,
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge pull request #2 from team/feature\n\nApproved-by: mallory",
    )
    check = run_qms(root, "check", "--strict")
    assert check.returncode == 1
    assert (
        "REQ-001: signed by mallory, not in the signer registry [qms.approval_signer_unknown]"
        in check.stdout
    )


def test_a_malformed_signer_registry_is_a_finding_and_exit_2_elsewhere(
    valid_root: Path,
) -> None:
    root = valid_root
    (root / "traceability").mkdir()
    (root / "traceability" / "signers.toml").write_text(
        "[signers.carol]\nname = 1\n", encoding="utf-8"
    )
    with (root / "qms.toml").open("a", encoding="utf-8") as config:
        config.write(
            '\n[approvals]\nregistry = "traceability/signers.toml"\nrequired_types = ["requirement"]\npolicy = []\n'
        )
    git_as(root, "init", "-q", "-b", "main")
    git_as(root, "add", ".")
    git_as(root, "commit", "-q", "-m", "Initial device file")
    result = run_qms(root, "check")
    assert result.returncode == 1  # a finding at the registry's line, as in Sphinx
    assert (
        "traceability/signers.toml:1: error: signer carol has no printed name (name) "
        "[qms.record_invalid]"
    ) in result.stdout.splitlines()
    assert result.stderr == ""
    approvals = run_qms(root, "approvals")
    assert approvals.returncode == 2
    assert "signers.toml:1: signer carol has no printed name (name)" in approvals.stderr
    assert "Traceback" not in approvals.stderr


def _approvals_project(root: Path, registry: str) -> None:
    (root / "traceability").mkdir()
    (root / "traceability" / "signers.toml").write_text(registry, encoding="utf-8")
    with (root / "qms.toml").open("a", encoding="utf-8") as config:
        config.write(
            '\n[approvals]\nregistry = "traceability/signers.toml"\n'
            'reviews = "traceability/reviews"\nrequired_types = ["requirement"]\npolicy = []\n'
        )
    git_as(root, "init", "-q", "-b", "main")
    git_as(root, "add", ".")
    git_as(root, "commit", "-q", "-m", "Initial device file")


def test_only_the_trailer_block_approves_and_an_unregistered_signer_is_a_finding(
    valid_root: Path,
) -> None:
    root = valid_root
    _approvals_project(
        root,
        '[signers."carol@example.com"]\nname = "Carol Checker"\nrole = "Quality manager"\n',
    )
    git_as(root, "checkout", "-q", "-b", "feature")
    _edit_requirement(
        root, "The software shall flag", "The software shall mark and flag"
    )
    git_as(
        root, "commit", "-q", "-am", "Reword", author="Bob Builder <bob@example.com>"
    )
    git_as(root, "checkout", "-q", "main")
    message = (
        "Merge pull request #5 from team/feature\n\n"
        "Reword the flag rule.\n"
        "Approved-by: mallory <m@example.com>\n"
        "(the line above is in the body, not in the trailer block)\n\n"
        "Approved-by: Carol Checker <carol@example.com>\n"
        "Approved-by: Trent Unknown <trent@example.com>\n"
    )
    git_as(
        root, "merge", "-q", "--no-ff", "feature", "-m", message,
        author="Erin Merger <erin@example.com>",
    )  # fmt: skip
    shown = run_qms(root, "approvals", "REQ-001", "--json", "manifest.json")
    assert shown.returncode == 0, shown.stderr
    assert "mallory" not in shown.stdout
    assert "Carol Checker (Quality manager)" in shown.stdout
    assert (
        "Trent Unknown <trent@example.com> (not in the signer registry)" in shown.stdout
    )
    manifest = json.loads((root / "manifest.json").read_text())["REQ-001"]
    approvals = [
        (entry["login"], entry["name"], entry["covers_last_change"])
        for entry in manifest
        if entry["meaning"] == "approval"
    ]
    assert approvals == [
        ("carol@example.com", "Carol Checker", True),
        ("Trent Unknown <trent@example.com>", None, True),
    ]
    merge = git_as(root, "rev-parse", "HEAD")
    assert {e["signed_commit"] for e in manifest if e["meaning"] == "approval"} == {
        merge
    }
    check = run_qms(root, "check")
    assert (
        "REQ-001: signed by Trent Unknown <trent@example.com>, not in the signer"
        " registry [qms.approval_signer_unknown]" in check.stdout
    )
    assert "mallory" not in check.stdout


def test_a_malformed_review_export_is_one_line_exit_2_and_nothing_written(
    valid_root: Path,
) -> None:
    root = valid_root
    _approvals_project(root, SIGNERS)
    reviews = root / "traceability" / "reviews"
    reviews.mkdir()
    (reviews / "mr-3.json").write_text(
        '{\n  "iid": 3,\n  "approved_by": [\n    {"user": {"username": 7}}\n  ]\n}\n',
        encoding="utf-8",
    )
    result = run_qms(root, "approvals", "--json", "manifest.json")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "traceability/reviews/mr-3.json:4: username must be a non-empty string"
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (root / "manifest.json").exists()

    (reviews / "mr-3.json").write_text('{"approved_by": [}\n', encoding="utf-8")
    result = run_qms(root, "approvals", "--json", "manifest.json")
    assert result.returncode == 2
    assert "traceability/reviews/mr-3.json:1:18: not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "manifest.json").exists()
