"""Metrics files (JSON, CSV): estimates read with their lines; bad input refused in
one line naming the file and line."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from qmsdoc.ai.metrics_file import read_metrics_file
from qmsdoc.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

HEADER = "metric,subgroup,value,ci_low,ci_high,n\n"


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "metrics.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_with_lines_and_the_overall_subgroup(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "metric,value,subgroup,ci_low,ci_high,n,dataset_digest\n"
        "accuracy,0.97,,0.95,0.98,300,sha256:ab\n"
        "\n"
        "accuracy,0.96,sex:female,0.93,0.98,150,sha256:ab\n",
    )
    metrics = read_metrics_file(path)
    assert [(r.line, r.metric, r.subgroup, r.value, r.n) for r in metrics.rows] == [
        (2, "accuracy", "overall", 0.97, 300),
        (4, "accuracy", "sex:female", 0.96, 150),
    ]
    assert metrics.dataset_digest == "sha256:ab"
    assert len(metrics.sha256) == 64


def test_json_rows_have_the_line_of_their_object(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    document = {
        "dataset_digest": "sha256:ab",
        "model_version": "v2",
        "metrics": [
            {"metric": "accuracy", "subgroup": "overall", "value": 0.97,
             "ci_low": 0.95, "ci_high": 0.98, "n": 300},
            {"metric": "accuracy", "subgroup": "sex:male", "value": "0.96",
             "ci_low": 0.93, "ci_high": 0.98, "n": 150},
        ],
    }  # fmt: skip
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    metrics = read_metrics_file(path)
    assert [r.line for r in metrics.rows] == [5, 13]
    assert (metrics.model_version, metrics.model_version_line) == ("v2", 3)
    assert metrics.dataset_digest_line == 2
    listed = tmp_path / "listed.json"
    listed.write_text(json.dumps(document["metrics"]), encoding="utf-8")
    assert [r.line for r in read_metrics_file(listed).rows] == [1, 1]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("accuracy,overall,high,0.9,0.99,10",
         ":2: value of accuracy, subgroup overall is 'high', not a number"),
        ("accuracy,overall,0.97,low,0.99,10",
         ":2: ci_low of accuracy, subgroup overall is 'low', not a number"),
        ("accuracy,overall,0.97,0.98,0.99,10",
         ":2: the interval [0.98, 0.99] of accuracy, subgroup overall does not"
         " contain the estimate 0.97"),
        ("accuracy,overall,0.97,0.9,0.99,0",
         ":2: n of accuracy, subgroup overall is '0', not a positive whole number"),
        ("accuracy,overall,0.97,0.9,0.99,1.5",
         ":2: n of accuracy, subgroup overall is '1.5', not a positive whole number"),
        ("accuracy,overall,nan,0.9,0.99,10",
         ":2: value of accuracy, subgroup overall is 'nan', not a number"),
        (",overall,0.97,0.9,0.99,10", ":2: the metric is empty"),
        ("accuracy,overall,0.97", ":2: 3 cells, the header has 6"),
    ],
)  # fmt: skip
def test_a_bad_csv_row_is_one_line(tmp_path: Path, row: str, problem: str) -> None:
    path = _csv(tmp_path, HEADER + row + "\n")
    with pytest.raises(InputError) as raised:
        read_metrics_file(path)
    assert str(raised.value) == f"{path}{problem}"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("metric,subgroup,value,n\n", ":1: no column ci_low, ci_high"),
        ("", ":1: empty metrics file"),
        (HEADER, ":1: no estimates"),
        (HEADER + "a,overall,0.9,0.8,1,5,\n", ":2: 7 cells, the header has 6"),
    ],
)
def test_a_bad_csv_file_is_one_line(tmp_path: Path, text: str, problem: str) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(InputError) as raised:
        read_metrics_file(path)
    assert str(raised.value) == f"{path}{problem}"


def test_differing_digests_on_two_rows_are_refused(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "metric,subgroup,value,ci_low,ci_high,n,dataset_digest\n"
        "a,overall,0.9,0.8,1,5,sha256:1\na,x,0.9,0.8,1,5,sha256:2\n",
    )
    with pytest.raises(InputError, match=r":3: dataset_digest 'sha256:2' differs"):
        read_metrics_file(path)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"metrics": [{"metric": "a", "subgroup": "x", "value": True, "ci_low": 0,
                       "ci_high": 1, "n": 3}]},
         ":3: value of a, subgroup x is True, not a number"),
        ({"metrics": [{"metric": "a", "value": 0.5, "ci_low": 0, "ci_high": 1}]},
         ":3: no n"),
        ({"metrics": [{"metric": "a", "value": 0.5, "ci_low": 0, "ci_high": 1,
                       "n": 2, "p": 1}]},
         ":3: unknown key 'p'"),
        ({"metrics": [], "extra": 1}, ":3: unknown key 'extra'"),
        ({"metrics": {}}, ":1: 'metrics' must be a list of estimates"),
        ({"metrics": [], "model_version": ""}, ":3: model_version must be a non-empty string"),
        ({"metrics": []}, ":1: no estimates"),
        ({"metrics": [1]}, ":3: an estimate must be a JSON object"),
        ({"metrics": [{"metric": "a", "value": 10**400, "ci_low": 0, "ci_high": 1,
                       "n": 2}]},
         ":3: value of a, subgroup overall is too large"),
    ],
)  # fmt: skip
def test_bad_json_is_one_line(
    tmp_path: Path, document: dict[str, object], problem: str
) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_metrics_file(path)
    assert str(raised.value) == f"{path}{problem}"


def test_other_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(InputError, match=r"m.xlsx: not a metrics file"):
        read_metrics_file(path)
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(InputError):
        read_metrics_file(tmp_path / "folder.csv")
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  nope", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.json:2:3: not valid JSON"):
        read_metrics_file(bad)
