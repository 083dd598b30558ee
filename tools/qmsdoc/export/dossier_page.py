"""The dossier's section index page, rendered with Jinja2: the only module importing it.

Templates ship in ``export/templates``; a project overrides one by placing a file of
the same name in its own ``templates`` folder. Autoescaping is on: every title and
detail comes from the device file and is escaped.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)

from qmsdoc.errors import OutputError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["render_index"]


def render_index(context: dict[str, Any], *, overrides: Path | None = None) -> str:
    """The HTML of the section index.

    :raises OutputError: If a template (the project's override, say) is broken.
    """
    folder = str(resources.files("qmsdoc.export") / "templates")
    loaders = (
        [FileSystemLoader(str(overrides))]
        if overrides is not None and overrides.is_dir()
        else []
    )
    environment = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(folder)]),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    try:
        return environment.get_template("dossier-index.html.j2").render(**context)
    except TemplateSyntaxError as error:
        raise OutputError(
            f"{error.filename or error.name}:{error.lineno}: template error: {error.message}"
        ) from None
    except TemplateError as error:
        raise OutputError(
            f"dossier-index.html.j2: template error: {error.message or error}"
        ) from None
