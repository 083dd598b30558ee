"""Read a project's device file and check it: the core entry point of the CLI.

Framework-free: sources are read with :mod:`qmsdoc.model.rst_source`, the same
records the Sphinx directive produces, so ``qms check`` and a Sphinx build agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.checks import Finding, run_checks
from qmsdoc.model import Item, load_items
from qmsdoc.model.rst_source import scan_file

if TYPE_CHECKING:
    from qmsdoc.model import RawItem
    from qmsdoc.project import Project

__all__ = ["CheckOutcome", "check_device_file", "read_items", "read_raw_items"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOutcome:
    """The items of a device file and the findings about them."""

    items: tuple[Item, ...]
    findings: tuple[Finding, ...]

    @property
    def passes_gate(self) -> bool:
        """True when no unwaived error or warning remains."""
        return not any(finding.fails_gate for finding in self.findings)


def read_raw_items(project: Project) -> list[RawItem]:
    """Every item directive in the project's source folders, as written."""
    directives = project.profile.directives
    raw: list[RawItem] = []
    for path in project.source_files():
        raw.extend(scan_file(path, root=project.root, directives=directives))
    return raw


def read_items(project: Project) -> tuple[Item, ...]:
    """The project's items with the profile applied, in location order."""
    return load_items(read_raw_items(project), project.profile)


def check_device_file(project: Project) -> CheckOutcome:
    """Read the project's items and run every check on them."""
    items = read_items(project)
    return CheckOutcome(items=items, findings=tuple(run_checks(items, project.profile)))
