"""Property-based fuzzing of the AI readers (issue 19): metrics files (CSV, JSON),
dataset record manifests and acceptance criteria get mutated inputs and return or
fail with one line, never crash (the budget of ``tests/fuzz/test_fuzz_inputs.py``)."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiproject import CRITERIA, METRICS_CSV, METRICS_JSON, manifest
from qmsdoc.ai.criteria import judge, parse_criteria
from qmsdoc.ai.datasets import read_manifest
from qmsdoc.ai.metrics_file import read_metrics_file
from qmsdoc.errors import QmsError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import pytest

EXAMPLES = int(os.environ.get("QMS_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("QMS_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HOSTILE = (
    b"1" * 5000,
    b"[" * 3000,
    b"{" * 3000,
    b"\x00\x00\xff\xfe",
    b"\x1b[31m",
    b'"' * 100,
    b"1e999",
    b"9" * 400,
    b"," * 500,
    b'"n": ' + b"9" * 400,
    b'"value": ' + b"9" * 400,
)
SEEDS = {
    "metrics.csv": METRICS_CSV.encode(),
    "metrics.json": json.dumps(METRICS_JSON, indent=2).encode(),
    "data.sha256": manifest("a", "b", "c").encode(),
}


def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    size = len(seed)
    position = st.integers(min_value=0, max_value=size)
    flipped = st.tuples(position, st.binary(min_size=1, max_size=8)).map(
        lambda pair: seed[: pair[0]] + pair[1] + seed[pair[0] + len(pair[1]) :]
    )
    cut = position.map(lambda at: seed[:at])
    spliced = st.tuples(position, st.sampled_from(HOSTILE)).map(
        lambda pair: seed[: pair[0]] + pair[1] + seed[pair[0] :]
    )
    return st.one_of(flipped, cut, spliced, st.binary(max_size=256))


def _only_input_errors(read: Callable[[], object]) -> None:
    try:
        read()
    except QmsError as error:
        message = str(error)
        assert "\n" not in message, message
        assert len(message) < 2000, message[:200]


@FUZZ
@given(data=st.data())
def test_metrics_and_manifest_readers(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(sorted(SEEDS)))
    mutated = data.draw(_mutations(SEEDS[name]))
    folder: Path = tmp_path_factory.mktemp("ai")
    (folder / name).write_bytes(mutated)
    if name == "data.sha256":
        _only_input_errors(lambda: read_manifest(folder, name))
    else:
        _only_input_errors(lambda: read_metrics_file(folder / name))


@FUZZ
@given(data=st.data())
def test_criteria_are_parsed_and_judged_without_a_crash(data: st.DataObject) -> None:
    seed = CRITERIA.encode()
    text = data.draw(_mutations(seed)).decode("utf-8", errors="replace")
    criteria, _ = parse_criteria(text)
    values = {(c.metric, "overall"): 0.5 for c in criteria}
    judge(criteria, values, ("a", "b"))
