"""The layering holds: the core imports neither Sphinx, docutils nor click.

Each module is imported in a fresh interpreter (as sphinx-needs'
test_circular_imports does), so an import cycle or a framework import that sneaks
into the core fails here.
"""

from __future__ import annotations

import ast
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


#: each library made for one job is imported by exactly one module of the engine
SINGLE_IMPORTERS = {
    "openpyxl": "qmsdoc.export.xlsx",
    "jinja2": "qmsdoc.export.rendering",
    "defusedxml": "qmsdoc.safe_xml",
    "cyclonedx": "qmsdoc.soup.cyclonedx_reader",
    "spdx_tools": "qmsdoc.soup.spdx_reader",
    "packaging": "qmsdoc.soup.diff",
    "git": "qmsdoc.vcs.git",
    "re2": "qmsdoc.profile._sections",
    "reqif": "qmsdoc.interchange.reqif_format",
}


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_each_library_is_imported_by_one_module() -> None:
    importers: dict[str, list[str]] = {library: [] for library in SINGLE_IMPORTERS}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for library in _top_level_imports(path) & set(SINGLE_IMPORTERS):
            importers[library].append(module)
    assert importers == {
        library: [module] for library, module in SINGLE_IMPORTERS.items()
    }


def test_sphinx_extension_does_not_load_the_workbook_writer() -> None:
    """openpyxl and lxml are for `qms matrix` and the dossier, not every Sphinx build."""
    probe = (
        "import sys, qmsdoc.sphinxext; "
        "print(sorted(name for name in ('openpyxl', 'lxml') if name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def _importers(library: str) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if library in _top_level_imports(path):
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_sphinx_needs_is_imported_by_the_adapter_and_the_speedups_only() -> None:
    """One module meets sphinx-needs' API; what reads its internals is a speed-up,
    imported only when installed (:mod:`qmsdoc.sphinxext.speedups`)."""
    importers = _importers("sphinx_needs")
    assert "qmsdoc.sphinxext.needs_adapter" in importers
    outside = [
        module
        for module in importers
        if module != "qmsdoc.sphinxext.needs_adapter"
        and not module.startswith("qmsdoc.sphinxext.speedups.")
    ]
    assert outside == []


def test_the_extension_does_not_import_the_speedups_it_may_switch_off() -> None:
    probe = (
        "import sys, qmsdoc.sphinxext; print(sorted(name for name in sys.modules "
        "if name.startswith('qmsdoc.sphinxext.speedups.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


#: the layers of the engine, lowest first: a module imports (at run time) only from
#: its own layer or a lower one. Type-only imports (under ``TYPE_CHECKING``) are free.
#: ``qmsdoc/__init__`` (the version and the lazy Sphinx entry point) stands outside.
LAYER_ORDER: tuple[tuple[str, ...], ...] = (
    ("errors",),
    ("input_files", "json_input", "safe_xml", "storage"),
    ("vcs",),
    ("profile",),
    ("project",),
    ("model",),
    ("evidence",),
    ("trace", "history", "soup", "vulnerability", "release", "design_review", "ai"),
    ("risk", "documents"),
    ("security",),
    ("checks",),
    ("processes",),
    ("device_file", "report", "export"),
    ("dossier", "interchange", "scaffold"),
    ("cli", "sphinxext", "pytest_plugin"),
)


def _runtime_imports(tree: ast.AST) -> list[str]:
    """The qmsdoc modules a module imports when it runs (function bodies included),
    leaving out ``if TYPE_CHECKING:`` blocks."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.append(child.module)
            elif isinstance(child, ast.Import):
                found.extend(alias.name for alias in child.names)
            visit(child)

    visit(tree)
    return [name for name in found if name.startswith("qmsdoc.")]


def _component(module: str) -> str:
    return module.split(".")[1]


def test_no_import_runs_from_a_lower_layer_to_a_higher_one() -> None:
    layer = {name: rank for rank, names in enumerate(LAYER_ORDER) for name in names}
    upward: list[str] = []
    unplaced: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if len(parts) == 2 and parts[1] == "__init__":
            continue  # the package facade
        source = parts[1]
        if source not in layer:
            unplaced.add(source)
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target_module in _runtime_imports(tree):
            target = _component(target_module)
            if target not in layer:
                unplaced.add(target)
            elif layer[target] > layer[source]:
                upward.append(f"{'.'.join(parts)} imports {target_module}")
    assert unplaced == set(), "place these packages in LAYER_ORDER"
    assert upward == []


def test_the_layer_test_sees_an_upward_import() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "from qmsdoc.checks import run_checks\n"
        "if TYPE_CHECKING:\n    from qmsdoc.cli import main\n"
        "def later():\n    from qmsdoc.dossier import plan\n"
    )
    assert _runtime_imports(tree) == ["qmsdoc.checks", "qmsdoc.dossier"]
