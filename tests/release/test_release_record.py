"""``qms release record``: written once from the tag's clean checkout and its release
dossier; refused otherwise."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from qmsdoc.release import read_record
from qmstest import copy_root, run_qms
from release.releasetest import PATHWAY, TAG, build_release, git

if TYPE_CHECKING:
    from pathlib import Path

RECORD = f"traceability/releases/{TAG}.json"


def test_the_record_reads_back_and_holds_the_manifest(released: Path) -> None:
    record = read_record(released / RECORD)
    assert record.tag == TAG
    assert [entry.pathway for entry in record.pathways] == [PATHWAY]
    manifest = (released / "_build/dossier" / PATHWAY / "MANIFEST.sha256").read_bytes()
    assert record.pathways[0].manifest_bytes() == manifest
    assert record.pathways[0].gate == "fail"  # test-valid has no test results
    assert "findings.json" in record.pathways[0].files()
    # the tag's date, not the time of recording
    assert record.recorded_at == git(
        released,
        "for-each-ref",
        "--format=%(creatordate:iso-strict)",
        f"refs/tags/{TAG}",
    )


def test_records_are_append_only(released: Path) -> None:
    before = (released / RECORD).read_bytes()
    again = run_qms(released, "release", "record", TAG)
    assert again.returncode == 2
    assert "release records are append-only" in again.stderr
    assert (released / RECORD).read_bytes() == before


def test_refused_away_from_the_tag_or_with_a_modified_tree(released: Path) -> None:
    (released / RECORD).unlink()
    items = released / "items.rst"
    items.write_text(items.read_text(encoding="utf-8") + "\nEdited.\n", "utf-8")
    dirty = run_qms(released, "release", "record", TAG)
    assert dirty.returncode == 2
    assert "working tree is modified" in dirty.stderr
    git(released, "checkout", "-q", "--", "items.rst")
    git(released, "checkout", "-q", "main")
    git(released, "commit", "-q", "--allow-empty", "-m", "After the release")
    away = run_qms(released, "release", "record", TAG)
    assert away.returncode == 2
    assert "HEAD is not at release 'v1.0.0'" in away.stderr
    unknown = run_qms(released, "release", "record", "v7")
    assert "release tag 'v7' does not exist" in unknown.stderr
    git(released, "tag", "-a", "build-7", "-m", "not a release")
    not_release = run_qms(released, "release", "record", "build-7")
    assert not_release.returncode == 2
    assert "'build-7' is not a release tag" in not_release.stderr
    assert not (released / "traceability/releases").exists() or not list(
        (released / "traceability/releases").iterdir()
    )


def test_refused_for_a_dossier_of_another_commit_or_not_a_release(
    released: Path,
) -> None:
    (released / RECORD).unlink()
    git(released, "checkout", "-q", "main")
    git(released, "commit", "-q", "--allow-empty", "-m", "Release 1.0.1")
    git(released, "tag", "-a", "v1.0.1", "-m", "Release 1.0.1")
    # the dossier on disk is still the one of v1.0.0
    other = run_qms(released, "release", "record", "v1.0.1")
    assert other.returncode == 2
    assert "MANIFEST.sha256:1: built from another commit" in other.stderr
    report = released / "_build/dossier" / PATHWAY / "dossier-report.json"
    build_release(released, "v1.0.1")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["release"] == "v1.0.1"
    run_qms(released, "dossier", "--pathway", PATHWAY)  # an everyday build
    everyday = run_qms(released, "release", "record", "v1.0.1")
    assert everyday.returncode == 2
    assert "not built as release 'v1.0.1'" in everyday.stderr
    build_release(released, "v1.0.1")
    recorded = run_qms(released, "release", "record", "v1.0.1")
    assert recorded.returncode == 0, recorded.stderr
    assert read_record(released / "traceability/releases/v1.0.1.json").tag == "v1.0.1"


def test_written_into_the_checkout_one_commits_from(
    released: Path, tmp_path: Path
) -> None:
    (released / RECORD).unlink()
    home = copy_root("test-valid", tmp_path / "home")
    into = run_qms(released, "release", "record", TAG, "--into", str(home))
    assert into.returncode == 0, into.stderr
    assert f"recorded {RECORD} in {home}" in into.stdout
    assert read_record(home / RECORD).commit == git(released, "rev-parse", "HEAD")
    assert not (released / RECORD).exists()
