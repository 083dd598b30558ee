"""qmsdoc.ai.charts: the performance table judged now, and a deterministic SVG chart
per metric with the criteria as lines and the record's text escaped."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from aiproject import make_ai_project
from qmsdoc.ai.charts import chart_svg, performance_view
from qmsdoc.ai.criteria import parse_criteria
from qmsdoc.ai.records import Metric, ModelRef, PerformanceRecord
from qmsdoc.device_file import read_items
from qmsdoc.project import load_project

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.model import Item
    from qmsdoc.profile.ai import AiConfig


def _metric(subgroup: str, value: float, metric: str = "accuracy") -> Metric:
    return Metric(
        metric=metric, subgroup=subgroup, value=value,
        ci_low=value - 0.02, ci_high=min(1.0, value + 0.01), n=100,
    )  # fmt: skip


def _record(*metrics: Metric) -> PerformanceRecord:
    return PerformanceRecord(
        evaluation="PE-001",
        model=ModelRef(item_id="AIM-001", version="2026-01", weights_digest="w",
                       config_digest="c"),
        dataset="DS-002", dataset_digest="", source="metrics.csv",
        source_sha256="0" * 64, metrics=metrics, record_path="traceability/performance/PE-001.json",
    )  # fmt: skip


@pytest.fixture
def evaluation(tmp_path: Path) -> tuple[Item, AiConfig]:
    root = make_ai_project(tmp_path / "device", commit=False)
    project = load_project(root)
    assert project.profile.ai is not None
    item = next(item for item in read_items(project) if item.id == "PE-001")
    return item, project.profile.ai


def test_two_renders_give_identical_bytes_with_no_date() -> None:
    criteria, _ = parse_criteria("accuracy >= 0.95; accuracy >= 0.9 per subgroup")
    rows = [_metric("overall", 0.97), _metric("sex:female", 0.96)]
    first = chart_svg("PE-001", "accuracy", rows, criteria)
    assert first.encode() == chart_svg("PE-001", "accuracy", rows, criteria).encode()
    assert "<dc:date>" not in first
    assert "Matplotlib v" not in first
    # text kept as text, the criteria in the legend
    assert ">accuracy &gt;= 0.95<" in first
    assert ">accuracy &gt;= 0.9 per subgroup<" in first
    # every id the chart's own, every reference to one of them
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert ids
    assert all(name.startswith("qms-chart-PE-001-accuracy-") for name in ids)
    assert set(re.findall(r"url\(#([^)]+)\)", first)) <= set(ids)
    other = chart_svg("PE-002", "accuracy", rows, criteria)
    assert not set(ids) & set(re.findall(r'\bid="([^"]+)"', other))


def test_untrusted_text_is_escaped_and_never_mathematics() -> None:
    rows = [_metric("overall", 0.9), _metric("<b>$x^2$</b>&", 0.8)]
    svg = chart_svg("PE-001", "accuracy", rows, [])
    assert "&lt;b&gt;$x^2$&lt;/b&gt;&amp;" in svg
    assert "<b>" not in svg


def test_the_table_judges_the_record_now(evaluation: tuple[Item, AiConfig]) -> None:
    item, config = evaluation
    view = performance_view(
        item,
        _record(_metric("sex:male", 0.98), _metric("overall", 0.97),
                _metric("sex:female", 0.89)),
        config,
    )  # fmt: skip
    assert view.status == "not met"
    assert view.note == (
        "PE-001: not met: AIM-001 2026-01 on DS-002"
        " (traceability/performance/PE-001.json)."
    )
    table = [
        (r.subgroup, r.n, r.estimate, r.interval, r.criteria, r.status)
        for r in view.rows
    ]
    assert table == [
        ("overall", "100", "0.97", "0.95 to 0.98", "accuracy >= 0.95", "met"),
        ("sex:female", "100", "0.89", "0.87 to 0.9", "accuracy[sex:female] >= 0.9", "not met"),
        ("sex:male", "100", "0.98", "0.96 to 0.99", "accuracy[sex:male] >= 0.9", "met"),
        ("gap", "", "", "", "accuracy gap <= 0.05", "not met"),
    ]  # fmt: skip
    ((metric, svg),) = view.charts
    assert metric == "accuracy"
    assert svg.count(">sex:female<") == 1


def test_a_missing_subgroup_is_no_result(evaluation: tuple[Item, AiConfig]) -> None:
    item, config = evaluation
    view = performance_view(
        item, _record(_metric("overall", 0.97), _metric("sex:female", 0.96)), config
    )
    assert view.status == "no result"
    assert [(row.subgroup, row.estimate, row.status) for row in view.rows] == [
        ("overall", "0.97", "met"),
        ("sex:female", "0.96", "met"),
        ("sex:male", "no result", "no result"),
        ("gap", "", "no result"),
    ]


def test_no_record_is_said_plainly(evaluation: tuple[Item, AiConfig]) -> None:
    item, config = evaluation
    view = performance_view(item, None, config)
    assert (view.status, view.rows, view.charts) == ("no record", (), ())
    assert view.note.startswith("PE-001: no record:")
