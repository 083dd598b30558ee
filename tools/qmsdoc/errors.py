"""Exceptions for configuration and programmer errors, each with its CLI exit code.

Content problems in the device file are never exceptions: they are findings
(:mod:`qmsdoc.checks.findings`). These errors are for a profile, configuration file,
input file or output path that cannot be used at all.
"""

from __future__ import annotations

__all__ = ["InputError", "OutputError", "ProfileError", "ProjectError", "QmsError"]


class QmsError(Exception):
    """Base of all qmsdoc errors; ``str(error)`` is a one-line message for users."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ProfileError(QmsError):
    """The profile cannot be loaded: names the file, the key (or line) and the problem."""

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        where = path if line is None else f"{path}:{line}"
        if key is not None:
            where = f"{where}: [{key}]"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.key = key
        self.line = line
        self.problem = problem


class ProjectError(QmsError):
    """The project layout cannot be used (no project root, unreadable source file)."""


class InputError(QmsError):
    """An input file (evidence, SBOM, review export) is malformed or unsafe."""


class OutputError(QmsError):
    """An output could not be written; nothing was left half-written."""
