"""SOUP checks: the SOUP items in the device file against the imported SBOMs.

IEC 62304 8.1.2 asks that every SOUP item be identified by title, manufacturer and
unique designator; 5.3.3 and 5.3.4 that its requirements and prerequisites be
specified (required fields of the SOUP type); 7.1.2 that SOUP which can contribute to
a hazardous situation be part of the risk analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdoc.checks.context import local_only
from qmsdoc.checks.spec import Check, CheckSpec
from qmsdoc.project import PROJECT_FILE
from qmsdoc.soup.records import component_key

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.model import Item
    from qmsdoc.profile.model import SoupConfig
    from qmsdoc.soup.records import Component, SbomRecord
    from qmsdoc.trace import TraceGraph

__all__ = [
    "CHECKS",
    "SOUP_HAZARD_UNLINKED",
    "SOUP_LIST_EMPTY",
    "SOUP_NOT_IN_SBOM",
    "SOUP_UNLISTED",
    "SOUP_VERSION_MISMATCH",
    "check_soup_hazard_unlinked",
    "check_soup_list_empty",
    "check_soup_not_in_sbom",
    "check_soup_unlisted",
    "check_soup_version_mismatch",
    "soup_items_by_key",
    "soup_key",
]

SOUP_LIST_EMPTY = CheckSpec(
    check_id="soup_list_empty",
    severity="error",
    summary="no SOUP item and no SBOM component (IEC 62304 5.3.3, 8.1.2)",
    clause="IEC 62304 5.3.3, 8.1.2",
)
SOUP_UNLISTED = CheckSpec(
    check_id="soup_unlisted",
    severity="error",
    summary="SBOM component without a SOUP item (IEC 62304 8.1.2)",
    clause="IEC 62304 8.1.2, 5.3.3, 5.3.4",
)
SOUP_VERSION_MISMATCH = CheckSpec(
    check_id="soup_version_mismatch",
    severity="error",
    summary="SOUP item version differs from the SBOM (IEC 62304 8.1.2)",
    clause="IEC 62304 8.1.2, 6.1",
)
SOUP_NOT_IN_SBOM = CheckSpec(
    check_id="soup_not_in_sbom",
    severity="error",
    summary="SOUP item whose component is in no imported SBOM (IEC 62304 6.1)",
    clause="IEC 62304 8.1.2, 6.1",
)
SOUP_HAZARD_UNLINKED = CheckSpec(
    check_id="soup_hazard_unlinked",
    severity="error",
    summary="safety-relevant SOUP without a link to a hazard (IEC 62304 7.1.2)",
    clause="IEC 62304 7.1.2; ISO 14971 5.4",
)


def soup_key(item: Item, config: SoupConfig) -> str:
    """The component identity a SOUP item claims: its PURL without version, else title."""
    return component_key(item.title, item.field(config.purl_field))


def soup_items_by_key(graph: TraceGraph, config: SoupConfig) -> dict[str, list[Item]]:
    """The SOUP items of the file by the component identity they claim, in order."""
    found: dict[str, list[Item]] = {}
    for item in graph.of_type(config.soup_type):
        found.setdefault(soup_key(item, config), []).append(item)
    return found


def _soup_items(context: CheckContext) -> dict[str, list[Item]]:
    config = context.profile.soup
    return soup_items_by_key(context.graph, config) if config is not None else {}


def _components(context: CheckContext) -> Iterator[tuple[SbomRecord, Component]]:
    for record in context.sboms:
        for component in record.components:
            yield record, component


def check_soup_list_empty(context: CheckContext) -> Iterator[Finding]:
    """A device file that tracks SOUP lists some: a SOUP item or an SBOM component.

    Serves IEC 62304 8.1.2 (SOUP identified) and 5.3.3 (SOUP requirements): with no
    SOUP item and no imported SBOM component, every SOUP check passes on nothing,
    yet software runs on a runtime and libraries. An SBOM with components and no
    SOUP item is reported per component (``soup_unlisted``). Reported at line 1 of
    the project file, since there is no item or record to report on.
    """
    config = context.profile.soup
    if config is None or context.graph.of_type(config.soup_type):
        return
    if any(record.components for record in context.sboms):
        return
    if context.sboms:
        names = ", ".join(record.name for record in context.sboms)
        what = f"the imported SBOMs ({names}) list no component"
    else:
        what = "no SBOM imported"
    yield SOUP_LIST_EMPTY.finding(
        f"{what} and no {config.soup_type} item: list the software of unknown "
        "provenance or import an SBOM (IEC 62304 5.3.3, 8.1.2)",
        path=PROJECT_FILE,
        line=1,
    )


def check_soup_unlisted(context: CheckContext) -> Iterator[Finding]:
    """Every component of every imported SBOM has a SOUP item in the device file.

    Serves IEC 62304 8.1.2 (SOUP identified) and 5.3.3/5.3.4 (SOUP specified): a
    component the SBOM lists but the file does not describe is unevaluated SOUP.
    """
    config = context.profile.soup
    if config is None:
        return
    items = _soup_items(context)
    for record, component in _components(context):
        if component.key in items:
            continue
        version = f" {component.version}" if component.version else ""
        yield SOUP_UNLISTED.finding(
            f"SBOM {record.name} lists {component.name}{version}"
            f" ({component.purl or 'no purl'}) but no {config.soup_type} item"
            f" has {config.purl_field} {component.purl or component.name!r}",
            item_id=component.purl or component.name,
            path=f"{config.directory}/{record.name}.json",
            line=component.line,
        )


def check_soup_version_mismatch(context: CheckContext) -> Iterator[Finding]:
    """A SOUP item states the version the SBOM records for its component.

    Serves IEC 62304 8.1.2 (unique designator) and 6.1 (SOUP upgrades under change
    control): a version that differs means the file describes other software than
    what is built.
    """
    config = context.profile.soup
    if config is None or not context.sboms:
        return
    versions: dict[str, set[str]] = {}
    for _record, component in _components(context):
        if component.version:
            versions.setdefault(component.key, set()).add(component.version)
    for key, items in _soup_items(context).items():
        expected = versions.get(key)
        if not expected:
            continue
        for item in local_only(items):
            written = (item.field(config.version_field) or "").strip()
            if written not in expected:
                yield SOUP_VERSION_MISMATCH.at(
                    item,
                    f"{config.version_field} is {written or 'empty'!r} but the SBOM"
                    f" records {', '.join(sorted(expected))}",
                )


def check_soup_not_in_sbom(context: CheckContext) -> Iterator[Finding]:
    """A SOUP item names a component that an imported SBOM still contains.

    Serves IEC 62304 8.1.2 and 6.1: a SOUP item no longer in the SBOM is stale
    documentation of a removed component (mark it obsolete or remove it).
    """
    config = context.profile.soup
    if config is None or not context.sboms:
        return
    present = {component.key for _record, component in _components(context)}
    for key, items in _soup_items(context).items():
        if key in present:
            continue
        for item in local_only(items):
            if item.field("status") == "obsolete":
                continue
            yield SOUP_NOT_IN_SBOM.at(
                item,
                f"{item.field(config.purl_field) or item.title!r} is in no imported"
                f" SBOM ({', '.join(r.name for r in context.sboms)})",
            )


def check_soup_hazard_unlinked(context: CheckContext) -> Iterator[Finding]:
    """A SOUP item whose failure can contribute to a hazardous situation links to it.

    Serves IEC 62304 7.1.2 (SOUP as a potential cause in the software risk analysis)
    and ISO 14971 5.4.
    """
    config = context.profile.soup
    if config is None:
        return
    for item in context.local_of_type(config.soup_type):
        relevance = item.field(config.relevance_field)
        if relevance is None or relevance in config.irrelevant_values:
            continue
        if not context.graph.outgoing(item.id, config.hazard_link):
            yield SOUP_HAZARD_UNLINKED.at(
                item,
                f"{config.relevance_field} is {relevance!r} but the item has no"
                f" {config.hazard_link} link to a hazard or hazardous situation",
            )


#: the SOUP checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(spec=SOUP_LIST_EMPTY, function=check_soup_list_empty),
    Check(spec=SOUP_UNLISTED, function=check_soup_unlisted),
    Check(spec=SOUP_VERSION_MISMATCH, function=check_soup_version_mismatch),
    Check(spec=SOUP_NOT_IN_SBOM, function=check_soup_not_in_sbom),
    Check(spec=SOUP_HAZARD_UNLINKED, function=check_soup_hazard_unlinked),
)
