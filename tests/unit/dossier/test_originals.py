"""The SBOM and scanner report as imported: shipped when git tracks a file of that
name whose bytes still have the recorded SHA-256, and otherwise said why not."""

from __future__ import annotations

import hashlib
import subprocess
from typing import TYPE_CHECKING

from qmsdoc.dossier.originals import find_originals
from qmsdoc.soup.records import SbomRecord
from qmsdoc.vcs import GitHistory
from qmsdoc.vulnerability.records import ScanRecord

if TYPE_CHECKING:
    from pathlib import Path

SBOM = b'{"bomFormat": "CycloneDX", "specVersion": "1.6"}\n'
SCAN = b'{"matches": []}\n'


def _repository(root: Path, files: dict[str, bytes]) -> GitHistory:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "records"], cwd=root, check=True)
    return GitHistory(root)


def _sbom(source: str, data: bytes) -> SbomRecord:
    return SbomRecord(
        name="api",
        source=source,
        format="CycloneDX",
        spec_version="1.6",
        digest=hashlib.sha256(data).hexdigest(),
    )


def _scan(source: str, data: bytes) -> ScanRecord:
    return ScanRecord(
        name="api",
        scanner="grype",
        source=source,
        digest=hashlib.sha256(data).hexdigest(),
    )


def test_the_imported_files_are_found_by_name_and_sha256(tmp_path: Path) -> None:
    git = _repository(
        tmp_path,
        {
            "traceability/sbom/api.cdx.json": SBOM,
            "old/api.cdx.json": b"an older SBOM of the same name\n",
            "traceability/scans/grype.json": SCAN,
        },
    )
    found = find_originals(
        tmp_path,
        sboms=[_sbom("api.cdx.json", SBOM)],
        scans=[_scan("grype.json", SCAN)],
        tracked=git.tracked,
    )
    assert [(o.kind, o.path, o.shipped_as) for o in found] == [
        ("sbom", "traceability/sbom/api.cdx.json", "sbom-original/api/api.cdx.json"),
        ("scan", "traceability/scans/grype.json", "scan-original/api/grype.json"),
    ]


def test_a_changed_or_untracked_original_is_not_shipped_and_says_why(
    tmp_path: Path,
) -> None:
    git = _repository(tmp_path, {"sbom/api.cdx.json": b"edited after the import\n"})
    (tmp_path / "grype.json").write_bytes(SCAN)  # present, but git does not track it
    found = find_originals(
        tmp_path,
        sboms=[_sbom("api.cdx.json", SBOM)],
        scans=[_scan("grype.json", SCAN)],
        tracked=git.tracked,
    )
    assert [o.shipped_as for o in found] == [None, None]
    assert (
        found[0].note == "sbom/api.cdx.json: changed since the import (SHA-256 differs)"
    )
    assert found[1].note == "no file named grype.json is tracked in the repository"


def test_outside_git_nothing_is_tracked(tmp_path: Path) -> None:
    (tmp_path / "api.cdx.json").write_bytes(SBOM)
    assert GitHistory(tmp_path).tracked("api.cdx.json") == []


def test_a_name_with_glob_characters_matches_only_itself(tmp_path: Path) -> None:
    git = _repository(
        tmp_path, {"a/x[1].json": SCAN, "a/x1.json": SCAN, "b/xy.json": SCAN}
    )
    assert git.tracked("x[1].json") == ["a/x[1].json"]
    assert git.tracked("x?.json") == []
    assert git.tracked("../x1.json") == []
