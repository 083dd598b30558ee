"""Garbage collection during a build (qmsdoc.sphinxext.collection): no automatic full
collection while the build runs, qmsdoc's own ones every EVERY documents with what
survives frozen, and the collector given back as it was found."""

from __future__ import annotations

import gc
import io
from typing import TYPE_CHECKING

import pytest
from sphinx.application import Sphinx

from qmsdoc.sphinxext import collection

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def found() -> Iterator[tuple[int, int, int]]:
    """The collector as the test found it, restored afterwards whatever happens."""
    thresholds = gc.get_threshold()
    yield thresholds
    gc.unfreeze()
    gc.set_threshold(*thresholds)


class _Counting:
    """:mod:`gc` as qmsdoc's module sees it, counting the full collections it asks for."""

    def __init__(self) -> None:
        self.collections = 0

    def collect(self, generation: int = 2) -> int:
        self.collections += 1
        return gc.collect(generation)

    def __getattr__(self, name: str) -> object:
        return getattr(gc, name)


def _build(
    root: Path, monkeypatch: pytest.MonkeyPatch, *, on: bool
) -> tuple[dict[str, list[tuple[int, ...]]], int]:
    """Build ``root`` in this process. Returns, per event, the thresholds and the
    frozen-object count seen at each document read and written, and how many full
    collections qmsdoc ran."""
    counting = _Counting()
    monkeypatch.setattr(collection, "gc", counting)
    seen: dict[str, list[tuple[int, ...]]] = {"read": [], "resolved": []}
    app = Sphinx(
        str(root),
        str(root),
        str(root / "_build" / "html"),
        str(root / "_build" / "doctrees"),
        "html",
        status=io.StringIO(),
        warning=io.StringIO(),
        confoverrides={"qms_collection": on},
        freshenv=True,
    )
    app.connect(
        "doctree-read",
        lambda _app, _tree: seen["read"].append(gc.get_threshold()),
        priority=900,
    )
    app.connect(
        "doctree-resolved",
        lambda _app, _tree, _name: seen["resolved"].append(
            (*gc.get_threshold(), gc.get_freeze_count())
        ),
        priority=900,
    )
    app.build()
    return seen, counting.collections


def test_qmsdoc_runs_the_full_collections_and_gives_the_collector_back(
    valid_root: Path, found: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collection, "EVERY", 1)
    gc.set_threshold(600, 9, 9)
    seen, collections = _build(valid_root, monkeypatch, on=True)
    documents = len(seen["read"]) + len(seen["resolved"])
    assert seen["read"] and seen["resolved"]
    assert all(t == (600, 9, collection._NO_AUTOMATIC_FULL) for t in seen["read"])
    assert all(
        t[:3] == (600, 9, collection._NO_AUTOMATIC_FULL) for t in seen["resolved"]
    )
    # after reading, what survived is frozen: the writing phase scans only its own
    assert all(t[3] > 0 for t in seen["resolved"])
    # one after each document, one after reading
    assert collections == documents + 1
    assert gc.get_threshold() == (600, 9, 9)
    assert gc.get_freeze_count() == 0


def test_with_qms_collection_off_the_collector_is_left_alone(
    valid_root: Path, found: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collection, "EVERY", 1)
    gc.set_threshold(600, 9, 9)
    seen, collections = _build(valid_root, monkeypatch, on=False)
    assert seen["read"] and seen["resolved"]
    assert all(t == (600, 9, 9) for t in seen["read"])
    assert all(t == (600, 9, 9, 0) for t in seen["resolved"])
    assert collections == 0
    assert gc.get_threshold() == (600, 9, 9)
