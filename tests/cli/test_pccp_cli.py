"""``qms pccp check OLD NEW`` in a real git repository: a prompt change within the
plan lists the protocol and the evaluations it requires with their records; a change
outside every planned modification, or a result outside the plan's bounds, is a
finding (exit 1); a revision that cannot be read is one line, exit 2."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from aiproject import ITEMS, make_ai_project
from qmsdoc.cli import main
from qmstest import git_as

if TYPE_CHECKING:
    from pathlib import Path

PROSE = ":planned_modifications: Prompt wording; model version within the same family"
PLANNED = (
    ":planned_modifications: Prompt wording and model versions of the same family.\n"
    "      prompt: config_digest may change; accuracy >= {bound}\n"
    "      snapshot: weights_digest, model_version may change;"
    " accuracy >= 0.90 per subgroup"
)


@pytest.fixture(autouse=True)
def _build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _qms(
    capsys: pytest.CaptureFixture[str], root: Path, *args: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main(["--root", str(root), *args])
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _project(tmp_path: Path, bound: str = "0.95") -> Path:
    return make_ai_project(
        tmp_path / "device", items=ITEMS.replace(PROSE, PLANNED.format(bound=bound))
    )


def _edit(root: Path, old: str, new: str, *, commit: bool = True) -> None:
    path = root / "items.rst"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    if commit:
        git_as(root, "commit", "-q", "-am", f"{old} -> {new}", when=1_780_000_100)


def _import(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    code, out, err = _qms(
        capsys, root, "performance", "import", str(root / "data" / "metrics.csv"),
        "--evaluation", "PE-001",
    )  # fmt: skip
    assert code == 0, out + err
    git_as(root, "add", "-A")
    git_as(root, "commit", "-q", "-m", "re-evaluated", when=1_780_000_200)


def test_prompt_change_within_the_plan_lists_its_required_evaluations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _edit(root, "sha256:1111", "sha256:2222")
    code, out, err = _qms(capsys, root, "pccp", "check", "HEAD~1", "HEAD")
    assert (code, err) == (0, ""), out + err
    assert "changed ai_model AIM-001 (items.rst:" in out
    assert "within the plan" in out
    assert "config_digest: 'sha256:1111' -> 'sha256:2222'" in out
    assert "planned modification PCCP-001: prompt: config_digest may change" in out
    assert (
        "protocol of PCCP-001: Re-run PE-001 on DS-002; all criteria must hold" in out
    )
    assert "requires PE-001: no record: no performance record" in out
    assert out.endswith("1 AI changes, 0 findings, 1 required evaluations pending\n")


def test_the_required_evaluation_done_passes_and_its_bound_is_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    base = git_as(root, "rev-parse", "HEAD").strip()
    _edit(root, "sha256:1111", "sha256:2222")
    _import(capsys, root)
    code, out, _ = _qms(capsys, root, "pccp", "check", base, "HEAD")
    assert code == 0, out
    assert "requires PE-001: passed: 4 criteria met" in out
    assert "(traceability/performance/PE-001.json)" in out
    assert "bound accuracy >= 0.95: met: measured 0.97" in out
    assert "0 required evaluations pending" in out


def test_a_record_of_the_earlier_model_is_pending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _import(capsys, root)
    _edit(root, "sha256:1111", "sha256:2222", commit=False)
    code, out, _ = _qms(capsys, root, "pccp", "check", "HEAD")
    assert code == 0, out
    assert "requires PE-001: earlier model: the record measured AIM-001 2026-01" in out
    assert (
        "working tree: 1 AI changes, 0 findings, 1 required evaluations pending" in out
    )


def test_a_result_outside_the_bounds_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, bound="0.99")
    base = git_as(root, "rev-parse", "HEAD").strip()
    _edit(root, "sha256:1111", "sha256:2222")
    _import(capsys, root)
    code, out, _ = _qms(capsys, root, "pccp", "check", base, "HEAD")
    assert code == 1, out
    assert "bound accuracy >= 0.99: NOT MET: measured 0.97" in out
    assert "outside the plan's bounds, a new submission may be needed" in out


def test_a_model_family_change_is_outside_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _edit(root, "sha256:1111", "sha256:2222", commit=False)
    _edit(root, "large language model", "small language model")
    code, out, _ = _qms(capsys, root, "pccp", "check", "HEAD~1", "HEAD")
    assert code == 1, out
    assert "changed ai_model AIM-001 (items.rst:" in out
    assert "OUTSIDE THE PLAN" in out
    assert (
        "finding: model_family changed, outside every planned modification:"
        " a new submission may be needed" in out
    )
    assert "requires PE-001" not in out


def test_a_change_of_the_plan_itself_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _edit(root, "config_digest may change", "config_digest, model_family may change")
    code, out, _ = _qms(capsys, root, "pccp", "check", "HEAD~1", "HEAD")
    assert code == 1, out
    assert "changed pccp PCCP-001" in out
    assert "the change control plan itself is changed" in out


def test_no_change_is_no_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    code, out, _ = _qms(capsys, root, "pccp", "check", "HEAD", "HEAD")
    assert code == 0
    assert (
        out
        == "qms pccp check HEAD..HEAD: 0 AI changes, 0 findings, 0 required evaluations pending\n"
    )


def test_a_bad_revision_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    code, out, err = _qms(capsys, root, "pccp", "check", "no-such-tag", "HEAD")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "unknown revision 'no-such-tag'" in err


def test_an_unreadable_planned_modification_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _edit(root, "accuracy >= 0.95\n", "accuracy about 0.95\n")
    _edit(root, "sha256:1111", "sha256:2222")
    code, out, err = _qms(capsys, root, "pccp", "check", "HEAD~1", "HEAD")
    assert code == 2, out + err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "items.rst:" in lines[0]
    assert "bound 'accuracy about 0.95' of planned modification 'prompt'" in lines[0]
