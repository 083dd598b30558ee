"""Items written in Markdown have a history like rST items: git reads ``.md`` too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmstest import copy_root, git_as, run_qms

if TYPE_CHECKING:
    from pathlib import Path


def test_a_markdown_item_has_its_changes(tmp_path: Path) -> None:
    root = copy_root("test-myst", tmp_path / "myst")
    git_as(root, "init", "-q", "-b", "main")
    git_as(root, "add", ".")
    git_as(root, "commit", "-q", "-m", "Markdown device file")
    page = root / "needs.md"
    text = page.read_text(encoding="utf-8")
    assert "```{requirement} Show the reference range" in text
    page.write_text(
        text.replace("Show the reference range", "Show the reference range beside"),
        encoding="utf-8",
    )
    git_as(root, "commit", "-q", "-am", "Say where the range is shown")
    history = run_qms(root, "history", "REQ-002")
    assert history.returncode == 0, history.stderr
    kinds = [line.split()[2] for line in history.stdout.splitlines() if line[:1] != " "]
    assert kinds == ["added", "changed"], history.stdout
    assert "Say where the range is shown  (needs.md)" in history.stdout
    # the rST item nested in the same project keeps its history as before
    nested = run_qms(root, "history", "REQ-010")
    assert "added" in nested.stdout
