"""Inputs that crashed or hung ``qms`` before issue 16: each import now exits 2 with
one line (no traceback) and stores nothing; a FIFO or a device returns at once.

Each case is a real file handed to a real ``qms`` process in a copy of
``test-valid``; the project tree is compared before and after.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest

from qmstest import run_qms

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

COMMIT = "0123456789abcdef0123456789abcdef01234567"
#: only a guard against a hang failing the whole run; no timing is asserted
HANG_GUARD = 30


def _qms(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_qms(root, *args, timeout=HANG_GUARD)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    }


def _refused(root: Path, *args: str, expect: str) -> str:
    """Run ``qms ARGS``; assert exit 2, one line naming ``expect``, nothing stored."""
    before = _tree(root)
    result = _qms(root, *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expect in lines[0], lines[0]
    assert _tree(root) == before
    return lines[0]


def _evidence_import(report: Path) -> tuple[str, ...]:
    return ("evidence", "import", str(report), "--commit", COMMIT, "--run", "ci-1")


def test_a_fifo_report_is_refused_at_once(valid_root: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "junit.xml"
    os.mkfifo(fifo)
    _refused(valid_root, *_evidence_import(fifo), expect="not a regular file (a FIFO)")


def test_a_symlink_to_dev_zero_as_sbom_is_refused(
    valid_root: Path, tmp_path: Path
) -> None:
    link = tmp_path / "sbom.json"
    link.symlink_to("/dev/zero")
    _refused(valid_root, "soup", "import", str(link), expect="(a device)")


def test_a_fifo_scanner_report_is_refused_at_once(
    valid_root: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "trivy.json"
    os.mkfifo(fifo)
    _refused(valid_root, "vulnerabilities", "import", str(fifo), expect="(a FIFO)")


def test_a_json_integer_of_5000_digits_is_one_line(
    valid_root: Path, tmp_path: Path
) -> None:
    sbom = tmp_path / "sbom.json"
    sbom.write_text(
        '{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": '
        + "9" * 5000
        + ', "components": []}',
        encoding="utf-8",
    )
    line = _refused(valid_root, "soup", "import", str(sbom), expect="4300 digits")
    assert len(line) < 300
    scan = tmp_path / "trivy.json"
    scan.write_text('{"SchemaVersion": ' + "1" * 5000 + "}", encoding="utf-8")
    _refused(valid_root, "vulnerabilities", "import", str(scan), expect="4300 digits")


@pytest.mark.parametrize("encoding", ["utf-32", "UTF-7"])
def test_an_xml_encoding_parsers_do_not_know_is_refused(
    valid_root: Path, tmp_path: Path, encoding: str
) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<testsuite name="s"><testcase name="t"/></testsuite>',
        encoding="ascii",
    )
    _refused(
        valid_root,
        *_evidence_import(report),
        expect=f"XML encoding '{encoding}' is not supported",
    )
    sbom = tmp_path / "bom.xml"
    sbom.write_text(
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"/>',
        encoding="ascii",
    )
    _refused(valid_root, "soup", "import", str(sbom), expect="is not supported")


def test_990_nested_testsuites_are_imported(valid_root: Path, tmp_path: Path) -> None:
    depth = 990
    report = tmp_path / "junit.xml"
    report.write_text(
        "<testsuites>"
        + '<testsuite name="s">' * depth
        + '<testcase classname="c" name="t"/>'
        + "</testsuite>" * depth
        + "</testsuites>",
        encoding="utf-8",
    )
    result = _qms(valid_root, *_evidence_import(report))
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    (record,) = (valid_root / "traceability" / "evidence").rglob("*.json")
    assert "/".join(["s"] * depth) in record.read_text(encoding="utf-8")


def test_an_spdx_package_given_as_a_string_is_refused(
    valid_root: Path, tmp_path: Path
) -> None:
    sbom = tmp_path / "bom.spdx.json"
    sbom.write_text(
        json.dumps(
            {
                "spdxVersion": "SPDX-2.3",
                "dataLicense": "CC0-1.0",
                "SPDXID": "SPDXRef-DOCUMENT",
                "name": "bom",
                "documentNamespace": "https://example.com/bom",
                "creationInfo": {
                    "created": "2026-01-01T00:00:00Z",
                    "creators": ["Tool: x"],
                },
                "packages": ["left-pad"],
            }
        ),
        encoding="utf-8",
    )
    _refused(
        valid_root,
        "soup",
        "import",
        str(sbom),
        expect="packages[0] is a string, not an object",
    )


@pytest.mark.parametrize(
    ("value", "expect"),
    [
        ("[" * 5000 + "]" * 5000, "TOML nested too deeply"),
        ("{a = " * 3000 + "1" + "}" * 3000, "TOML nested too deeply"),
        ("9" * 5000, "4300 digits"),
    ],
)
def test_a_profile_with_deep_toml_or_a_huge_integer_is_one_line(
    valid_root: Path, value: str, expect: str
) -> None:
    profile = valid_root / "qms.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + f"\n[extra]\nvalue = {value}\n",
        encoding="utf-8",
    )
    _refused(valid_root, "check", expect=expect)


def test_a_fifo_source_file_fails_check_at_once(valid_root: Path) -> None:
    os.mkfifo(valid_root / "stuck.rst")
    _refused(valid_root, "check", expect="stuck.rst: not a regular file (a FIFO)")


def test_a_fifo_in_the_evidence_folder_fails_check_at_once(valid_root: Path) -> None:
    # a committed record that cannot be read is a finding at the record (issue 17:
    # the Sphinx build reports the same), returned at once, not waited on
    folder = valid_root / "traceability" / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "ci-9.json")
    result = _qms(valid_root, "check")
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert (
        "traceability/evidence/ci-9.json:0: error: not a regular file (a FIFO); "
        "refused [qms.record_invalid]"
    ) in result.stdout.splitlines()


def test_the_profile_sets_the_source_limit(valid_root: Path) -> None:
    (valid_root / "big.rst").write_text("Big\n===\n\n" + "word " * 300_000, "utf-8")
    assert _qms(valid_root, "check", "-q").returncode in (0, 1)
    profile = valid_root / "qms.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + "\n[input_limits]\nsource = 1\n",
        encoding="utf-8",
    )
    _refused(
        valid_root,
        "check",
        expect="big.rst: larger than the 1 MiB limit for a source file; refused",
    )


@pytest.mark.parametrize(
    ("table", "expect"),
    [
        ("source = 0", "[input_limits.source]: 0 is not a size in MiB from 1 to 4096"),
        ("report = 5000", "[input_limits.report]: 5000 is not a size in MiB"),
        ("profile = 2", "input_limits"),
        ('sbom = "64 MiB"', "[input_limits.sbom]: must be a whole number"),
    ],
)
def test_a_bad_input_limit_is_one_line(
    valid_root: Path, table: str, expect: str
) -> None:
    profile = valid_root / "qms.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + f"\n[input_limits]\n{table}\n",
        encoding="utf-8",
    )
    _refused(valid_root, "check", expect=expect)
    _refused(valid_root, "profile", "--validate", "qms.toml", expect=expect)
