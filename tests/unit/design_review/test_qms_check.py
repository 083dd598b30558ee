"""``qms check`` and a Sphinx build of a real git repository: design-review findings
at file:line, the build date from SOURCE_DATE_EPOCH, baselines resolved in git."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from qmstest import copy_root, run_qms, sphinx_build

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
DAY = 86_400
REVIEWS = """\
Design reviews
==============

.. design_review:: Review of release 1
   :id: DR-001
   :status: approved
   :baseline: v1
   :review_date: 2026-01-10
   :participants: alice (design owner); bob (quality, independent)
   :outcome: approved_with_actions
   :reviews: REQ-001

.. design_review:: Review of a branch
   :id: DR-002
   :status: approved
   :baseline: feature
   :review_date: 2026-01-11
   :participants: alice (design owner, quality)
   :outcome: approved

.. review_action:: Re-run the timing test on the target phone
   :id: DRA-001
   :status: approved
   :owner: alice
   :due: 2026-01-20
   :action_state: open
   :raised_in: DR-001
"""


def _git(root: Path, *args: str, when: int = T0) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }
    completed = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return completed.stdout.strip()


def _project(tmp_path: Path) -> Path:
    root = copy_root("test-valid", tmp_path / "valid")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "Test User")
    _git(root, "config", "user.email", "test@example.invalid")
    _git(root, "config", "commit.gpgsign", "false")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "device file")
    _git(root, "tag", "v1")
    (root / "reviews.rst").write_text(REVIEWS, encoding="utf-8")
    index = root / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "   items\n", "   items\n   reviews\n"
        ),
        encoding="utf-8",
    )
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "design reviews", when=T0 + 10 * DAY)
    return root


def _design_review_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "[qms.design_review_" in line]


def test_qms_check_reports_design_reviews_at_their_lines(tmp_path: Path) -> None:
    root = _project(tmp_path)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(T0 + 25 * DAY)}  # 2026-01-26
    result = run_qms(root, "check", env=env)
    assert _design_review_lines(result.stdout) == [
        "reviews.rst:13: error: DR-002: baseline 'feature' is neither a commit nor a "
        "tag of this repository (give the full SHA or the tag reviewed) "
        "[qms.design_review_baseline_unknown]",
        "reviews.rst:13: error: DR-002: no participant has the role 'independent' "
        "(independent of the design stage reviewed; ISO 13485 7.3.5 via 21 CFR "
        "820.10) [qms.design_review_not_independent]",
        "reviews.rst:21: warning (advisory): DRA-001: review action open (owner "
        "alice, due 2026-01-20), raised in DR-001 [qms.design_review_action_open]",
        "reviews.rst:21: warning: DRA-001: review action due 2026-01-20 is still open "
        "on 2026-01-26 (owner alice, due 2026-01-20) "
        "[qms.design_review_action_overdue]",
    ], result.stdout
    assert result.returncode == 1
    # before the due date (the default build date is HEAD's commit time) no overdue
    earlier = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    on_time = run_qms(root, "check", env=earlier)
    assert not any(
        "design_review_action_overdue" in line
        for line in _design_review_lines(on_time.stdout)
    )


def test_the_sphinx_build_warns_as_qms_check_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0 + 25 * DAY))
    run = sphinx_build(root)
    warnings = [line for line in run.warnings if "[qms.design_review_" in line]
    assert [line.split("reviews.rst:", 1)[1] for line in warnings] == [
        "13: WARNING: DR-002: baseline 'feature' is neither a commit nor a tag of "
        "this repository (give the full SHA or the tag reviewed) "
        "[qms.design_review_baseline_unknown]",
        "13: WARNING: DR-002: no participant has the role 'independent' "
        "(independent of the design stage reviewed; ISO 13485 7.3.5 via 21 CFR "
        "820.10) [qms.design_review_not_independent]",
        "21: WARNING: DRA-001: review action due 2026-01-20 is still open on "
        "2026-01-26 (owner alice, due 2026-01-20) [qms.design_review_action_overdue]",
    ], run.warnings
