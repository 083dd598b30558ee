"""Garbage collection during a build: full collections when garbage has piled up,
not whenever the heap has grown by a quarter.

A Sphinx build makes its garbage in cycles (every docutils node points to its
parent), so it is freed by the cyclic collector, not by reference counting. Left to
itself, CPython runs a full collection whenever the objects that survived since the
last one reach a quarter of the heap; on the N = 5,000 corpus of ``bench/`` that is
14 full collections, each scanning every object of the environment, about a quarter
of a clean build (``bench/README.md`` gives the measured figures).

With ``qms_collection`` on (the default) the build instead:

* turns off automatic full collections at ``builder-inited`` (the young generations
  are collected as usual);
* collects fully after every :data:`EVERY` documents read or written, so the doctrees
  dropped meanwhile are freed and memory stays bounded;
* after reading (``env-updated``) collects once and freezes what survives (the
  environment, which lives to the end of the build), so later collections scan only
  what the writing phase makes;
* at ``build-finished`` unfreezes and restores the thresholds it found, so a process
  that runs several builds (tests, ``sphinx-autobuild``) gets its collector back as
  it was.

Nothing here reads Sphinx, docutils or sphinx-needs internals: the events are
Sphinx's public ones and the settings are those of :mod:`gc`.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

__all__ = ["EVERY", "setup_collection"]

#: documents read or written between two full collections
EVERY = 25

#: a third threshold no build reaches: no automatic full collection
_NO_AUTOMATIC_FULL = 1_000_000

_STATE = "_qms_collection"


def setup_collection(app: Sphinx) -> None:
    """Register ``qms_collection`` and the handlers."""
    app.add_config_value("qms_collection", True, "", types=frozenset({bool}))
    app.connect("builder-inited", _start)
    app.connect("doctree-read", _after_document)
    app.connect("env-updated", _after_reading)
    app.connect("doctree-resolved", _after_document)
    app.connect("build-finished", _finish)


def _state(app: Sphinx) -> dict[str, Any] | None:
    state: dict[str, Any] | None = getattr(app, _STATE, None)
    return state


def _start(app: Sphinx) -> None:
    if not app.config.qms_collection or _state(app) is not None:
        return
    first, second, _ = gc.get_threshold()
    setattr(app, _STATE, {"thresholds": gc.get_threshold(), "count": 0})
    gc.set_threshold(first, second, _NO_AUTOMATIC_FULL)


def _after_document(app: Sphinx, *_: object) -> None:
    state = _state(app)
    if state is None:
        return
    state["count"] += 1
    if state["count"] % EVERY == 0:
        gc.collect()
        gc.freeze()


def _after_reading(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if _state(app) is not None:
        gc.collect()
        gc.freeze()
    return []


def _finish(app: Sphinx, exception: BaseException | None) -> None:
    state = _state(app)
    if state is None:
        return
    gc.unfreeze()
    gc.set_threshold(*state["thresholds"])
    delattr(app, _STATE)
