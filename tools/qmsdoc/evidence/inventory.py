"""Which automated tests named by test items do not exist in the repository.

A test item's ``automated_test`` names one test: a pytest node id
(``tests/x.py::test_y``, ``tests/x.py::TestClass::test_y``, parametrised
``test_y[a]``, or a whole file ``tests/x.py``) or a Robot Framework test
(``path/to/suite.robot::Test Name``). Python files are read with :mod:`ast`, never
imported or run; ``.robot`` files with Robot's parser (:mod:`qmsdoc.evidence.robot`).
Each file is read once per call.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from qmsdoc.errors import InputError
from qmsdoc.input_files import read_input_bytes

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["missing_automated_tests"]

_PARAMETERS = re.compile(r"\[.*\]$", re.DOTALL)
# bases that add no test of their own: a class deriving only from these (or from
# classes of its own module) is known in full
_PLAIN_BASES = frozenset(
    {
        "object",
        "TestCase",
        "IsolatedAsyncioTestCase",
        "unittest.TestCase",
        "unittest.IsolatedAsyncioTestCase",
    }
)


def missing_automated_tests(root: Path, declared: Mapping[str, str]) -> dict[str, str]:
    """Item id -> why the automated test it declares does not exist.

    :param root: The project root every test path is relative to.
    :param declared: Item id -> the ``automated_test`` value as written.
    :returns: Only the items whose test is missing, each with a one-line reason
        ("file tests/x.py does not exist", "no test test_y in tests/x.py").
    """
    inventory = _Inventory(root)
    missing: dict[str, str] = {}
    for item_id, node_id in declared.items():
        reason = inventory.why_missing(node_id)
        if reason is not None:
            missing[item_id] = reason
    return missing


@dataclass(frozen=True, slots=True, kw_only=True)
class _PythonScope:
    """The names a module or class binds, and its classes."""

    names: frozenset[str]
    classes: dict[str, ast.ClassDef]
    open_bases: bool = False
    """A base class from elsewhere may add tests: absence cannot be proven."""


@dataclass(slots=True)
class _Inventory:
    root: Path
    _python: dict[Path, ast.Module | str] = field(default_factory=dict)
    _robot: dict[Path, frozenset[str] | str] = field(default_factory=dict)

    def why_missing(self, node_id: str) -> str | None:
        file_part, _, test_part = node_id.strip().partition("::")
        file_part, test = file_part.strip(), test_part.strip()
        problem = self._file_problem(file_part)
        if problem is not None or not test:
            return problem
        path = self.root / file_part
        if path.suffix == ".robot":
            return self._robot_missing(path, file_part, test)
        if path.suffix == ".py":
            return self._python_missing(path, file_part, test)
        return None  # another runner's file: its existence is all we can check

    def _file_problem(self, file_part: str) -> str | None:
        if (problem := _unsafe(file_part)) is not None:
            return problem
        path = self.root / file_part
        try:
            inside = path.resolve().is_relative_to(self.root.resolve())
        except OSError:
            inside = False
        if not inside:
            return f"path {file_part} leaves the project root"
        if path.is_file():
            return None
        if path.exists():
            return f"{file_part} is not a file"
        return f"file {file_part} does not exist"

    def _robot_missing(self, path: Path, file_part: str, name: str) -> str | None:
        from qmsdoc.evidence.robot import (  # noqa: PLC0415 (robot only when needed)
            normalise_test_name,
            robot_test_names,
        )

        if path not in self._robot:
            try:
                self._robot[path] = robot_test_names(path)
            except InputError as error:
                self._robot[path] = f"{file_part} cannot be read: {error.message}"
        names = self._robot[path]
        if isinstance(names, str):
            return names
        if normalise_test_name(name) in names:
            return None
        return f"no test {name!r} in {file_part}"

    def _python_missing(self, path: Path, file_part: str, test_part: str) -> str | None:
        module = self._module(path, file_part)
        if isinstance(module, str):
            return module
        # a parameter id (test_y[a::b]) may hold anything, "::" too
        parts = [part.strip() for part in _PARAMETERS.sub("", test_part).split("::")]
        scope = _scope(module.body)
        for depth, part in enumerate(parts):
            where = "::".join([file_part, *parts[:depth]])
            if part not in scope.names:
                if scope.open_bases:
                    return None
                return f"no test {part} in {where}"
            if depth < len(parts) - 1:
                cls = scope.classes.get(part)
                if cls is None:
                    return f"{part} in {where} is not a class"
                scope = _class_scope(cls, module)
        return None

    def _module(self, path: Path, file_part: str) -> ast.Module | str:
        if path not in self._python:
            try:
                source = read_input_bytes(path, kind="source", root=self.root)
                self._python[path] = ast.parse(source, filename=file_part)
            except InputError as error:
                self._python[path] = str(error)
            except SyntaxError as error:
                self._python[path] = (
                    f"{file_part}:{error.lineno or 1}: not valid Python: {error.msg}"
                )
            except (OSError, ValueError) as error:
                self._python[path] = f"{file_part} cannot be read: {error}"
        return self._python[path]


def _unsafe(file_part: str) -> str | None:
    if not file_part:
        return "no test named (the field is empty)"
    windows = PureWindowsPath(file_part)
    if PurePosixPath(file_part).is_absolute() or windows.drive or windows.root:
        return f"path {file_part} is absolute (it must be relative to the project root)"
    if ".." in PurePosixPath(file_part.replace("\\", "/")).parts:
        return f"path {file_part} leaves the project root"
    return None


def _scope(body: list[ast.stmt]) -> _PythonScope:
    names: set[str] = set()
    classes: dict[str, ast.ClassDef] = {}
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(statement.name)
        elif isinstance(statement, ast.ClassDef):
            names.add(statement.name)
            classes[statement.name] = statement
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            # pytest collects a test function imported into a test module
            names.update(
                alias.asname or alias.name.split(".")[0] for alias in statement.names
            )
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = (
                statement.targets
                if isinstance(statement, ast.Assign)
                else [statement.target]
            )
            for target in targets:
                names.update(
                    node.id for node in ast.walk(target) if isinstance(node, ast.Name)
                )
    return _PythonScope(names=frozenset(names), classes=classes)


def _class_scope(
    cls: ast.ClassDef, module: ast.Module, seen: frozenset[str] = frozenset()
) -> _PythonScope:
    """The names a class binds, with those of its bases defined in the same module."""
    own = _scope(cls.body)
    names = set(own.names)
    classes = dict(own.classes)
    open_bases = False
    local = {node.name: node for node in module.body if isinstance(node, ast.ClassDef)}
    for base in cls.bases:
        written = ast.unparse(base)
        if written in _PLAIN_BASES:
            continue
        parent = local.get(written)
        if parent is None or parent.name in seen or parent is cls:
            open_bases = True
            continue
        inherited = _class_scope(parent, module, seen | {cls.name})
        names |= inherited.names
        classes = {**inherited.classes, **classes}
        open_bases = open_bases or inherited.open_bases
    return _PythonScope(names=frozenset(names), classes=classes, open_bases=open_bases)
