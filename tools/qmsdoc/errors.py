"""Exceptions for configuration and programmer errors, each with its CLI exit code.

Content problems in the device file are never exceptions: they are findings
(:mod:`qmsdoc.checks.findings`). These errors are for a profile, configuration file,
input file or output path that cannot be used at all.
"""

from __future__ import annotations

__all__ = [
    "InputError",
    "OutputError",
    "ProfileError",
    "ProjectError",
    "QmsError",
    "short",
]


def short(text: str, limit: int = 80) -> str:
    """``text`` as a message quotes it: control characters shown as ``?`` and cut
    to ``limit`` characters (a 10 MB key or value never becomes a 10 MB line)."""
    clean = "".join("?" if (ord(c) < 32 or 127 <= ord(c) < 160) else c for c in text)
    return clean if len(clean) <= limit else f"{clean[: limit - 3]}..."


def _bounded(message: str) -> str:
    """A message on one line that quotes no input at length: control characters and
    line breaks shown as ``?``, every word longer than 160 characters cut."""
    return " ".join(short(word, 160) for word in message.split(" "))


class QmsError(Exception):
    """Base of all qmsdoc errors; ``str(error)`` is a one-line message for users."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        message = _bounded(message)
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
            where = f"{where}: [{short(key)}]"
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
