"""``qms performance import``: a metrics file becomes the performance record of an
evaluation; the evaluation is passed only when every criterion holds; bad input is
one line, exit 2, nothing stored."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from aiproject import METRICS_CSV, digest, make_ai_project, manifest
from qmsdoc.ai.datasets import content_digest
from qmsdoc.cli import main

if TYPE_CHECKING:
    from pathlib import Path

RECORD = "traceability/performance/PE-001.json"


@pytest.fixture(autouse=True)
def _build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


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


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_ai_project(tmp_path / "device")


def _import(
    capsys: pytest.CaptureFixture[str], root: Path, name: str = "metrics.csv"
) -> tuple[int, str, str]:
    return _qms(
        capsys, root, "performance", "import", str(root / "data" / name),
        "--evaluation", "PE-001",
    )  # fmt: skip


def _line(root: Path, item_id: str) -> int:
    """The line of the directive of ``item_id`` in items.rst."""
    lines = (root / "items.rst").read_text(encoding="utf-8").splitlines()
    return lines.index(f"   :id: {item_id}")


def _ai_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "[qms.ai_" in line]


def test_import_gives_a_passed_evaluation(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    code, out, err = _import(capsys, root)
    assert (code, err) == (0, "")
    assert out == (
        "qms performance: PE-001: 3 estimates of AIM-001 2026-01 on DS-002;"
        f" 4 of 4 criteria met: passed -> {RECORD}\n"
    )
    record = json.loads((root / RECORD).read_text(encoding="utf-8"))
    assert record["format"] == "qmsdoc-performance/1"
    assert record["model"] == {
        "id": "AIM-001", "version": "2026-01",
        "weights_digest": "snapshot-2026-01-15", "config_digest": "sha256:1111",
    }  # fmt: skip
    assert record["dataset"]["id"] == "DS-002"
    assert record["dataset"]["digest"].startswith("sha256:")
    code, out, _ = _qms(capsys, root, "evidence", "status", "PE-001", "REQ-001")
    assert code == 0
    assert out.splitlines()[0].split()[:2] == ["REQ-001", "passed"]
    assert "PE-001     passed" in out
    code, out, _ = _qms(capsys, root, "check", "--strict")
    assert _ai_lines(out) == []


def test_json_import_gives_the_same_record_but_its_source(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    assert _import(capsys, root, "metrics.json")[0] == 0
    from_json = json.loads((root / RECORD).read_text(encoding="utf-8"))
    assert _import(capsys, root)[0] == 0
    from_csv = json.loads((root / RECORD).read_text(encoding="utf-8"))
    assert from_json["source"]["file"] == "metrics.json"
    del from_json["source"], from_csv["source"]
    assert from_json == from_csv


def test_the_same_input_gives_the_same_bytes(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    assert _import(capsys, root)[0] == 0
    first = (root / RECORD).read_bytes()
    (root / RECORD).unlink()
    assert _import(capsys, root)[0] == 0
    assert (root / RECORD).read_bytes() == first


def test_a_subgroup_below_its_floor_fails_and_the_gate_names_it(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    lowered = METRICS_CSV.replace(
        "accuracy,sex:female,0.96,0.93,0.98,150",
        "accuracy,sex:female,0.88,0.85,0.91,150",
    )
    (root / "data" / "metrics.csv").write_text(lowered, encoding="utf-8")
    code, out, _ = _import(capsys, root)
    assert code == 0
    assert out.splitlines() == [
        "qms performance: PE-001: 3 estimates of AIM-001 2026-01 on DS-002;"
        f" 2 of 4 criteria met: FAILED -> {RECORD}",
        "  not met: accuracy[sex:female] >= 0.9: measured 0.88",
        "  not met: accuracy gap <= 0.05: gap 0.1 between sex:male (0.98) and"
        " sex:female (0.88)",
    ]
    code, out, _ = _qms(capsys, root, "evidence", "status", "PE-001")
    assert "PE-001     FAILED" in out
    code, out, _ = _qms(capsys, root, "check", "--strict")
    assert code == 1
    assert (
        f"items.rst:{_line(root, 'PE-001')}: error: PE-001: accuracy[sex:female] >= 0.9 not met: measured"
        f" 0.88 ({RECORD}) [qms.ai_criterion_not_met]"
    ) in out.splitlines()
    failed = [line for line in out.splitlines() if "[qms.evidence_failed]" in line]
    assert failed
    assert "PE-001::accuracy[sex:female] >= 0.9" in failed[0]


def test_a_tuning_record_copied_into_the_test_set_is_a_finding(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    (root / "data" / "test.sha256").write_text(
        manifest("test-1", "test-2") + f"{digest('tune-1')}  test-3.json\n",
        encoding="utf-8",
    )
    code, out, _ = _qms(capsys, root, "check")
    assert code == 1
    assert _ai_lines(out) == [
        f"items.rst:{_line(root, 'DS-002')}: error: DS-002 (test) shares 1 record(s) with DS-001 (tuning):"
        f" test-3.json (data/test.sha256:3, sha256 {digest('tune-1')[:12]}...)"
        " [qms.ai_dataset_overlap]"
    ]


def _write(root: Path, name: str, text: str) -> Path:
    path = root / "data" / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "metric,subgroup,value,ci_low,ci_high,n\n"
OVERALL = "accuracy,overall,0.97,0.95,0.98,300\n"
FEMALE = "accuracy,sex:female,0.96,0.93,0.98,150\n"
MALE = "accuracy,sex:male,0.98,0.95,0.99,150\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (HEADER + OVERALL + FEMALE,
         "bad.csv:3: no row for accuracy, subgroup 'sex:male' named by the plan of PE-001"),
        (HEADER + FEMALE + MALE, "bad.csv:3: no row for accuracy, the overall estimate"),
        (HEADER + OVERALL + "accuracy,sex:female,high,0.9,0.99,150\n" + MALE,
         "bad.csv:3: value of accuracy, subgroup sex:female is 'high', not a number"),
        (HEADER + OVERALL + "accuracy,sex:female,0.96,0.97,0.99,150\n" + MALE,
         "bad.csv:3: the interval [0.97, 0.99] of accuracy, subgroup sex:female does"
         " not contain the estimate 0.96"),
        (HEADER + OVERALL + FEMALE + MALE + "auc,overall,0.9,0.8,0.95,300\n",
         "bad.csv:5: metric 'auc' is not among the acceptance criteria of PE-001"
         " (accuracy)"),
        (HEADER + OVERALL + FEMALE + FEMALE + MALE,
         "bad.csv:4: accuracy, subgroup sex:female is given twice (also line 3)"),
        ("metric,subgroup,value,ci_low,ci_high,n,dataset_digest\n"
         "accuracy,overall,0.97,0.95,0.98,300,sha256:feed\n",
         "bad.csv:2: dataset digest sha256:feed matches no dataset"),
        ("metric,subgroup,value,ci_low,ci_high,n,model_version\n"
         "accuracy,overall,0.97,0.95,0.98,300,2025-10\n",
         "bad.csv:2: model_version '2025-10' is not the version PE-001 evaluates"
         " (model_version '2026-01')"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_2_and_nothing_stored(
    capsys: pytest.CaptureFixture[str], root: Path, text: str, problem: str
) -> None:
    path = _write(root, "bad.csv", text)
    code, out, err = _qms(
        capsys, root, "performance", "import", str(path), "--evaluation", "PE-001"
    )
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"qms: error: {root / 'data'}/{problem}"]
    assert not (root / RECORD).exists()


def test_the_digest_of_another_dataset_is_refused(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    tuning = content_digest(digest(name) for name in ("tune-1", "tune-2", "tune-3"))
    path = _write(root, "other.json", json.dumps({
        "dataset_digest": tuning,
        "metrics": [{"metric": "accuracy", "subgroup": "overall", "value": 0.97,
                     "ci_low": 0.95, "ci_high": 0.98, "n": 300}],
    }, indent=1))  # fmt: skip
    code, _, err = _qms(
        capsys, root, "performance", "import", str(path), "--evaluation", "PE-001"
    )
    assert code == 2
    assert err.startswith(f"qms: error: {path}:2: dataset digest {tuning} is DS-001's,")
    assert not (root / RECORD).exists()


@pytest.mark.parametrize(
    ("evaluation", "problem"),
    [("PE-009", "PE-009: no performance_evaluation item with this id"),
     ("DS-001", "DS-001: no performance_evaluation item with this id")],
)  # fmt: skip
def test_an_unknown_evaluation_is_refused(
    capsys: pytest.CaptureFixture[str], root: Path, evaluation: str, problem: str
) -> None:
    code, _, err = _qms(
        capsys, root, "performance", "import", str(root / "data" / "metrics.csv"),
        "--evaluation", evaluation,
    )  # fmt: skip
    assert (code, err) == (2, f"qms: error: {problem}\n")


def test_a_missing_or_special_file_is_refused(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    code, _, err = _qms(
        capsys, root, "performance", "import", str(root / "none.csv"),
        "--evaluation", "PE-001",
    )  # fmt: skip
    assert code == 2
    assert err.startswith("qms: error: ")
    assert len(err.splitlines()) == 1
    assert not (root / RECORD).exists()


def test_a_profile_without_ai_cannot_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / "qms.toml").write_text(
        '[profile]\nname = "x"\nversion = "1"\n[fields.status]\nkind = "text"\n'
        '[links.refines]\nincoming = "refined by"\n'
        '[types.note]\ntitle = "Note"\nprefix = "N-"\n',
        encoding="utf-8",
    )
    path = _write_plain(root)
    code, _, err = _qms(
        capsys, root, "performance", "import", str(path), "--evaluation", "PE-001"
    )
    assert (code, err) == (
        2,
        "qms: error: the profile has no [ai] table; nothing to import into\n",
    )


def _write_plain(root: Path) -> Path:
    path = root / "m.csv"
    path.write_text(HEADER + OVERALL, encoding="utf-8")
    return path
