"""``.. qms-intended-use::``: an intended-use statement, controlled or quoted.

The content is rendered as written, in a box; ``:controlled:`` marks the one
controlled statement. The build, ``qms check`` and the dossier compare every quoted
statement with it (:mod:`qmsdoc.checks.intended_use`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from qmsdoc.checks.intended_use import DIRECTIVE
from qmsdoc.model import RawItem
from qmsdoc.sphinxext.aggregate import PART_METADATA
from qmsdoc.sphinxext.domain import QmsDomain, source_location

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["IntendedUseDirective", "setup"]


class IntendedUseDirective(SphinxDirective):
    """Content: the statement. Option ``:controlled:`` (flag)."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"controlled": directives.flag}

    def run(self) -> list[nodes.Node]:
        classes = ["qms-intended-use"]
        if "controlled" in self.options:
            classes.append("qms-intended-use-controlled")
        container = nodes.container(classes=classes)
        self.set_source_info(container)
        self.state.nested_parse(self.content, self.content_offset, container)
        QmsDomain.of(self.env).add_statement(self._statement())
        return [container]

    def _statement(self) -> RawItem:
        """The statement as the plain reader would record it (for the check)."""
        options = (("controlled", ""),) if "controlled" in self.options else ()
        return RawItem(
            directive=DIRECTIVE,
            title="",
            options=options,
            content="\n".join(self.content),
            location=source_location(self),
        )


def setup(app: Sphinx) -> dict[str, Any]:
    """The intended-use statement directive (design controls,
    :mod:`qmsdoc.processes`)."""
    app.add_directive(DIRECTIVE, IntendedUseDirective)
    return PART_METADATA
