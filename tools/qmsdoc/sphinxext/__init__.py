"""The Sphinx extension: the only package that imports sphinx, docutils or sphinx_needs.

The directives, pages and handlers of each QMS process are Sphinx extensions of
their own, named by the process (:data:`qmsdoc.processes.PROCESSES`, ``pages``) and
set up here in process order: risk tables, matrices, the changelog, the history and
verification state under each item, document control. ``setup`` itself registers
only what every process shares.

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
    items as they are now, with the renderer its process's part added.
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
``builder-inited`` to ``build-finished``
    :mod:`~qmsdoc.sphinxext.collection` runs the full garbage collections itself
    (every 25 documents, and once after reading, freezing the environment) instead
    of CPython's automatic ones, if ``qms_collection`` is on (the default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qmsdoc import __version__
from qmsdoc.processes import PROCESSES
from qmsdoc.sphinxext.aggregate import aggregate_node, resolve_aggregates
from qmsdoc.sphinxext.collection import setup_collection
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.events import check_items, remember_evidence
from qmsdoc.sphinxext.item_header import item_header_node, resolve_item_headers
from qmsdoc.sphinxext.needs_adapter import EXTENSION as NEEDS_EXTENSION
from qmsdoc.sphinxext.needtypes import install_item_directive, register_profile
from qmsdoc.sphinxext.outdated import note_references, outdated_pages
from qmsdoc.sphinxext.reproducible import (
    drop_validation_timing,
    stabilise_container_ids,
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
    setup_collection(app)
    app.connect("config-inited", register_profile, priority=5)
    app.connect("config-inited", install_item_directive, priority=700)
    app.connect("env-check-consistency", check_items)
    app.connect("env-updated", remember_evidence)
    app.add_node(aggregate_node)
    app.add_node(item_header_node)
    app.connect("doctree-resolved", resolve_item_headers)
    app.connect("doctree-resolved", stabilise_container_ids, priority=600)
    # each QMS process's directives, pages and handlers (qmsdoc.processes)
    for process in PROCESSES:
        for part in process.pages:
            app.setup_extension(part)
    app.connect("doctree-resolved", resolve_aggregates)
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
