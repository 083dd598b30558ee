"""qmsdoc: a docs-as-code quality management system engine for medical-device software.

The package is layered: the core (``profile``, ``model``, ``checks``, ``trace``,
``report``) imports neither Sphinx nor click; ``sphinxext`` and ``cli`` are thin layers
over it. ``setup`` lets ``extensions = ["qmsdoc"]`` work and delegates lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__version__ = "0.1.0"
__all__ = ["__version__", "setup"]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the Sphinx extension (see :mod:`qmsdoc.sphinxext`)."""
    from qmsdoc.sphinxext import setup as setup_extension  # noqa: PLC0415

    return setup_extension(app)
