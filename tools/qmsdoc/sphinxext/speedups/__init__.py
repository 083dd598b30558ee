"""The speed-ups that depend on internals of sphinx-needs, docutils or Sphinx: one
switch, one version check, one warning.

A speed-up reproduces, faster, something sphinx-needs, docutils or Sphinx does
itself, by reading or replacing their internals: the option block of each item
(:mod:`~qmsdoc.sphinxext.item_options`, read without docutils' nested parser), the
HTML rows of plain ``needtable`` directives (:mod:`~qmsdoc.sphinxext.speedups.item_tables`) and one stem cache for
the search index (:mod:`~qmsdoc.sphinxext.speedups.search_stems`). Each was written and tested
for the versions in :data:`WRITTEN_FOR`. At ``config-inited`` they are installed only
if ``qms_speedups`` is true (the default) and the installed versions match (same
major and minor version); otherwise one warning (``qms.speedups``) says which version
differs, none is installed, and the build is the same, only slower. Each speed-up
module is imported only when it is installed, so one that names a private symbol
another version lacks cannot break ``import qmsdoc.sphinxext``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = [
    "SPEEDUPS",
    "WRITTEN_FOR",
    "Speedup",
    "active",
    "setup_speedups",
    "version_mismatches",
]

LOGGER = logging.getLogger(__name__)

#: distribution -> the major.minor version the speed-ups were written for
WRITTEN_FOR: dict[str, str] = {
    "sphinx-needs": "9.1",
    "docutils": "0.22",
    "sphinx": "9.0",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Speedup:
    """One speed-up: a module whose ``install(app)`` connects its handlers."""

    name: str
    module: str


SPEEDUPS: tuple[Speedup, ...] = (
    Speedup(name="needtable rows as HTML", module="qmsdoc.sphinxext.speedups.item_tables"),
    Speedup(name="one stem cache for the search index", module="qmsdoc.sphinxext.speedups.search_stems"),
)  # fmt: skip


def setup_speedups(app: Sphinx) -> None:
    """Register ``qms_speedups`` and install the speed-ups when the config is read."""
    app.add_config_value("qms_speedups", True, "env", types=frozenset({bool}))
    app.connect("config-inited", _install, priority=800)


def version_mismatches(
    written_for: dict[str, str] | None = None,
) -> list[str]:
    """``name installed (written for X.Y)`` for each distribution whose installed
    major.minor version differs from the one the speed-ups were written for."""
    problems = []
    for name, wanted in sorted((written_for or WRITTEN_FOR).items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != wanted and not installed.startswith(f"{wanted}."):
            problems.append(f"{name} {installed} (written for {wanted})")
    return problems


def active(config: Config) -> bool:
    """Whether this build runs the speed-ups: switched on, and written for the
    installed versions. The item directive asks too: with the speed-ups off, docutils
    (or myst-parser) reads each item's option block itself
    (:class:`~qmsdoc.sphinxext.directive.DocutilsItemDirective`)."""
    return bool(config.qms_speedups) and not version_mismatches()


def _install(app: Sphinx, config: Config) -> None:
    if not config.qms_speedups:
        return
    problems = version_mismatches()
    if problems:
        LOGGER.warning(
            "qmsdoc: speed-ups off: %s; the build is complete and correct, only slower",
            ", ".join(problems),
            type="qms",
            subtype="speedups",
        )
        return
    for speedup in SPEEDUPS:
        try:
            importlib.import_module(speedup.module).install(app)
        except (ImportError, AttributeError) as error:
            LOGGER.warning(
                "qmsdoc: speed-up %r off: %s; the build is complete and correct, "
                "only slower",
                speedup.name,
                error,
                type="qms",
                subtype="speedups",
            )
