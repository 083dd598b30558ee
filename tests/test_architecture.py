"""The layering holds: the core imports neither Sphinx, docutils nor click.

Each module is imported in a fresh interpreter (as sphinx-needs'
test_circular_imports does), so an import cycle or a framework import that sneaks
into the core fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "tools" / "qmsdoc"
FRAMEWORKS = ("sphinx", "docutils", "sphinx_needs", "click")
#: the only parts allowed to import a framework
LAYERS = ("qmsdoc.sphinxext", "qmsdoc.cli")


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


CORE = [name for name in _modules() if not name.startswith(LAYERS)]


def _imported_frameworks(module: str) -> list[str]:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        f"print(' '.join(sorted(m for m in {FRAMEWORKS!r} if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return done.stdout.split()


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_framework(module: str) -> None:
    assert _imported_frameworks(module) == []


@pytest.mark.parametrize(
    "module", [name for name in _modules() if name.startswith(LAYERS)]
)
def test_layer_module_imports_cleanly(module: str) -> None:
    subprocess.run(
        [sys.executable, "-c", f"import {module}"], check=True, capture_output=True
    )


def test_core_is_most_of_the_package() -> None:
    assert len(CORE) >= 20
    assert "qmsdoc.checks.coverage" in CORE
