"""Property-based fuzzing of every reader of outside input (issue 16, item 6).

Each importer, the item reader and the profile loader get mutated inputs: a real
seed file (a JUnit report written by a real pytest run, the committed SPDX SBOMs and
Trivy, Grype and OSV-Scanner reports of ``tests/data``, the items and project file of
``test-valid``) with bytes flipped, cut, or spliced with hostile snippets (huge
integers, deep nesting, other encodings, terminal escapes, NUL bytes). The property:
a reader returns or raises :class:`qmsdoc.errors.QmsError` (one line, exit 2 at the
command line); any other exception is a crash, and the failing input is printed by
hypothesis. The checks then run on whatever items were read, and must not crash.

The budget inside ``make test`` is small and fixed (``derandomize``: the same
examples on every run, so CI cannot flake); ``make fuzz`` runs a longer, random
campaign (``QMS_FUZZ_EXAMPLES``, ``QMS_FUZZ_RANDOM=1``). The inputs that crashed the
engine before issue 16 are kept as explicit examples.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmsdoc.errors import QmsError
from qmsdoc.evidence.reports import read_result_file
from qmsdoc.model import load_items
from qmsdoc.model.rst_source import scan_text
from qmsdoc.processes import run_checks
from qmsdoc.profile import load_profile
from qmsdoc.soup.sbom import read_sbom
from qmsdoc.vulnerability.scan import read_scan
from qmstest import ROOTS, TESTS, copy_root, run_qms

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

EXAMPLES = int(os.environ.get("QMS_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("QMS_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: snippets that crashed a reader, or could: spliced into the seeds
HOSTILE = (
    b"1" * 5000,
    b"[" * 3000,
    b"{" * 3000,
    b'<?xml version="1.0" encoding="utf-32"?>',
    b'<?xml version="1.0" encoding="UTF-7"?>',
    b"<testsuite>" * 1200,
    b"\x1b[31m\x1b]0;title\x07",
    b"\x00\x00\xff\xfe",
    b'"packages": ["a string, not a package"]',
    b"a = " + b"[" * 2000,
    b"x = " + b"9" * 5000,
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
)


def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    """``seed`` with bytes replaced, cut at a point, or a hostile snippet spliced in."""
    size = len(seed)
    position = st.integers(min_value=0, max_value=size)
    flipped = st.tuples(position, st.binary(min_size=1, max_size=8)).map(
        lambda pair: seed[: pair[0]] + pair[1] + seed[pair[0] + len(pair[1]) :]
    )
    cut = position.map(lambda at: seed[:at])
    spliced = st.tuples(position, st.sampled_from(HOSTILE)).map(
        lambda pair: seed[: pair[0]] + pair[1] + seed[pair[0] :]
    )
    return st.one_of(flipped, cut, spliced, st.binary(max_size=256))


def _only_input_errors(read: Callable[[Path], object], path: Path) -> None:
    """``read(path)`` returns, or fails with a one-line :class:`QmsError`."""
    try:
        read(path)
    except QmsError as error:
        message = str(error)
        assert "\n" not in message, message
        assert len(message) < 2000, message[:200]


@pytest.fixture(scope="module")
def junit_seed(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A JUnit report written by a real pytest run of two small tests."""
    folder = tmp_path_factory.mktemp("junit")
    (folder / "test_seed.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.parametrize('x', [1, 2])\n"
        "def test_value(record_property, x):\n"
        "    record_property('verifies', 'REQ-001')\n"
        "    assert x < 2\n",
        encoding="utf-8",
    )
    report = folder / "junit.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"--junitxml={report}", str(folder / "test_seed.py")],
        cwd=folder, capture_output=True, check=False,
    )  # fmt: skip
    return report.read_bytes()


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=st.data())
def test_junit_reader(
    junit_seed: bytes, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    mutated = data.draw(_mutations(junit_seed))
    path = _write(tmp_path_factory.mktemp("j"), "junit.xml", mutated)
    _only_input_errors(
        lambda p: read_result_file(p, verifies_property="verifies"), path
    )


SBOMS = sorted((TESTS / "data" / "sbom").glob("*.json"))
SCANS = sorted((TESTS / "data" / "scanners").glob("*.json"))


@FUZZ
@given(data=st.data())
def test_sbom_reader(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    seed = data.draw(st.sampled_from(SBOMS)).read_bytes()
    mutated = data.draw(_mutations(seed))
    path = _write(tmp_path_factory.mktemp("s"), "bom.spdx.json", mutated)
    _only_input_errors(read_sbom, path)


@FUZZ
@given(data=st.data())
def test_scanner_reader(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    seed = data.draw(st.sampled_from(SCANS)).read_bytes()
    mutated = data.draw(_mutations(seed))
    path = _write(tmp_path_factory.mktemp("v"), "scan.json", mutated)
    _only_input_errors(read_scan, path)


VALID = ROOTS / "test-valid"


@FUZZ
@given(data=st.data())
def test_item_reader_and_checks(data: st.DataObject) -> None:
    """Mutated item sources are read and checked without a crash: a content
    problem is a finding, never an exception."""
    profile = load_profile(VALID / "qms.toml")
    seed = (VALID / "items.rst").read_bytes()
    text = data.draw(_mutations(seed)).decode("utf-8", errors="replace")
    raw = scan_text(
        text, path="items.rst", docname="items", directives=profile.directives
    )
    items = load_items(raw, profile)
    for finding in run_checks(items, profile):
        assert "\n" not in finding.message


@FUZZ
@given(data=st.data())
def test_profile_loader(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    seed = (VALID / "qms.toml").read_bytes() + b'\n[approvals]\nregistry = "s.toml"\n'
    mutated = data.draw(_mutations(seed))
    path = _write(tmp_path_factory.mktemp("p"), "qms.toml", mutated)
    _only_input_errors(load_profile, path)


def _junit(path: Path) -> object:
    return read_result_file(path, verifies_property="verifies")


#: the crash inputs of issue 16, kept: (reader, file name, content)
KNOWN_CRASHES = [
    pytest.param(read_scan, "big-int.json", b'{"Results": [' + b"1" * 5000 + b"]}", id="json huge integer"),
    pytest.param(_junit, "utf32.xml", '<?xml version="1.0" encoding="utf-32"?><testsuite/>'.encode("utf-32"), id="xml utf-32"),
    pytest.param(_junit, "utf7.xml", b'<?xml version="1.0" encoding="UTF-7"?><testsuite/>', id="xml utf-7"),
    pytest.param(_junit, "nested.xml", b"<testsuites>" + b"<testsuite>" * 1000 + b"</testsuite>" * 1000 + b"</testsuites>", id="junit 1000 nested suites"),
    pytest.param(read_sbom, "string.spdx.json", b'{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "x", "dataLicense": "CC0-1.0", "documentNamespace": "https://example.com/x", "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: x"]}, "packages": ["a string"]}', id="spdx package as a string"),
    pytest.param(load_profile, "qms.toml", b'extends = "medical-device"\n[project]\nname = "x"\nsources = ["."]\nx = ' + b"[" * 2000 + b"]" * 2000, id="toml deep nesting"),
    pytest.param(load_profile, "qms.toml", b'extends = "medical-device"\n[project]\nname = "x"\nx = ' + b"9" * 5000, id="toml huge integer"),
]  # fmt: skip


@pytest.mark.parametrize(("read", "name", "content"), KNOWN_CRASHES)
def test_the_crash_inputs_of_issue_16_no_longer_crash(
    tmp_path: Path, read: Callable[[Path], object], name: str, content: bytes
) -> None:
    """Each returns (the deeply nested JUnit report is read, iteratively) or fails
    with one line."""
    _only_input_errors(read, _write(tmp_path, name, content))


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but build output and the findings written by check."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and "_build" not in path.parts
        and path.name != "findings.json"
    }


@settings(FUZZ, max_examples=min(EXAMPLES, 6))
@given(data=st.data())
def test_imports_at_the_command_line_exit_0_1_or_2_and_store_nothing_on_failure(
    tmp_path_factory: pytest.TempPathFactory, junit_seed: bytes, data: st.DataObject
) -> None:
    """``qms evidence import`` and ``qms soup import`` of mutated files in a copy of
    ``test-valid``: exit 0, 1 or 2 with one line; on failure nothing is stored, and
    no source is ever rewritten."""
    root = copy_root("test-valid", tmp_path_factory.mktemp("cli") / "valid")
    command, seed, name = data.draw(
        st.sampled_from(
            [
                (("evidence", "import", "--commit", "0" * 40, "--run", "fuzz"), junit_seed, "junit.xml"),
                (("soup", "import"), SBOMS[0].read_bytes(), "bom.spdx.json"),
            ]
        )
    )  # fmt: skip
    mutated = data.draw(_mutations(seed))
    report = _write(tmp_path_factory.mktemp("in"), name, mutated)
    before = _snapshot(root)
    result = run_qms(root, *command, str(report))
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode == 2:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert _snapshot(root) == before
    after = _snapshot(root)
    assert {k: v for k, v in after.items() if k in before} == before
