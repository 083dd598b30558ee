"""An import of several records (the sheets of a protocol workbook) stores all of them
or none: every run id is checked under the folder's lock before any is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.evidence import read_runs
from qmsdoc.evidence.store import add_records, run_document

from ._evidence_support import result, run

if TYPE_CHECKING:
    from pathlib import Path


def _documents(*run_ids: str) -> list[tuple[str, dict[str, object]]]:
    return [(run_id, run_document(run(run_id, result()))) for run_id in run_ids]


def test_all_records_are_stored(tmp_path: Path) -> None:
    stored = add_records(tmp_path, _documents("exec-1", "exec-2"))
    assert [(s.path.name, s.replaced) for s in stored] == [
        ("exec-1.json", None),
        ("exec-2.json", None),
    ]
    assert [r.run_id for r in read_runs(tmp_path)] == ["exec-1", "exec-2"]


def test_an_existing_run_id_anywhere_stores_none(tmp_path: Path) -> None:
    add_records(tmp_path, _documents("exec-2"))
    before = (tmp_path / "exec-2.json").read_bytes()
    with pytest.raises(InputError, match=r"exec-2\.json: run exec-2 is already"):
        add_records(tmp_path, _documents("exec-1", "exec-2", "exec-3"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exec-2.json"]
    assert (tmp_path / "exec-2.json").read_bytes() == before


def test_replace_stores_all_and_says_what_each_replaced(tmp_path: Path) -> None:
    add_records(tmp_path, _documents("exec-2"))
    stored = add_records(tmp_path, _documents("exec-1", "exec-2"), replace=True)
    assert stored[0].replaced is None
    assert stored[1].replaced is not None
    assert stored[1].replaced.endswith(", 1 results")


def test_a_run_id_given_twice_stores_none(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        add_records(tmp_path, _documents("exec-1", "exec-2", "exec-1"))
    assert str(caught.value) == "run id given twice in one import: exec-1"
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []
