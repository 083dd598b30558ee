"""Start a new device file (``qms init``): its configuration, pages and tooling.

:func:`project_files` gives every file of a new device file as text, from the
answers in :class:`InitOptions`; :func:`write_tree` writes them all at once or
nothing. The templates are package data (``scaffold/templates/``).
"""

from __future__ import annotations

from qmsdoc.scaffold.pages import STUB_MARKER, StubPage
from qmsdoc.scaffold.project_files import (
    FORMATS,
    SAFETY_CLASSES,
    InitOptions,
    document_prefix,
    pathway_roles,
    project_files,
)
from qmsdoc.scaffold.write import target_problem, write_tree

__all__ = [
    "FORMATS",
    "SAFETY_CLASSES",
    "STUB_MARKER",
    "InitOptions",
    "StubPage",
    "document_prefix",
    "pathway_roles",
    "project_files",
    "target_problem",
    "write_tree",
]
