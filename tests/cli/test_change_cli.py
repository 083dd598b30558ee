"""Change control on a real git repository: ``qms history``, ``diff``, ``suspect``, ``review``.

The scenario: Alice commits a valid device file, reviews every link and tags ``v1``;
Bob rewords REQ-001 in one commit, puts REQ-002 back in review in another and tags
``v2``. The diff lists exactly those two changes, the links to REQ-001 (and only
those) are suspect until ``qms review REQ-001``, and the history of REQ-001 shows
both authors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook

from qmstest import without_approval_policy

if TYPE_CHECKING:
    from pathlib import Path

ALICE = ("Alice Author", "alice@example.com")
BOB = ("Bob Builder", "bob@example.com")
T0 = 1_700_000_000  # 2023-11-14T22:13:20+00:00
T1 = T0 + 86_400
T2 = T1 + 86_400
T3 = T2 + 86_400

#: a second requirement with its design output and test, so that the project stays
#: valid; DO-002 is part of DO-001, so it (and its test) depend on DO-001
SECOND = """
.. requirement:: Show the reference range next to each result
   :id: REQ-002
   :status: approved
   :kind: functional
   :level: software
   :satisfies: UN-001

   The software shall show the reference range next to each result.

.. design_output:: Range display
   :id: DO-002
   :status: approved
   :element: software_unit
   :safety_class: B
   :implements: REQ-002
   :part_of: DO-001

   Renders the range beside the value.

.. verification_test:: Range shown beside each result
   :id: VT-002
   :status: approved
   :test_level: unit
   :method: test
   :verifies: REQ-002, DO-002

   The range is shown next to each result.
"""

REQ_TEXT = "The software shall flag a result below the lower or above the upper limit."
REQ_REWORDED = REQ_TEXT.replace("shall flag", "shall flag and highlight")
REQ_2_STATUS = ":id: REQ-002\n   :status: approved"
RECORD = "traceability/reviewed-links.txt"
FINGERPRINTS_NOTE = "REQ-001 changed since the link was reviewed"


def _qms(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [sys.executable, "-c", "from qmsdoc.cli import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed


def _git(
    repository: Path, *args: str, when: int = T0, author: tuple[str, str] = ALICE
) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": author[0],
        "GIT_COMMITTER_EMAIL": author[1],
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }
    completed = subprocess.run(
        ["git", *args], cwd=repository, env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return completed.stdout.strip()


def _commit_all(
    repository: Path, message: str, *, when: int = T0, author: tuple[str, str] = ALICE
) -> str:
    _git(repository, "add", "-A")
    _git(repository, "commit", "-q", "-m", message, when=when, author=author)
    return _git(repository, "rev-parse", "HEAD")


def _init(repository: Path) -> None:
    _git(repository, "init", "-q")
    _git(repository, "config", "user.name", ALICE[0])
    _git(repository, "config", "user.email", ALICE[1])
    _git(repository, "config", "commit.gpgsign", "false")
    _git(repository, "config", "tag.gpgsign", "false")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line(root: Path, marker: str, file: str = "items.rst") -> int:
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if marker in line)


def _record_lines(root: Path) -> set[str]:
    return set((root / RECORD).read_text(encoding="utf-8").splitlines())


@pytest.fixture
def baseline(valid_root: Path) -> Path:
    """The valid project plus REQ-002, by Alice, every link reviewed, tagged v1."""
    with (valid_root / "items.rst").open("a", encoding="utf-8") as items:
        items.write(SECOND)
    (valid_root / ".gitignore").write_text(
        "_build/\ntraceability/findings.json\n", encoding="utf-8"
    )
    without_approval_policy(valid_root)
    _init(valid_root)
    _commit_all(valid_root, "Device file")
    reviewed = _qms("review", "--all", cwd=valid_root)
    assert reviewed.returncode == 0, reviewed.stderr
    assert reviewed.stdout.endswith(
        f"qms review: 14 links reviewed; record {RECORD} has 14 links\n"
    )
    _commit_all(valid_root, "Review all links", when=T0 + 60)
    _git(valid_root, "tag", "v1")
    assert _qms("suspect", cwd=valid_root).returncode == 0
    return valid_root


@pytest.fixture
def changed(baseline: Path) -> Path:
    """Bob's two commits after v1: REQ-001 reworded, REQ-002 back in review; v2."""
    _edit(baseline / "items.rst", REQ_TEXT, REQ_REWORDED)
    _commit_all(baseline, "Reword REQ-001", when=T1, author=BOB)
    _edit(
        baseline / "items.rst",
        REQ_2_STATUS,
        REQ_2_STATUS.replace("approved", "in_review"),
    )
    _commit_all(baseline, "Put REQ-002 back in review", when=T2, author=BOB)
    _git(baseline, "tag", "-a", "v2", "-m", "Baseline 2", when=T2, author=BOB)
    return baseline


def test_diff_lists_exactly_the_two_changes(changed: Path, tmp_path: Path) -> None:
    json_file = tmp_path / "out" / "diff.json"
    xlsx_file = tmp_path / "out" / "diff.xlsx"
    result = _qms(
        "diff", "v1", "v2", "--json", str(json_file), "--xlsx", str(xlsx_file),
        cwd=changed,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    pad = " " * 19
    assert result.stdout == (
        "changed  REQ-001    Flag results outside the reference range  (items.rst)\n"
        f"{pad}@@ -1 +1 @@\n"
        f"{pad}-{REQ_TEXT}\n"
        f"{pad}+{REQ_REWORDED}\n"
        "changed  REQ-002    Show the reference range next to each result  (items.rst)\n"
        f"{pad}status: 'approved' -> 'in_review'\n"
        "qms diff v1..v2: 0 added, 0 removed, 2 changed\n"
    )

    document = json.loads(json_file.read_text(encoding="utf-8"))
    assert document == {
        "old": "v1",
        "new": "v2",
        "summary": {"added": 0, "removed": 0, "changed": 2},
        "items": [
            {
                "item": "REQ-001",
                "change": "changed",
                "title": "Flag results outside the reference range",
                "file": "items.rst",
                "fields": [],
                "text_diff": [
                    "--- old",
                    "+++ new",
                    "@@ -1 +1 @@",
                    f"-{REQ_TEXT}",
                    f"+{REQ_REWORDED}",
                ],
                "links_added": [],
                "links_removed": [],
            },
            {
                "item": "REQ-002",
                "change": "changed",
                "title": "Show the reference range next to each result",
                "file": "items.rst",
                "fields": [{"field": "status", "old": "approved", "new": "in_review"}],
                "text_diff": [],
                "links_added": [],
                "links_removed": [],
            },
        ],
    }

    workbook = load_workbook(xlsx_file, read_only=True)
    rows = [
        tuple("" if value is None else value for value in row)
        for row in workbook["Changes"].iter_rows(values_only=True)
    ]
    workbook.close()
    assert rows == [
        ("Change", "ID", "Title", "Fields", "Links", "Text diff", "File"),
        (
            "changed", "REQ-001", "Flag results outside the reference range", "", "",
            f"@@ -1 +1 @@\n-{REQ_TEXT}\n+{REQ_REWORDED}", "items.rst",
        ),
        (
            "changed", "REQ-002", "Show the reference range next to each result",
            "status: 'approved' -> 'in_review'", "", "", "items.rst",
        ),
    ]  # fmt: skip


def test_diff_against_the_working_tree(changed: Path) -> None:
    _edit(
        changed / "items.rst",
        "   :satisfies: UN-001\n\n   The software shall show",
        "   :satisfies: UN-001\n   :refines: REQ-001\n\n   The software shall show",
    )
    result = _qms("diff", "v2", cwd=changed)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "changed  REQ-002    Show the reference range next to each result  (items.rst)\n"
        f"{'':19}+ link refines REQ-001\n"
        "qms diff v2..working tree: 0 added, 0 removed, 1 changed\n"
    )


def test_only_links_to_the_reworded_item_are_suspect(changed: Path) -> None:
    result = _qms("suspect", cwd=changed)
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        f"DO-001:implements:REQ-001  {FINGERPRINTS_NOTE}\n"
        "    downstream: DO-002, VT-002\n"
        f"VT-001:verifies:REQ-001  {FINGERPRINTS_NOTE}\n"
        f"qms suspect: 2 suspect links (record {RECORD})\n"
    )
    assert "REQ-002" not in result.stdout


def test_check_reports_the_suspect_links_at_their_sources(changed: Path) -> None:
    result = _qms("check", cwd=changed)
    assert result.returncode == 1, result.stderr
    do_line = _line(changed, ".. design_output:: Result flagging engine")
    vt_line = _line(changed, ".. verification_test:: Flagging at the range limits")
    assert result.stdout.splitlines() == [
        f"items.rst:{do_line}: error: DO-001 implements REQ-001 is suspect: "
        f"{FINGERPRINTS_NOTE} (run `qms review DO-001:implements:REQ-001` after "
        "checking it); downstream: DO-002, VT-002 [qms.link_suspect]",
        f"items.rst:{vt_line}: error: VT-001 verifies REQ-001 is suspect: "
        f"{FINGERPRINTS_NOTE} (run `qms review VT-001:verifies:REQ-001` after "
        "checking it) [qms.link_suspect]",
        # no record in this project: every linked item is planned, none passed
        "qms check: verification by executed records: 0 not planned, 4 planned, "
        "0 passed, 0 failed, 0 stale, 0 waived",
        "qms check: FAIL: 14 items, 2 open findings, 0 accepted deviations; "
        "findings written to traceability/findings.json",
    ]


def test_review_clears_exactly_the_suspect_links(changed: Path) -> None:
    before = _record_lines(changed)
    result = _qms("review", "REQ-001", cwd=changed)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "reviewed DO-001:implements:REQ-001\n"
        "reviewed VT-001:verifies:REQ-001\n"
        f"qms review: 2 links reviewed; record {RECORD} has 14 links\n"
    )
    after = _record_lines(changed)
    removed, added = before - after, after - before
    keys = ["DO-001 implements REQ-001", "VT-001 verifies REQ-001"]
    assert sorted(line.rsplit(" ", 1)[0] for line in removed) == keys
    assert sorted(line.rsplit(" ", 1)[0] for line in added) == keys
    (old_print,) = {line.rsplit(" ", 1)[1] for line in removed}
    (new_print,) = {line.rsplit(" ", 1)[1] for line in added}
    assert old_print != new_print
    lines = (changed / RECORD).read_text(encoding="utf-8").splitlines()
    links = [line for line in lines if not line.startswith("#")]
    assert links == sorted(links)

    suspect = _qms("suspect", cwd=changed)
    assert suspect.returncode == 0, suspect.stdout
    assert suspect.stdout == f"qms suspect: 0 suspect links (record {RECORD})\n"
    check = _qms("check", cwd=changed)
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines() == [
        "qms check: verification by executed records: 0 not planned, 4 planned, "
        "0 passed, 0 failed, 0 stale, 0 waived",
        "qms check: PASS: 14 items, 0 open findings, 0 accepted deviations; "
        "findings written to traceability/findings.json",
    ]
    # reviewing again changes nothing
    again = _qms("review", "REQ-001", cwd=changed)
    assert again.returncode == 0
    assert (
        again.stdout == f"qms review: 0 links reviewed; record {RECORD} has 14 links\n"
    )
    assert _record_lines(changed) == after


def test_history_shows_both_commits_oldest_first(changed: Path) -> None:
    shas = _git(changed, "log", "--reverse", "--format=%H").split()
    device_file, _, reworded, _ = shas
    result = _qms("history", "REQ-001", cwd=changed)
    assert result.returncode == 0, result.stderr
    pad = " " * 27
    assert result.stdout == (
        f"2023-11-14T22:13:20+00:00  {device_file[:12]}  added    "
        "Alice Author <alice@example.com>\n"
        f"{pad}Device file  (items.rst)\n"
        f"2023-11-15T22:13:20+00:00  {reworded[:12]}  changed  "
        "Bob Builder <bob@example.com>\n"
        f"{pad}Reword REQ-001  (items.rst)\n"
    )
    status = _qms("history", "REQ-002", cwd=changed)
    assert [line.split()[2:4] for line in status.stdout.splitlines()[::2]] == [
        ["added", "Alice"],
        ["changed", "Bob"],
    ]
    assert "Put REQ-002 back in review" in status.stdout


def test_a_move_in_a_pull_request_is_moved_and_not_suspect(baseline: Path) -> None:
    main = _git(baseline, "rev-parse", "--abbrev-ref", "HEAD")
    _git(baseline, "checkout", "-q", "-b", "feature")
    items = baseline / "items.rst"
    text = items.read_text(encoding="utf-8")
    start, end = text.index(".. risk_control::"), text.index(".. risk_evaluation::")
    items.write_text(text[:start] + text[end:], encoding="utf-8")
    (baseline / "risks.rst").write_text(
        "Risks\n=====\n\n" + text[start:end], encoding="utf-8"
    )
    moved = _commit_all(baseline, "Move RC-001 to risks.rst", when=T1, author=BOB)
    _git(baseline, "checkout", "-q", main)
    _git(
        baseline, "merge", "-q", "--no-ff", "feature",
        "-m", "Merge pull request #7 from x/y",
        "-m", "Approved-by: carol\nReviewed-by: dave",
        when=T2,
    )  # fmt: skip
    first = _git(baseline, "rev-list", "--max-parents=0", "HEAD")

    history = _qms("history", "RC-001", cwd=baseline)
    assert history.returncode == 0, history.stderr
    pad = " " * 27
    assert history.stdout == (
        f"2023-11-14T22:13:20+00:00  {first[:12]}  added    "
        "Alice Author <alice@example.com>\n"
        f"{pad}Device file  (items.rst)\n"
        f"2023-11-15T22:13:20+00:00  {moved[:12]}  moved    "
        "Bob Builder <bob@example.com> PR #7\n"
        f"{pad}Move RC-001 to risks.rst  (risks.rst)\n"
        f"{pad}Approved-by: carol\n"
        f"{pad}Reviewed-by: dave\n"
    )
    suspect = _qms("suspect", cwd=baseline)
    assert suspect.returncode == 0, suspect.stdout
    check = _qms("check", cwd=baseline)
    assert check.returncode == 0, check.stdout
    assert "link_suspect" not in check.stdout
    diff = _qms("diff", "v1", "HEAD", cwd=baseline)
    assert diff.stdout == "qms diff v1..HEAD: 0 added, 0 removed, 0 changed\n"


def test_a_project_in_a_subfolder_of_the_repository(
    valid_root: Path, tmp_path: Path
) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    valid_root.rename(repository / "device")
    root = repository / "device"
    (repository / "README.rst").write_text(
        ".. requirement:: Not part of the device\n   :id: REQ-999\n", encoding="utf-8"
    )
    _init(repository)
    first = _commit_all(repository, "Device file")
    _git(repository, "tag", "v1")
    _edit(root / "items.rst", REQ_TEXT, REQ_REWORDED)
    second = _commit_all(repository, "Reword REQ-001", when=T1, author=BOB)
    history = _qms("history", "REQ-001", cwd=root)
    assert history.returncode == 0, history.stderr
    assert [line.split()[1:3] for line in history.stdout.splitlines()[::2]] == [
        [first[:12], "added"],
        [second[:12], "changed"],
    ]
    diff = _qms("diff", "v1", "HEAD", cwd=root)
    assert diff.returncode == 0, diff.stderr
    assert diff.stdout.splitlines()[0] == (
        "changed  REQ-001    Flag results outside the reference range  (items.rst)"
    )
    assert "REQ-999" not in diff.stdout
    assert _qms("history", "REQ-999", cwd=root).returncode == 2


def test_history_of_an_item_in_a_file_with_a_non_ascii_name(valid_root: Path) -> None:
    (valid_root / "items.rst").rename(valid_root / "exigences-é.rst")
    _init(valid_root)
    first = _commit_all(valid_root, "Device file")
    result = _qms("history", "REQ-001", cwd=valid_root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1:3] == [first[:12], "added"]


# -- bad input ------------------------------------------------------------------------


def test_history_outside_a_git_repository_is_a_one_line_error(
    valid_root: Path,
) -> None:
    result = _qms("history", "REQ-001", cwd=valid_root)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("qms: error: ")
    assert result.stderr.endswith(": not a git repository; no history available\n")
    assert result.stderr.count("\n") == 1


def test_unknown_revisions_and_ids(changed: Path) -> None:
    for args, revision in [(("v9",), "v9"), (("v1", "nope"), "nope")]:
        result = _qms("diff", *args, cwd=changed)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"qms: error: unknown revision {revision!r} "
            "(not in this repository's history)\n"
        )
    unknown = _qms("history", "NOPE-001", cwd=changed)
    assert unknown.returncode == 2
    assert "no history for 'NOPE-001'" in unknown.stderr


def test_review_needs_a_selector_that_matches(changed: Path) -> None:
    before = (changed / RECORD).read_bytes()
    nothing = _qms("review", cwd=changed)
    assert nothing.returncode == 2
    assert "name an item, a link SOURCE:LINK:TARGET, or --all" in nothing.stderr
    unknown = _qms("review", "REQ-001", "NOPE-001", cwd=changed)
    assert unknown.returncode == 2
    assert unknown.stderr == (
        "qms: error: 'NOPE-001' matches no link "
        "(use an item id, SOURCE:LINK:TARGET or --all)\n"
    )
    assert (changed / RECORD).read_bytes() == before


def test_a_malformed_record_line_is_exit_2_naming_file_and_line(changed: Path) -> None:
    record = changed / RECORD
    lines = record.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "DO-001 implements REQ-001")
    record.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # qms check reports it as a finding at the line, as the Sphinx build does
    check = _qms("check", cwd=changed)
    assert check.returncode == 1
    assert (
        f"{RECORD}:4: error: not 'SOURCE LINK TARGET FINGERPRINT': "
        "'DO-001 implements REQ-001' [qms.record_invalid]"
    ) in check.stdout.splitlines()
    for command in (("suspect",), ("review", "REQ-001")):
        result = _qms(*command, cwd=changed)
        assert result.returncode == 2, command
        assert result.stderr.startswith("qms: error: "), command
        assert result.stderr.endswith(
            f"{RECORD}:4: not 'SOURCE LINK TARGET FINGERPRINT': "
            "'DO-001 implements REQ-001'\n"
        ), command
        assert result.stderr.count("\n") == 1
    assert record.read_text(encoding="utf-8").splitlines() == lines


def test_suspect_names_the_nearest_dependants_of_a_deep_chain(valid_root: Path) -> None:
    # REQ-1xx refines the next one; never reviewed, so every link is suspect
    chain = "".join(
        f"\n.. requirement:: Chain {n}\n   :id: REQ-{n}\n   :status: draft\n"
        "   :kind: functional\n   :level: software\n"
        + (f"   :refines: REQ-{n + 1}\n" if n < 115 else "")
        for n in range(100, 116)
    )
    items = valid_root / "items.rst"
    items.write_text(items.read_text(encoding="utf-8") + chain, encoding="utf-8")
    (valid_root / "traceability").mkdir(exist_ok=True)
    (valid_root / "traceability" / "reviewed-links.txt").write_text("")
    lines = _qms("suspect", cwd=valid_root).stdout.splitlines()
    deepest = lines.index("REQ-114:refines:REQ-115  never reviewed")
    nearest = ", ".join(f"REQ-{n}" for n in range(104, 114))
    assert lines[deepest + 1] == f"    downstream: {nearest} and more"
