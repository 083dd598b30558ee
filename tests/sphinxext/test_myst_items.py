"""Items in MyST Markdown and nested needs: a real Sphinx build with ``myst_parser``
records the same raw items as the CLI's readers, and reports the same findings.

The root ``tests/roots/test-myst`` holds Markdown items in backtick and colon fences,
with ``:key:`` and YAML option blocks (a block scalar among them), in a list, in a
note, nested in another Markdown item, an rST item in an ``{eval-rst}`` block, and
rST needs nested two deep.
"""

from __future__ import annotations

import pickle
import re
from typing import TYPE_CHECKING

import pytest

from qmsdoc.model.rst_source import scan_file
from qmsdoc.project import load_project
from qmstest import copy_root, run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.model import RawItem
    from qmstest import SphinxRun

#: (file, line, id) of every item of the root, as written
EXPECTED: list[tuple[str, int, str | None]] = [
    ("needs.md", 3, "UN-001"),
    ("needs.md", 10, "REQ-001"),
    ("needs.md", 26, "REQ-002"),
    ("needs.md", 37, "REQ-003"),
    ("needs.md", 44, "UN-002"),
    ("needs.md", 50, "REQ-004"),
    ("needs.md", 65, "REQ-005"),
    ("needs.md", 75, None),  # an option block MyST refuses: no options
    ("nested.rst", 4, "UN-010"),
    ("nested.rst", 10, "REQ-010"),
    ("nested.rst", 16, "REQ-011"),
]
_FINDING = re.compile(r"(?P<path>[^\s:]+):(?P<line>\d+): .*\[(?P<check>qms\.[\w.]+)\]$")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SphinxRun]:
    root = copy_root("test-myst", tmp_path_factory.mktemp("myst") / "root")
    run = sphinx_build(root, "-E")
    assert run.returncode == 0, run.stderr
    return root, run


def _sphinx_items(root: Path) -> list[RawItem]:
    """The raw items the Sphinx domain recorded, from the saved environment."""
    pickled = root / "_build" / "html" / ".doctrees" / "environment.pickle"
    env = pickle.loads(pickled.read_bytes())  # our own build's file
    recorded: dict[str, list[RawItem]] = env.domaindata["qms"]["items"]
    return sorted((raw for raws in recorded.values() for raw in raws), key=_place)


def _cli_items(root: Path) -> list[RawItem]:
    project = load_project(root)
    directives = project.profile.directives
    return sorted(
        (
            raw
            for path in project.source_files()
            for raw in scan_file(path, root=root, directives=directives)
        ),
        key=_place,
    )


def _place(raw: RawItem) -> tuple[str, int]:
    return raw.location.path, raw.location.line


def test_the_build_records_the_items_the_cli_reads(
    built: tuple[Path, SphinxRun],
) -> None:
    root, _ = built
    sphinx = _sphinx_items(root)
    assert [(*_place(raw), raw.option("id")) for raw in sphinx] == EXPECTED
    # same directive, title, options, content, file and line
    assert sphinx == _cli_items(root)


def test_markdown_items_keep_every_option_in_the_build(
    built: tuple[Path, SphinxRun],
) -> None:
    root, run = built
    by_id = {raw.option("id"): raw for raw in _sphinx_items(root)}
    flagging = by_id["REQ-001"]
    assert flagging.options == (
        ("id", "REQ-001"),
        ("status", "approved"),
        ("kind", "functional"),
        ("level", "software"),
        ("satisfies", "UN-001"),
        (
            "waiver",
            "coverage_requirement_implemented: Implemented by the reference design.\n"
            # a block scalar on the block's last line: no final line break
            "coverage_requirement_verified: Verified by inspection.",
        ),
    )
    assert by_id["REQ-003"].option("satisfies") == "UN-001"  # quoted in YAML
    # sphinx-needs made the needs under their ids: only the refused block lacks one
    assert [line for line in run.warnings if "qms.id_missing" in line] == [
        f"{root}/needs.md:75: WARNING: requirement 'A block MyST refuses' has no :id:"
        " [qms.id_missing]"
    ]
    # myst-parser reports the refused block itself, at its line, as without qmsdoc
    assert (
        f"{root}/needs.md:77: WARNING: 'requirement': Invalid options format: found"
        " unexpected end of stream [myst.directive_option]"
    ) in run.warnings
    page = (root / "_build" / "html" / "needs.html").read_text(encoding="utf-8")
    for item_id in ("UN-001", "REQ-001", "REQ-002", "REQ-003", "UN-002", "REQ-004"):
        assert f'id="{item_id}"' in page


def test_qms_check_and_the_build_report_the_same_findings(
    built: tuple[Path, SphinxRun],
) -> None:
    root, run = built
    checked = run_qms(root, "check", timeout=300)
    assert checked.returncode == 1, checked.stderr
    from_build = {
        (
            match.group("path").removeprefix(f"{root}/"),
            int(match.group("line")),
            match.group("check"),
        )
        for line in run.warnings
        if (match := _FINDING.match(line))
    }
    from_cli = {
        (match.group("path"), int(match.group("line")), match.group("check"))
        for line in checked.stdout.splitlines()
        if ": deviation: " not in line and (match := _FINDING.match(line))
    }
    # the nested items' own findings are among them, in both front ends
    assert ("needs.md", 50, "qms.link_target_unknown") in from_build
    assert ("nested.rst", 10, "qms.link_target_unknown") in from_build
    assert ("nested.rst", 16, "qms.field_missing") in from_build
    assert from_build == from_cli
