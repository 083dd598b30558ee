"""One pipeline: ``qms check`` and a Sphinx build of the same tree report the same
findings (check, file, line, message), because both hand their items to
:class:`qmsdoc.device_file.DeviceFile`.

The project is the broken test root made richer in everything the two front ends
used to assemble apart: signatures required by the approval policy (with a signer
registry and a git history), controlled documents, an intended-use statement and a
committed evidence record that cannot be read.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from qmstest import copy_root, git_as, run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

#: a warning line of a qms finding: location, message, check id
_WARNING = re.compile(
    r"(?P<path>.+?):(?P<line>\d+): WARNING: (?P<message>.*) \[qms\.(?P<check>\w+)\]$"
)
#: an advisory finding, logged as information (shown, not failing the gate)
_ADVISORY = re.compile(
    r"(?:checking consistency\.\.\. )?(?P<path>/.+?):(?P<line>\d+): "
    r"\[qms\.(?P<check>\w+)\] advisory (?:error|warning): (?P<message>.*)$"
)
Finding = tuple[str, str, int, str]


def _project(tmp_path: Path) -> Path:
    root = copy_root("test-broken", tmp_path / "broken")
    with (root / "qms.toml").open("a", encoding="utf-8") as profile:
        profile.write(
            '\n[approvals]\nregistry = "traceability/signers.toml"\n'
            "\n[documents]\nrequired = true\n"
        )
    traceability = root / "traceability"
    (traceability / "evidence").mkdir(parents=True)
    (traceability / "signers.toml").write_text(
        '[signers."alice@example.com"]\nname = "Alice Author"\nroles = ["quality"]\n',
        encoding="utf-8",
    )
    # a committed evidence record that is not JSON: a finding at the record
    (traceability / "evidence" / "ci-1.json").write_text("{", encoding="utf-8")
    (root / "intended-use.rst").write_text(
        "Intended use\n============\n\n.. qms-intended-use::\n\n"
        "   Explains laboratory results to patients.\n",
        encoding="utf-8",
    )
    with (root / "index.rst").open("a", encoding="utf-8") as index:
        index.write("\n.. toctree::\n\n   intended-use\n")
    git_as(root, "init", "-q", "-b", "main")
    git_as(root, "add", ".")
    git_as(root, "commit", "-q", "-m", "Device file")
    return root


def _cli_findings(root: Path) -> set[Finding]:
    result = run_qms(root, "check")
    assert result.returncode == 1, result.stderr
    document = json.loads((root / "traceability" / "findings.json").read_text("utf-8"))
    return {
        (f["check"].removeprefix("qms."), f["file"], f["line"], f["message"])
        for f in document["findings"]
        if f["severity"] != "info"
    }


def _sphinx_findings(root: Path) -> set[Finding]:
    run = sphinx_build(root, "-E")
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    found = set()
    lines = [*run.warnings, *run.stdout.splitlines()]
    for line in lines:
        match = _WARNING.fullmatch(line) or _ADVISORY.fullmatch(line)
        if match is None:
            continue
        path = match.group("path")
        if path.startswith(str(root)):
            path = path[len(str(root)) + 1 :]
        found.add(
            (
                match.group("check"),
                path,
                int(match.group("line")),
                match.group("message"),
            )
        )
    return found


def test_qms_check_and_the_sphinx_build_report_the_same_findings(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    cli = _cli_findings(root)
    sphinx = _sphinx_findings(root)
    assert cli == sphinx
    checks = {check for check, *_ in cli}
    # every part the front ends used to assemble apart is in the comparison
    assert {
        "record_invalid",
        "approval_policy",
        "document_number_missing",
        "link_cycle",
        "id_duplicate",
    } <= checks, checks
    record = next(f for f in cli if f[0] == "record_invalid")
    assert record[1] == "traceability/evidence/ci-1.json"
    assert "not valid JSON" in record[3]


def _mixed_project(tmp_path: Path) -> Path:
    """rST and MyST items, needs nested two deep, a needimport and an external needs
    file: the test roots of each, in one project."""
    root = copy_root("test-imported", tmp_path / "mixed")
    myst = copy_root("test-myst", tmp_path / "myst")
    for name in ("needs.md", "nested.rst"):
        (root / name).write_text((myst / name).read_text("utf-8"), encoding="utf-8")
    (root / "conf.py").write_text(
        'project = "mixed"\nextensions = ["myst_parser", "qmsdoc"]\n'
        'exclude_patterns = ["_build"]\nmyst_enable_extensions = ["colon_fence"]\n',
        encoding="utf-8",
    )
    with (root / "index.rst").open("a", encoding="utf-8") as index:
        index.write("   needs\n   nested\n")
    git_as(root, "init", "-q", "-b", "main")
    git_as(root, "add", ".")
    git_as(root, "commit", "-q", "-m", "Device file")
    return root


def test_the_same_findings_with_markdown_nested_imported_and_external_needs(
    tmp_path: Path,
) -> None:
    root = _mixed_project(tmp_path)
    cli = _cli_findings(root)
    sphinx = _sphinx_findings(root)
    assert cli == sphinx
    files = {path for _, path, _, _ in cli}
    assert {"items.rst", "needs.md", "nested.rst"} <= files, files
    # links to imported and external needs resolve; the one planted dead link and
    # the nested item's do not
    unknown = {
        message for check, _, _, message in cli if check == "link_target_unknown"
    }
    assert any("UN-903" in message for message in unknown), unknown
    assert any("UN-999" in message for message in unknown), unknown
    assert not any("PLAT-" in message or "UN-901" in message for message in unknown)
    # nothing is ever reported about an imported or external need
    assert not any(path.endswith(".json") for path in files), files
