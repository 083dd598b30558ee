"""The one place qmsdoc meets sphinx-needs (besides the optional speed-ups).

qmsdoc declares its item types, fields and links in sphinx-needs' configuration
(``needs_types``, ``needs_fields``, ``needs_links``, ``needs_external_needs``: see
:mod:`~qmsdoc.sphinxext.needtypes`) and draws each item with sphinx-needs' own need
directive, which :class:`~qmsdoc.sphinxext.directive.ItemDirective` extends to
record the item as written. Both come from here, so a change of sphinx-needs' API is
met in this module; :mod:`qmsdoc.sphinxext.speedups` holds everything that reads its
internals, and switches itself off for versions it was not written for.
"""

from __future__ import annotations

from sphinx_needs.directives.need import NeedDirective

__all__ = ["EXTENSION", "NeedDirective"]

#: the Sphinx extension qmsdoc sets up first
EXTENSION = "sphinx_needs"
