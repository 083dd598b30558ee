"""Jinja2 rendering of the dossier index and of generated documents: the only module
importing jinja2.

Templates ship in ``export/templates``; a project overrides one, or adds its own, by
placing a file of the same name in its ``templates`` folder. The HTML index is
autoescaped (every title and detail comes from the device file); document templates
produce reStructuredText, which Sphinx parses like any page.
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
    TemplateNotFound,
    TemplateSyntaxError,
)

from qmsdoc.errors import OutputError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["DOCUMENT_SUFFIX", "render_document", "render_index"]

#: file name suffix of a document template: ``<name>.rst.j2``
DOCUMENT_SUFFIX = ".rst.j2"


def render_index(context: dict[str, Any], *, overrides: Path | None = None) -> str:
    """The HTML of the section index.

    :raises OutputError: If a template (the project's override, say) is broken.
    """
    return _render(
        "dossier-index.html.j2", context, overrides=overrides, autoescape=True
    )


def render_document(
    name: str, context: dict[str, Any], *, overrides: Path | None = None
) -> str:
    """The reStructuredText of document template ``<name>.rst.j2``.

    :raises OutputError: If there is no such template, or it is broken (with the
        template file and line).
    """
    return _render(
        f"{name}{DOCUMENT_SUFFIX}", context, overrides=overrides, autoescape=False
    )


def _render(
    template: str,
    context: dict[str, Any],
    *,
    overrides: Path | None,
    autoescape: bool,
) -> str:
    folder = str(resources.files("qmsdoc.export") / "templates")
    loaders = (
        [FileSystemLoader(str(overrides))]
        if overrides is not None and overrides.is_dir()
        else []
    )
    environment = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(folder)]),
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=not autoescape,
        lstrip_blocks=not autoescape,
    )
    try:
        return environment.get_template(template).render(**context)
    except TemplateNotFound:
        raise OutputError(
            f"{template}: no such template (in {overrides or 'the project'}"
            " templates folder or qmsdoc's)"
        ) from None
    except TemplateSyntaxError as error:
        raise OutputError(
            f"{error.filename or error.name}:{error.lineno}: template error: {error.message}"
        ) from None
    except TemplateError as error:
        raise OutputError(
            f"{template}: template error: {error.message or error}"
        ) from None
