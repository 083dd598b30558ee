"""``qms release verify``: a real tagged repository, its record, then the ways a
release stops matching it (moved tag, rewritten history, another tree, a rebuilt
dossier that differs, an edited or malformed record)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from typing import TYPE_CHECKING

from qmstest import run_qms
from release.releasetest import PATHWAY, TAG, git

if TYPE_CHECKING:
    from pathlib import Path

RECORD = f"traceability/releases/{TAG}.json"


def _commit_record(root: Path) -> None:
    """Commit the record after the release, as a user does (HEAD moves past the tag)."""
    git(root, "checkout", "-q", "main")
    git(root, "add", RECORD)
    git(root, "commit", "-q", "-m", f"Release record of {TAG}")


def test_a_released_tag_verifies_with_its_rebuilt_dossier(released: Path) -> None:
    record = json.loads((released / RECORD).read_text(encoding="utf-8"))
    assert record["commit"] == git(released, "rev-parse", f"{TAG}^{{commit}}")
    assert record["tree"] == git(released, "rev-parse", f"{TAG}^{{tree}}")
    manifest = (released / "_build/dossier" / PATHWAY / "MANIFEST.sha256").read_bytes()
    assert (
        record["pathways"][0]["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
    )
    assert record["recorded_by"] == "Rel Ease <rel@example.com>"
    _commit_record(released)
    verified = run_qms(released, "release", "verify", TAG)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{TAG}: verified (tag, commit, tree and rebuilt dossiers" in verified.stdout
    assert git(released, "worktree", "list").count("\n") == 0  # worktree removed


def test_a_moved_tag_is_reported(released: Path) -> None:
    _commit_record(released)
    (released / "items.rst").write_text(
        (released / "items.rst").read_text(encoding="utf-8") + "\nMore text.\n",
        encoding="utf-8",
    )
    git(released, "commit", "-q", "-am", "A change after the release")
    git(released, "tag", "-f", "-a", TAG, "-m", "Release 1.0.0, moved")
    moved = run_qms(released, "release", "verify", TAG, "--no-rebuild")
    assert moved.returncode == 1
    assert "tag_moved: tag 'v1.0.0' now points at" in moved.stdout
    assert "tree_differs: the tree of" in moved.stdout
    assert (
        "history_rewritten" not in moved.stdout
    )  # the old commit is still an ancestor


def test_rewritten_history_is_reported(released: Path) -> None:
    # the tagged commit amended with another file content, the tag forced onto it
    git(released, "checkout", "-q", "main")
    (released / "items.rst").write_text("Tampered.\n", encoding="utf-8")
    git(released, "commit", "-q", "--amend", "-am", "Device file")
    git(released, "tag", "-f", "-a", TAG, "-m", "Release 1.0.0")
    rewritten = run_qms(released, "release", "verify", TAG, "--no-rebuild")
    assert rewritten.returncode == 1
    out = rewritten.stdout
    assert "tag_moved:" in out
    assert "tree_differs:" in out
    assert "history_rewritten: the recorded commit" in out
    # a fresh clone holds no trace of the recorded commit at all
    clone = released.parent / "clone"
    subprocess.run(
        ["git", "clone", "-q", f"file://{released}", str(clone)],
        check=True,
        capture_output=True,
    )
    (clone / "traceability/releases").mkdir(parents=True)
    (clone / RECORD).write_bytes((released / RECORD).read_bytes())
    gone = run_qms(clone, "release", "verify", TAG, "--no-rebuild")
    assert gone.returncode == 1
    assert "commit_missing: the recorded commit" in gone.stdout


def test_a_rebuilt_dossier_that_differs_names_the_files(released: Path) -> None:
    path = released / RECORD
    record = json.loads(path.read_text(encoding="utf-8"))
    entry = record["pathways"][0]
    lines = entry["manifest"]
    index = next(i for i, line in enumerate(lines) if line.endswith("  findings.json"))
    lines[index] = "0" * 64 + "  findings.json"
    # a consistent record (digest and seal recomputed): only the rebuild tells
    entry["manifest_sha256"] = hashlib.sha256(
        ("\n".join(lines) + "\n").encode("utf-8")
    ).hexdigest()
    record["manifest_sha256"] = hashlib.sha256(
        f"{entry['manifest_sha256']}  {PATHWAY}/MANIFEST.sha256\n".encode()
    ).hexdigest()
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    _commit_record(released)
    differs = run_qms(released, "release", "verify", TAG)
    assert differs.returncode == 1, differs.stderr
    assert "record_inconsistent" not in differs.stdout
    assert (
        f"dossier_differs: {PATHWAY}: the dossier rebuilt from the tag has manifest"
        in differs.stdout
    )
    assert "files differ: findings.json" in differs.stdout


def test_an_edited_record_digest_is_reported(released: Path) -> None:
    path = released / RECORD
    record = json.loads(path.read_text(encoding="utf-8"))
    record["pathways"][0]["manifest_sha256"] = "1" * 64
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    edited = run_qms(released, "release", "verify", TAG)
    assert edited.returncode == 1
    assert (
        "record_inconsistent: fda-denovo: the recorded manifest's SHA-256"
        in edited.stdout
    )
    assert "record_inconsistent: the record's manifest_sha256" in edited.stdout
    assert "dossier_differs: fda-denovo" in edited.stdout


def test_a_malformed_record_is_one_line_and_exit_2(released: Path) -> None:
    path = released / RECORD
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"tree": "', '"tree": "zz'), encoding="utf-8")
    bad_hash = run_qms(released, "release", "verify", TAG, "--no-rebuild")
    assert bad_hash.returncode == 2
    assert bad_hash.stdout == ""
    assert bad_hash.stderr.strip().count("\n") == 0
    line = 1 + text[: text.index('"tree"')].count("\n")
    assert f"{RECORD}:{line}: tree 'zz" in bad_hash.stderr
    path.write_text(text[:-10], encoding="utf-8")
    truncated = run_qms(released, "release", "verify", TAG)
    assert truncated.returncode == 2
    assert "not valid JSON" in truncated.stderr
    assert truncated.stderr.strip().count("\n") == 0
    missing = run_qms(released, "release", "verify", "v9.9.9")
    assert missing.returncode == 2
    assert "v9.9.9.json: no release record" in missing.stderr
    path.unlink()
    os.mkfifo(path)  # a FIFO record: refused at once, not waited on
    fifo = run_qms(released, "release", "verify", TAG, "--no-rebuild", timeout=30)
    assert fifo.returncode == 2
    assert f"{TAG}.json: not a regular file (a FIFO); refused" in fifo.stderr
    assert fifo.stderr.strip().count("\n") == 0


def test_a_shallow_clone_refuses_in_one_line(released: Path) -> None:
    _commit_record(released)
    git(released, "commit", "-q", "--allow-empty", "-m", "Later work")
    shallow = released.parent / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{released}", str(shallow)],
        check=True,
        capture_output=True,
    )
    refused = run_qms(shallow, "release", "verify", TAG, "--no-rebuild")
    assert refused.returncode == 2
    assert "history incomplete: shallow clone" in refused.stderr
    assert "git fetch --unshallow" in refused.stderr
    assert refused.stderr.strip().count("\n") == 0
