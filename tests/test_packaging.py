"""The engine installs from a built wheel: the wheel holds its data, not only code.

The wheel is built from a copy of the engine's sources (``pyproject.toml``,
``README.md``, ``tools/qmsdoc``) in a temporary folder, as ``python -m build``
builds it (``pip wheel`` when ``build`` is not installed), so that nothing is left
in the repository; then its file list is read with :mod:`zipfile`.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).parent.parent
PACKAGE = REPOSITORY / "tools" / "qmsdoc"


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    source = tmp_path_factory.mktemp("source")
    shutil.copy2(REPOSITORY / "pyproject.toml", source)
    shutil.copy2(REPOSITORY / "README.md", source)
    shutil.copytree(
        PACKAGE,
        source / "tools" / "qmsdoc",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    out = tmp_path_factory.mktemp("dist")
    if importlib.util.find_spec("build") is not None:
        command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out)]
    else:
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out)]
    done = subprocess.run(
        [*command, str(source)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (wheel,) = out.glob("qmsdoc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _data_files(folder: str, pattern: str) -> set[str]:
    """The package's files under ``folder`` matching ``pattern``, as wheel names."""
    found = {
        path.relative_to(PACKAGE.parent).as_posix()
        for path in (PACKAGE / folder).glob(pattern)
    }
    assert found, f"no {pattern} under {folder}"
    return found


@pytest.mark.parametrize(
    ("folder", "pattern"),
    [
        ("profile/data", "*.toml"),
        ("dossier/pathways", "*.toml"),
        ("dossier/elements", "*.toml"),
        ("dossier/data", "*.toml"),
        ("export/templates", "*"),
        ("scaffold/templates", "*"),
    ],
)
def test_wheel_holds_the_package_data(
    wheel_names: set[str], folder: str, pattern: str
) -> None:
    assert _data_files(folder, pattern) - wheel_names == set()


def test_wheel_holds_the_named_data_and_the_typing_marker(
    wheel_names: set[str],
) -> None:
    expected = {
        "qmsdoc/py.typed",
        "qmsdoc/profile/data/medical-device.toml",
        "qmsdoc/dossier/pathways/fda-510k.toml",
        "qmsdoc/scaffold/templates/Makefile.tmpl",
    }
    assert expected - wheel_names == set()


def test_wheel_holds_every_module_and_no_device_file(wheel_names: set[str]) -> None:
    modules = {
        path.relative_to(PACKAGE.parent).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert modules - wheel_names == set()
    assert not [name for name in wheel_names if name.startswith(("serenya", "tests"))]


def test_every_data_file_of_the_package_is_in_the_wheel(
    wheel_names: set[str],
) -> None:
    """A data file added to the package but not to package-data fails here."""
    data = {
        path.relative_to(PACKAGE.parent).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and path.suffix not in {".py", ".pyc"}
        and "__pycache__" not in path.parts
    }
    assert data - wheel_names == set()
