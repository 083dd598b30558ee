"""Reviewed baselines resolved in a real git repository, and the build date."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from qmsdoc.design_review import read_review_facts, resolve_baseline
from qmsdoc.vcs import GitHistory

from .._rst import default_profile, items_from

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z


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


@pytest.fixture
def repository(tmp_path: Path) -> dict[str, str]:
    """main: first -> second (tag v1); branch side: other (not merged)."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "Test User")
    _git(root, "config", "user.email", "test@example.invalid")
    _git(root, "config", "commit.gpgsign", "false")
    shas = {}
    for name, when in (("first", T0), ("second", T0 + 86_400)):
        (root / "items.rst").write_text(f"{name}\n", encoding="utf-8")
        _git(root, "add", "items.rst")
        _git(root, "commit", "-q", "-m", name, when=when)
        shas[name] = _git(root, "rev-parse", "HEAD")
    _git(root, "tag", "-a", "v1", "-m", "release 1")
    _git(root, "checkout", "-q", "-b", "side")
    (root / "other.rst").write_text("other\n", encoding="utf-8")
    _git(root, "add", "other.rst")
    _git(root, "commit", "-q", "-m", "other", when=T0 + 2 * 86_400)
    shas["other"] = _git(root, "rev-parse", "HEAD")
    _git(root, "checkout", "-q", "main")
    shas["root"] = str(root)
    return shas


def _root(repository: dict[str, str]) -> Path:
    return Path(repository["root"])


def test_tags_and_shas_resolve_and_branches_do_not(
    repository: dict[str, str],
) -> None:
    history = GitHistory(_root(repository))
    tag = resolve_baseline("v1", history)
    assert (tag.kind, tag.commit, tag.in_history) == ("tag", repository["second"], True)
    full = resolve_baseline(repository["first"], history)
    assert (full.kind, full.commit, full.in_history) == (
        "commit",
        repository["first"],
        True,
    )
    short = resolve_baseline(repository["first"][:9].upper(), history)
    assert short.commit == repository["first"]
    other = resolve_baseline(repository["other"], history)
    assert (other.kind, other.in_history) == ("commit", False)
    for moving in ("side", "main", "HEAD~1", "deadbeef00"):
        fact = resolve_baseline(moving, history)
        assert (fact.commit, fact.kind, fact.in_history) == (None, None, None), moving


def test_the_facts_take_the_build_date_from_source_date_epoch(
    repository: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    items = items_from(
        ".. design_review:: Review\n   :id: DR-001\n   :baseline: v1\n\n"
        ".. design_review:: Review\n   :id: DR-002\n   :baseline: main\n"
    )
    config = default_profile().design_review
    assert config is not None
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    facts = read_review_facts(_root(repository), items, config)
    assert facts is not None
    assert facts.today.isoformat() == "2026-01-02"  # HEAD's commit time
    assert [(f.revision, f.kind) for f in facts.baselines or ()] == [
        ("main", None),
        ("v1", "tag"),
    ]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0 + 40 * 86_400))
    later = read_review_facts(_root(repository), items, config)
    assert later is not None
    assert later.today.isoformat() == "2026-02-10"
    assert read_review_facts(_root(repository), items_from(""), config) is None


def test_a_shallow_clone_resolves_nothing_and_says_why(
    repository: dict[str, str], tmp_path: Path
) -> None:
    clone = tmp_path / "shallow"
    _git(
        tmp_path, "clone", "-q", "--depth", "1", f"file://{_root(repository)}",
        str(clone),
    )  # fmt: skip
    items = items_from(".. design_review:: Review\n   :id: DR-001\n   :baseline: v1\n")
    config = default_profile().design_review
    assert config is not None
    facts = read_review_facts(clone, items, config)
    assert facts is not None
    assert facts.baselines is None
    assert facts.history_note is not None
    assert facts.history_note.startswith("history incomplete: shallow clone")


def test_outside_git_only_the_date_is_known(tmp_path: Path) -> None:
    items = items_from(".. review_action:: Do it\n   :id: DRA-001\n")
    config = default_profile().design_review
    assert config is not None
    facts = read_review_facts(tmp_path, items, config)
    assert facts is not None
    assert (facts.baselines, facts.history_note) == (None, None)
