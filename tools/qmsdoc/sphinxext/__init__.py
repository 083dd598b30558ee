"""The Sphinx extension: the only package that imports sphinx, docutils or sphinx_needs.

Lifecycle (which handler runs at which Sphinx event):

``config-inited`` (priority 5)
    :func:`needtypes.register_profile` loads ``qms.toml`` and its profile and writes
    the item types, fields and link types into ``needs_types``, ``needs_fields`` and
    ``needs_links``, before sphinx-needs reads them (priority 10 and later).
``config-inited`` (priority 700)
    :func:`needtypes.install_item_directive` puts :class:`ItemDirective`, a thin
    subclass of sphinx-needs' directive, under every item type's name.
``builder-inited``
    :func:`static.add_stylesheet` links ``_static/qmsdoc.css`` and ``qmsdoc.js`` and
    writes them (risk region colours from the profile) before any page is written,
    so a clean build and a rebuild give pages the same links.
reading
    :class:`ItemDirective` records each item as written (a ``RawItem``) in
    :class:`QmsDomain` (per document, purged and merged for parallel builds), then
    lets sphinx-needs create the need as usual.
``source-read``
    :func:`outdated.note_references` records the item ids each page cites.
``env-get-outdated``
    :func:`outdated.outdated_pages` reads the changed files with the source reader,
    compares their items with those of the last build, and re-reads exactly the
    pages that show a changed item: the pages of items it links to or is linked
    from, pages citing it with ``:need:``, and aggregate pages (matrices, risk
    tables).
``env-check-consistency``
    :func:`events.check_items` hands the recorded items to the core pipeline
    (:class:`qmsdoc.device_file.DeviceFile`, the one ``qms check`` runs: items,
    records, signatures, documents, findings) and emits every finding as a warning
    of type ``qms`` with the check id as subtype, at the item's file and line.
``doctree-resolved``
    :func:`aggregate.resolve_aggregates` fills each aggregate placeholder from the
    items as they are now.
``config-inited`` (priority 800)
    :func:`speedups.setup_speedups` installs the speed-ups that depend on internals of
    sphinx-needs, docutils or Sphinx, if ``qms_speedups`` is on and the installed
    versions are those they were written for (else one ``qms.speedups`` warning):
    at ``doctree-resolved`` (priority 400) :func:`item_tables.write_item_tables`
    writes the body of each plain ``needtable`` as HTML rows, before sphinx-needs
    would build them as docutils nodes, and :func:`search_stems.cache_stems` makes
    the search index stem each word once, not once per page, with the stems of the
    last build (``save_stems`` at ``build-finished``).
``doctree-resolved`` (priority 600)
    :func:`reproducible.stabilise_container_ids` replaces the random ids sphinx-needs
    gives need containers with ids made from the page, so builds are reproducible.
``build-finished``
    :func:`reproducible.drop_validation_timing` takes the validation time out of
    sphinx-needs' ``schema_violations.json``.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from qmsdoc import __version__
from qmsdoc.sphinxext.aggregate import aggregate_node, resolve_aggregates
from qmsdoc.sphinxext.changelog_directive import (
    CHANGELOG_DIRECTIVES,
    CHANGELOG_RENDERERS,
)
from qmsdoc.sphinxext.checklist_directives import (
    CHECKLIST_DIRECTIVES,
    CHECKLIST_RENDERERS,
)
from qmsdoc.sphinxext.design_directives import DESIGN_DIRECTIVES, DESIGN_RENDERERS
from qmsdoc.sphinxext.document_control import setup_document_control
from qmsdoc.sphinxext.document_directives import DOCUMENT_DIRECTIVES, DOCUMENT_RENDERERS
from qmsdoc.sphinxext.document_template import DocumentTemplateDirective
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.events import check_items, remember_evidence
from qmsdoc.sphinxext.evidence_display import evidence_node, resolve_evidence
from qmsdoc.sphinxext.history_display import history_node, resolve_history
from qmsdoc.sphinxext.intended_use import IntendedUseDirective
from qmsdoc.sphinxext.item_header import item_header_node, resolve_item_headers
from qmsdoc.sphinxext.matrix_directive import MATRIX_DIRECTIVES, MATRIX_RENDERERS
from qmsdoc.sphinxext.needs_adapter import EXTENSION as NEEDS_EXTENSION
from qmsdoc.sphinxext.needtypes import install_item_directive, register_profile
from qmsdoc.sphinxext.outdated import note_references, outdated_pages
from qmsdoc.sphinxext.release_directives import RELEASE_DIRECTIVES, RELEASE_RENDERERS
from qmsdoc.sphinxext.reproducible import (
    drop_validation_timing,
    stabilise_container_ids,
)
from qmsdoc.sphinxext.risk_directives import RISK_DIRECTIVES, RISK_RENDERERS
from qmsdoc.sphinxext.security_directives import (
    SECURITY_DIRECTIVES,
    SECURITY_RENDERERS,
)
from qmsdoc.sphinxext.speedups import setup_speedups
from qmsdoc.sphinxext.static import add_stylesheet

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["setup"]

#: bump when the shape of the data kept in the environment changes
ENV_VERSION = 2


def setup(app: Sphinx) -> dict[str, Any]:
    """Register qmsdoc with Sphinx (``extensions = ["qmsdoc"]``)."""
    app.setup_extension(NEEDS_EXTENSION)
    app.add_config_value(
        "qms_project_file", None, "env", types=frozenset({str, type(None)})
    )
    app.add_config_value("qms_root", "", "", types=frozenset({str}))
    app.add_config_value("qms_confdir", "", "", types=frozenset({str}))
    app.add_config_value("qms_item_head", "qmsdoc", "env", types=frozenset({str}))
    app.add_config_value("qms_profile_digest", "", "env", types=frozenset({str}))
    app.add_config_value("qms_item_tables", "qmsdoc", "html", types=frozenset({str}))
    app.add_domain(QmsDomain)
    setup_speedups(app)
    app.connect("config-inited", register_profile, priority=5)
    app.connect("config-inited", install_item_directive, priority=700)
    app.connect("env-check-consistency", check_items)
    app.connect("env-updated", remember_evidence)
    app.add_node(aggregate_node)
    app.add_node(evidence_node)
    app.add_node(history_node)
    app.add_node(item_header_node)
    app.connect("doctree-resolved", resolve_item_headers)
    app.connect("doctree-resolved", stabilise_container_ids, priority=600)
    app.connect("doctree-resolved", resolve_history)
    app.connect("doctree-resolved", resolve_evidence)
    for name, directive in {
        **RISK_DIRECTIVES,
        **SECURITY_DIRECTIVES,
        **MATRIX_DIRECTIVES,
        **CHANGELOG_DIRECTIVES,
        **DOCUMENT_DIRECTIVES,
        **DESIGN_DIRECTIVES,
        **CHECKLIST_DIRECTIVES,
        **RELEASE_DIRECTIVES,
    }.items():
        app.add_directive(name, directive)
    app.add_directive("qms-intended-use", IntendedUseDirective)
    app.add_directive("qms-document", DocumentTemplateDirective)
    setup_document_control(app)
    renderers = {
        **RISK_RENDERERS,
        **SECURITY_RENDERERS,
        **MATRIX_RENDERERS,
        **CHANGELOG_RENDERERS,
        **DOCUMENT_RENDERERS,
        **DESIGN_RENDERERS,
        **CHECKLIST_RENDERERS,
        **RELEASE_RENDERERS,
    }
    app.connect("doctree-resolved", partial(resolve_aggregates, renderers=renderers))
    app.connect("source-read", note_references)
    app.connect("env-get-outdated", outdated_pages)
    app.connect("builder-inited", add_stylesheet)
    app.connect("build-finished", drop_validation_timing)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
