"""``qms soup import`` / ``list``: records written, changes listed, bad input refused."""

from __future__ import annotations

import json
import os
import re
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qmsdoc.cli import cli, main

DATA = Path(__file__).parent.parent / "data" / "sbom"
RECORD = "traceability/soup/serenya-api.json"


def _library(name: str, version: str) -> dict[str, Any]:
    return {
        "type": "library",
        "bom-ref": f"{name}=={version}",
        "name": name,
        "version": version,
        "purl": f"pkg:pypi/{name}@{version}",
        "licenses": [{"license": {"id": "MIT"}}],
    }


def _sbom(path: Path, *components: tuple[str, str]) -> Path:
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "metadata": {"component": {"type": "application", "name": "serenya-api"}},
        "components": [_library(name, version) for name, version in components],
    }
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


V1 = (("requests", "2.31.0"), ("six", "1.16.0"), ("idna", "3.7"))
V2 = (("requests", "2.32.3"), ("urllib3", "2.2.1"), ("idna", "3.7"))
V3 = (("requests", "2.32.3"), ("urllib3", "2.2.2"), ("idna", "3.6"))


def _soup(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), "soup", *args])


def _qms(
    capsys: pytest.CaptureFixture[str], root: Path, *args: str
) -> tuple[int, str, str]:
    """Run ``qms`` in process as its console script does: (exit code, out, err)."""
    capsys.readouterr()
    try:
        main(["--root", str(root), *args])
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_prints_a_summary_and_writes_the_record(
    valid_root: Path, tmp_path: Path
) -> None:
    sbom = _sbom(tmp_path / "serenya-api.cdx.json", *V1)
    result = _soup(valid_root, "import", str(sbom))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"qms soup: serenya-api: 3 components (CycloneDX 1.6) -> {RECORD}\n"
        "no previous record\n"
    )
    record = valid_root / RECORD
    lines = record.read_text(encoding="utf-8").splitlines()
    assert lines[1] == ' "format": "qmsdoc-soup/1",'
    assert ' "subject": "serenya-api",' in lines
    names = [json.loads(line.strip().rstrip(","))["name"] for line in lines[12:15]]
    assert names == ["idna", "requests", "six"]
    first = record.read_bytes()
    again = _soup(valid_root, "import", str(sbom))
    assert again.exit_code == 0, again.output
    assert again.output.endswith("since the previous record: no changes\n")
    assert record.read_bytes() == first


def test_a_re_import_lists_what_changed(valid_root: Path, tmp_path: Path) -> None:
    assert _soup(valid_root, "import", str(_sbom(tmp_path / "a.json", *V1)), "--name",
                 "serenya-api").exit_code == 0  # fmt: skip
    result = _soup(
        valid_root,
        "import",
        str(_sbom(tmp_path / "b.json", *V2)),
        "--name",
        "serenya-api",
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"qms soup: serenya-api: 3 components (CycloneDX 1.6) -> {RECORD}\n"
        "since the previous record: 3 changes\n"
        "  + urllib3 2.2.1\n"
        "  - six 1.16.0\n"
        "  ^ requests 2.31.0 -> 2.32.3\n"
    )


def test_a_real_spdx_file(valid_root: Path) -> None:
    result = _soup(valid_root, "import", str(DATA / "k8s-bom-hello-server.spdx.json"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "qms soup: k8s-bom-hello-server: 3 components (SPDX-2.3) "
        "-> traceability/soup/k8s-bom-hello-server.json"
    )


def _git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "@1700000000 +0000",
        "GIT_COMMITTER_DATE": "@1700000000 +0000",
    }
    completed = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


@pytest.fixture
def released(valid_root: Path, tmp_path: Path) -> Path:
    """A git repository: tag v0.9 without a SOUP record, v1.0 with the V1 record,
    then V2 imported (not committed)."""
    _git(valid_root, "init", "-q")
    _git(valid_root, "config", "user.name", "Test User")
    _git(valid_root, "config", "user.email", "test@example.invalid")
    _git(valid_root, "config", "commit.gpgsign", "false")
    _git(valid_root, "add", "-A")
    _git(valid_root, "commit", "-q", "-m", "device file")
    _git(valid_root, "tag", "v0.9")
    assert (
        _soup(
            valid_root, "import", str(_sbom(tmp_path / "serenya-api.json", *V1))
        ).exit_code
        == 0
    )
    _git(valid_root, "add", "-A")
    _git(valid_root, "commit", "-q", "-m", "SOUP record")
    _git(valid_root, "tag", "v1.0")
    assert (
        _soup(
            valid_root, "import", str(_sbom(tmp_path / "serenya-api.json", *V2))
        ).exit_code
        == 0
    )
    return valid_root


def test_against_a_baseline_tag(released: Path, tmp_path: Path) -> None:
    sbom = _sbom(tmp_path / "serenya-api.json", *V3)
    result = _soup(released, "import", str(sbom), "--against", "v1.0")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"qms soup: serenya-api: 3 components (CycloneDX 1.6) -> {RECORD}\n"
        "since the previous record: 2 changes\n"
        "  ^ urllib3 2.2.1 -> 2.2.2\n"
        "  v idna 3.7 -> 3.6\n"
        "since v1.0: 4 changes\n"
        "  + urllib3 2.2.2\n"
        "  - six 1.16.0\n"
        "  ^ requests 2.31.0 -> 2.32.3\n"
        "  v idna 3.7 -> 3.6\n"
    )


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        ("v7.0", "unknown revision 'v7.0' (not in this repository's history)"),
        ("v0.9", f"{RECORD}: no such record at revision 'v0.9'"),
    ],
)
def test_against_a_revision_without_the_record_writes_nothing(
    released: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    revision: str,
    message: str,
) -> None:
    before = (released / RECORD).read_bytes()
    sbom = _sbom(tmp_path / "serenya-api.json", *V3)
    code, out, err = _qms(
        capsys, released, "soup", "import", str(sbom), "--against", revision
    )
    assert (code, out, err) == (2, "", f"qms: error: {message}\n")
    assert (released / RECORD).read_bytes() == before


BAD_INPUT: dict[str, tuple[bytes, str]] = {
    "malformed.json": (
        b'{"bomFormat": "CycloneDX",\n "specVersion": "1.6"\n "components": []}\n',
        r"malformed\.json:3:2: not valid JSON: Expecting ',' delimiter",
    ),
    "future.json": (
        b'{"bomFormat": "CycloneDX", "specVersion": "9.9", "components": []}',
        r"future\.json: CycloneDX specVersion '9\.9' is not supported in JSON "
        r"\(supported: 1\.2, 1\.3, 1\.4, 1\.5, 1\.6, 1\.7\)",
    ),
    "twice.json": (
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.6",
                "components": [_library("six", "1.16.0"), _library("six", "1.16.0")],
            }
        ).encode(),
        r"twice\.json: duplicate component six 1\.16\.0 \(pkg:pypi/six is listed twice",
    ),
    "lol.xml": (
        b'<?xml version="1.0"?>\n<!DOCTYPE bom [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components/></bom>\n',
        r"lol\.xml: refused: the XML declares a DTD or entities",
    ),
    "package.json": (
        b'{"name": "serenya-web", "version": "1.0.0"}',
        r"package\.json: not a CycloneDX or SPDX SBOM",
    ),
    "empty.json": (b"", r"empty\.json: empty file, not a CycloneDX or SPDX SBOM"),
}


@pytest.mark.parametrize("file_name", [*BAD_INPUT, "absent.json"])
@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_bad_input_is_exit_2_one_line_and_nothing_written(
    valid_root: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    file_name: str,
    existing: bool,
) -> None:
    record = valid_root / RECORD
    if existing:
        assert (
            _soup(
                valid_root, "import", str(_sbom(tmp_path / "serenya-api.json", *V1))
            ).exit_code
            == 0
        )
    before = record.read_bytes() if existing else None
    path = tmp_path / file_name
    if file_name in BAD_INPUT:
        path.write_bytes(BAD_INPUT[file_name][0])
        expected = BAD_INPUT[file_name][1]
    else:
        expected = r"absent\.json: cannot be read: No such file or directory"
    code, out, err = _qms(
        capsys, valid_root, "soup", "import", str(path), "--name", "serenya-api"
    )
    assert code == 2
    assert out == ""
    assert err.startswith("qms: error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert re.search(expected, err), err
    if existing:
        assert record.read_bytes() == before
    else:
        assert not record.exists()
        assert not record.parent.exists()


def test_a_profile_without_soup_is_a_one_line_error(
    valid_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = resources.files("qmsdoc.profile") / "data" / "medical-device.toml"
    packaged = data.read_text(encoding="utf-8")
    without = re.sub(r"(?m)^\[soup\]\n(?:(?!\[).*\n)*", "", packaged)
    assert "[soup]" not in without
    (valid_root / "qms.toml").write_text(
        without
        + '\n[project]\nname = "Valid"\nsources = ["."]\nexclude = ["_build"]\n',
        encoding="utf-8",
    )
    sbom = _sbom(tmp_path / "serenya-api.json", *V1)
    for args in (("import", str(sbom)), ("list",)):
        code, out, err = _qms(capsys, valid_root, "soup", *args)
        assert (code, out, err) == (
            2,
            "",
            "qms: error: the profile has no [soup] table\n",
        )
    assert not (valid_root / "traceability" / "soup").exists()


def test_list_shows_each_record_and_its_components(
    valid_root: Path, tmp_path: Path
) -> None:
    assert (
        _soup(valid_root, "list").output
        == "qms soup: no records in traceability/soup\n"
    )
    assert (
        _soup(
            valid_root, "import", str(_sbom(tmp_path / "serenya-api.json", *V1))
        ).exit_code
        == 0
    )
    spdx = DATA / "examplemaven-0.0.1.spdx.json"
    assert _soup(valid_root, "import", str(spdx), "--name", "maven").exit_code == 0
    result = _soup(valid_root, "list")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "maven: 5 components (SPDX-2.3, from examplemaven-0.0.1.spdx.json)\n"
        "  Apache Log4j API            -      -  -\n"
        "  Apache Log4j Core           -      -  -\n"
        "  Apache Log4j SLF4J Binding  -      -  -\n"
        "  JUnit                       3.8.1  -  CPL-1.0\n"
        "  SLF4J API Module            -      -  -\n"
        "serenya-api: 3 components (CycloneDX 1.6, from serenya-api.json)\n"
        "  idna      3.7     -  MIT\n"
        "  requests  2.31.0  -  MIT\n"
        "  six       1.16.0  -  MIT\n"
    )
    one = _soup(valid_root, "list", "serenya-api")
    assert one.output.splitlines()[0].startswith("serenya-api: 3 components")
    assert len(one.output.splitlines()) == 4


def test_list_of_an_unknown_record(
    valid_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _soup(
            valid_root, "import", str(_sbom(tmp_path / "serenya-api.json", *V1))
        ).exit_code
        == 0
    )
    code, out, err = _qms(capsys, valid_root, "soup", "list", "gateway")
    assert (code, out) == (2, "")
    assert err == "qms: error: no SOUP record 'gateway' in traceability/soup\n"
