"""State shared by the ``qms`` commands: the project, loaded once on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qmsdoc.errors import ProjectError
from qmsdoc.input_files import configure_limits
from qmsdoc.project import PROJECT_FILE, Project, find_root, load_project

__all__ = ["CliContext"]


@dataclass(slots=True)
class CliContext:
    """Carried by click's context object (``pass_obj``), never a global."""

    root_option: Path | None
    _project: Project | None = field(default=None, init=False)

    @property
    def project(self) -> Project:
        """The project at ``--root`` or above the current folder."""
        if self._project is None:
            if self.root_option is None:
                root = find_root(Path.cwd())
            else:
                root = self.root_option.resolve()
                if (
                    not (root / PROJECT_FILE).is_file()
                    and not (root / "conf.py").is_file()
                ):
                    raise ProjectError(
                        f"{root}: not a qmsdoc project (no {PROJECT_FILE} or conf.py)"
                    )
            self._project = load_project(root)
            configure_limits(dict(self._project.profile.input_limits))
        return self._project
