"""Translate the profile into sphinx-needs configuration, at ``config-inited``."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from qmsdoc.errors import ProfileError, QmsError
from qmsdoc.input_files import configure_limits
from qmsdoc.model.needs_json import sphinx_external_needs
from qmsdoc.project import PROJECT_FILE, Project, load_project

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from qmsdoc.profile import Profile

__all__ = ["install_item_directive", "project_of", "register_profile"]

LOGGER = logging.getLogger(__name__)

#: fields that sphinx-needs itself provides; the profile may declare their values
_CORE_FIELDS = frozenset({"status", "tags"})


def register_profile(app: Sphinx, config: Config) -> None:
    """Load the project's profile and declare its types, fields and links to sphinx-needs.

    An invalid profile stops the build with one ``qms.profile`` error naming the
    file, key or line and the problem, and exit status 2: Sphinx would print any
    exception from a ``config-inited`` handler with a traceback, which is noise for an
    author who mistyped a key.

    :raises SystemExit: With status 2 if the project file or profile is invalid.
    """
    config.qms_root = str(Path(app.srcdir))
    config.qms_confdir = str(Path(app.confdir))
    try:
        project = project_of(config)
    except QmsError as error:
        LOGGER.error("qmsdoc: %s", error, type="qms", subtype="profile")
        raise SystemExit(2) from None
    profile = project.profile
    config.needs_types = [_need_type(item_type) for item_type in profile.types]
    config.needs_fields = {
        spec.name: {
            "description": spec.description,
            "nullable": True,
            "parse_dynamic_functions": False,
            "parse_variants": False,
        }
        for spec in profile.fields
        if spec.name not in _CORE_FIELDS
    }
    config.needs_links = {
        link.name: {
            "outgoing": link.name,
            "incoming": link.incoming,
            "allow_dead_links": True,
        }
        for link in profile.links
    }
    # the project's [project] external_needs, for sphinx-needs to link to
    config.needs_external_needs = [
        *(config.needs_external_needs or []),
        *sphinx_external_needs(project),
    ]
    if config.qms_item_head == "qmsdoc":
        # qmsdoc renders each item's head from the graph (sphinxext.item_header);
        # sphinx-needs shows the body only
        config.needs_default_layout = "focus"
    # identity is checked by qmsdoc against the profile, so it is reported once
    config.needs_id_required = False
    config.needs_id_regex = ""
    config.qms_profile_digest = _digest(project)


def install_item_directive(app: Sphinx, config: Config) -> None:
    """Put the item directive under every item type's directive name: the one that
    reads option blocks itself, or, with the speed-ups off, the one that leaves them
    to docutils."""
    from qmsdoc.sphinxext.directive import (  # noqa: PLC0415
        DocutilsItemDirective,
        ItemDirective,
    )
    from qmsdoc.sphinxext.speedups import active  # noqa: PLC0415

    directive = ItemDirective if active(config) else DocutilsItemDirective
    for need_type in config.needs_types:
        app.add_directive(need_type["directive"], directive, override=True)


def project_of(config: Config) -> Project:
    """The project for a configuration prepared by :func:`register_profile`.

    The project root is Sphinx's source folder (item locations are relative to it).
    Without ``qms_project_file`` in ``conf.py``, ``qms.toml`` beside ``conf.py`` is used
    if it exists and the packaged default profile otherwise; a file named explicitly
    (relative to the folder of ``conf.py``) must exist.

    :raises QmsError: If the project file or its profile cannot be used.
    """
    root = Path(config.qms_root)
    confdir = Path(config.qms_confdir or config.qms_root)
    if config.qms_project_file is None:
        default = confdir / PROJECT_FILE
        project = load_project(root, default if default.is_file() else None)
    else:
        project_file = confdir / config.qms_project_file
        if not project_file.is_file():
            raise ProfileError(
                str(project_file), "file not found (qms_project_file in conf.py)"
            )
        project = load_project(root, project_file)
    # the build reads records and sources under the profile's [input_limits]
    configure_limits(dict(project.profile.input_limits))
    return project


def _need_type(item_type: Any) -> dict[str, str]:
    return {
        "directive": item_type.directive,
        "title": item_type.title,
        "prefix": item_type.prefix,
        "color": item_type.color,
        "style": "node",
    }


def _digest(project: Project) -> str:
    """A digest of the profile, so a changed profile re-reads every document."""
    profile: Profile = project.profile
    return hashlib.sha256(repr((profile, project.sources)).encode()).hexdigest()
