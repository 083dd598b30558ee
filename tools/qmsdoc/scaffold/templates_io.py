"""The scaffold's file templates (package data) and their placeholders.

A template is a plain file under ``scaffold/templates/``; ``@@name@@`` marks a value
filled in by :func:`render`. The marker is neither Make's ``$``, the shell's, nor
GitHub Actions' ``${{ }}``, so the Makefile and CI templates are written as they run.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["render", "template_names", "template_text"]

_PLACEHOLDER = re.compile(r"@@([a-z_]+)@@")


def template_names() -> list[str]:
    """The templates shipped in the package, sorted."""
    folder = resources.files("qmsdoc.scaffold") / "templates"
    return sorted(entry.name for entry in folder.iterdir() if entry.is_file())


def template_text(name: str) -> str:
    """The text of the template ``name``."""
    resource = resources.files("qmsdoc.scaffold") / "templates" / name
    return resource.read_text(encoding="utf-8")


def render(name: str, values: Mapping[str, str]) -> str:
    """The template ``name`` with each ``@@key@@`` replaced by ``values[key]``.

    :raises KeyError: If the template names a key ``values`` lacks (a bug).
    """

    def value(found: re.Match[str]) -> str:
        return values[found.group(1)]

    return _PLACEHOLDER.sub(value, template_text(name))
