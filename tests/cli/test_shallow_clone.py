"""Truncated or rewritten history is never silent (issue 15 item 7), on real clones.

A copy of ``test-valid`` gets three commits that change REQ-001, then is cloned
twice over ``file://`` (so that ``--depth`` is honoured): in full and with
``--depth 1``. In the full clone ``qms history``, ``qms approvals`` and ``qms diff``
answer; in the shallow one each stops with the one line saying the history is
incomplete and how to fetch it, exit 2, and never names the boundary commit as a
change. A Sphinx build of the shallow clone warns ``qms.history_incomplete`` at the
version history and change log directives and says "history incomplete" in place of
their tables. A release tag left behind by ``git reset --hard`` is reported in the
version history page and in the dossier's consistency condition.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from typing import TYPE_CHECKING

from qmstest import REPOSITORY, add_pages, copy_root, run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

T0 = 1_700_000_000
RELEASES = """Releases
========

.. qms-version-history::

Changes
=======

.. qms-changelog::
"""
SHALLOW = "history incomplete: shallow clone (history cut at "
REWRITTEN = "release tag v1.0 is not an ancestor of HEAD: history rewritten?"


def _git(root: Path, *args: str, when: int = T0) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }
    completed = subprocess.run(
        ["git", "-c", "user.name=Alice Author", "-c", "user.email=alice@example.com",
         "-c", "commit.gpgsign=false", *args],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return completed.stdout.strip()


def _reword(root: Path, old: str, new: str, when: int) -> str:
    items = root / "items.rst"
    text = items.read_text(encoding="utf-8")
    assert old in text
    items.write_text(text.replace(old, new), encoding="utf-8")
    _git(root, "commit", "-q", "-am", f"REQ-001: {new}", when=when)
    return _git(root, "rev-parse", "HEAD")


def _project(tmp_path: Path) -> tuple[Path, list[str]]:
    """test-valid with a release page, in git: the first commit, REQ-001 reworded
    twice, and the tag ``v0.1`` on the first commit."""
    root = add_pages(copy_root("test-valid", tmp_path / "repo"), {"releases": RELEASES})
    (root / ".gitignore").write_text("_build/\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Device file", when=T0)
    shas = [_git(root, "rev-parse", "HEAD")]
    _git(root, "tag", "v0.1")
    words = (
        "shall flag a result",
        "shall highlight a result",
        "shall flag each result",
    )
    for step, (old, new) in enumerate(itertools.pairwise(words)):
        shas.append(_reword(root, old, new, T0 + (step + 1) * 3600))
    return root, shas


def _clone(tmp_path: Path, source: Path, name: str, *options: str) -> Path:
    _git(tmp_path, "clone", "-q", *options, f"file://{source}", name)
    return tmp_path / name


def test_full_clone_answers_and_shallow_clone_refuses_in_one_line(
    tmp_path: Path,
) -> None:
    root, shas = _project(tmp_path)
    full = _clone(tmp_path, root, "full")
    shallow = _clone(tmp_path, root, "shallow", "--depth", "1")
    assert _git(shallow, "rev-parse", "--is-shallow-repository") == "true"
    commands = (("history", "REQ-001"), ("approvals",), ("diff", "HEAD~1"))

    answers = {}
    for command in commands:
        result = run_qms(full, *command)
        assert result.returncode == 0, (command, result.stderr)
        answers[command] = result.stdout
    history = answers["history", "REQ-001"]
    assert [line.split()[1] for line in history.splitlines() if "Alice" in line] == [
        sha[:12] for sha in shas
    ]
    assert "REQ-001" in answers["approvals",]
    assert "changed  REQ-001" in answers["diff", "HEAD~1"]

    for command in commands:
        result = run_qms(shallow, *command)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (command, result.stderr)
        assert SHALLOW + shas[-1][:12] in lines[0]
        assert "`git fetch --unshallow`" in lines[0]
        assert "`fetch-depth: 0`" in lines[0]
        assert "`GIT_DEPTH: 0`" in lines[0]
        # never the boundary commit as the item's last change or origin
        assert shas[-1][:12] not in result.stdout

    # what the line advises gives the full clone's answers
    _git(shallow, "fetch", "-q", "--unshallow")
    for command in commands:
        result = run_qms(shallow, *command)
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout == answers[command]


def test_sphinx_build_of_a_shallow_clone_warns_and_says_history_incomplete(
    tmp_path: Path,
) -> None:
    root, shas = _project(tmp_path)
    shallow = _clone(tmp_path, root, "shallow", "--depth", "1")
    run = sphinx_build(shallow)
    assert run.returncode == 0, run.stderr
    incomplete = [w for w in run.warnings if "[qms.history_incomplete]" in w]
    # the version history and the change log on their page, the item histories
    # once on the items page
    assert sum("releases.rst:4:" in w for w in incomplete) == 1, run.warnings
    assert sum("releases.rst:9:" in w for w in incomplete) == 1, run.warnings
    assert sum("items.rst" in w for w in incomplete) == 1, run.warnings
    assert len(incomplete) == 3, run.warnings
    assert all(SHALLOW + shas[-1][:12] in w for w in incomplete)
    page = (shallow / "_build" / "html" / "releases.html").read_text(encoding="utf-8")
    assert page.count("History incomplete: shallow clone") == 2
    assert "qms-version-history" not in page
    assert "qms-changelog" not in page
    items = (shallow / "_build" / "html" / "items.html").read_text(encoding="utf-8")
    assert "History: </strong>history incomplete: shallow clone" in items
    assert "Alice Author (" not in items  # no change attributed to the boundary


def test_a_release_tag_moved_off_the_history_is_reported(tmp_path: Path) -> None:
    root, shas = _project(tmp_path)
    _git(root, "tag", "v1.0", shas[-1])
    _git(root, "reset", "-q", "--hard", "HEAD~1")
    _reword(
        root,
        "shall highlight a result",
        "shall flag every single result",
        T0 + 9 * 3600,
    )

    run = sphinx_build(root)
    assert run.returncode == 0, run.stderr
    rewritten = [w for w in run.warnings if "[qms.history_rewritten]" in w]
    assert len(rewritten) == 2, run.warnings  # version history and change log
    assert all(REWRITTEN in w and "releases.rst" in w for w in rewritten)
    assert not [w for w in run.warnings if "history_incomplete" in w]
    page = (root / "_build" / "html" / "releases.html").read_text(encoding="utf-8")
    assert page.count(REWRITTEN) == 2
    assert "1 released versions" in page  # v0.1, still in the history

    result = run_qms(root, "dossier", "--pathway", "eu-mdr")
    assert result.returncode == 1, result.stderr
    assert f"{'':24}{REWRITTEN}\n" in result.stdout
    assert _consistency(root).count(REWRITTEN) == 1
    # (test-valid states no classification: the other consistency problems)
    others = [line for line in _consistency(root) if line != REWRITTEN]

    # the same tag back on the history: nothing reported
    _git(root, "tag", "-f", "v1.0", "HEAD")
    again = run_qms(root, "dossier", "--pathway", "eu-mdr")
    assert again.returncode == 1, again.stderr
    assert REWRITTEN not in again.stdout
    assert _consistency(root) == others


def _consistency(root: Path) -> list[str]:
    report = json.loads(
        (root / "_build" / "dossier" / "eu-mdr" / "dossier-report.json").read_text()
    )
    (condition,) = [c for c in report["conditions"] if c["condition"] == "consistency"]
    failures: list[str] = condition["failures"]
    return failures


def test_a_shallow_clone_of_serenya_refuses_history_and_approvals(
    tmp_path: Path,
) -> None:
    """The reference device file itself, cloned as a CI checkout does (depth 1)."""
    clone = tmp_path / "serenya"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{REPOSITORY}", str(clone)],
        check=True,
        capture_output=True,
    )
    boundary = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    for command in (("history", "REQ-001"), ("approvals",), ("approvals", "verify")):
        result = run_qms(clone, *command)
        assert result.returncode == 2, (command, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert SHALLOW in lines[0]
        assert "git fetch --unshallow" in lines[0]
        assert boundary[:12] not in result.stdout
