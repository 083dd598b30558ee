"""Release documents: software version history and unresolved anomalies.

``.. qms-version-history::``
    One row per git tag matching the profile's baseline pattern (oldest first): date,
    commit, items, how many were added, changed and removed against the previous
    tag, and the test runs recorded at that commit; then the working state against
    the latest tag (FDA software documentation element "Software Version History").
``.. qms-anomalies::``
    Anomaly items still open or deferred, with SW91 category, impact and affected
    items (IEC 62304 5.8.2, 5.8.3; FDA element "Unresolved Anomalies"), and the
    vulnerability assessments whose VEX status is affected or under investigation as
    security anomalies. Options ``:type:`` and ``:vulnerability-type:`` (defaults: the
    profile's ``[anomalies] anomaly_type`` and ``[soup] assessment_type``); every
    field and link name comes from those tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging

from qmsdoc.history.completeness import rewritten_tags
from qmsdoc.history.diff import diff_revisions
from qmsdoc.model.ordering import natural_key
from qmsdoc.model.rst_source import scan_files
from qmsdoc.sphinxext.aggregate import PART_METADATA, AggregateDirective, add_aggregates
from qmsdoc.sphinxext.design_directives import item_text
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.tables import paragraph, table
from qmsdoc.vcs import GitHistory, source_state

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sphinx.application import Sphinx

    from qmsdoc.evidence.records import EvidenceRun
    from qmsdoc.model import Item, RawItem
    from qmsdoc.profile.anomalies import AnomalyConfig
    from qmsdoc.project import Project
    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest
    from qmsdoc.sphinxext.tables import Cell
    from qmsdoc.vcs import Baseline

__all__ = [
    "RELEASE_DIRECTIVES",
    "RELEASE_RENDERERS",
    "history_incomplete",
    "rewritten_notice",
    "setup",
]

LOGGER = logging.getLogger(__name__)

#: VEX statuses (CISA minimum VEX elements) that leave a vulnerability unresolved
_UNRESOLVED_VEX = ("affected", "under_investigation")
_VERSION_HEADERS = ("Version", "Date", "Commit", "Items", "Added", "Changed", "Removed")


class VersionHistoryDirective(AggregateDirective):
    kind = "version-history"


class AnomaliesDirective(AggregateDirective):
    kind = "anomalies"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "type": directives.unchanged,
        "vulnerability-type": directives.unchanged,
    }


RELEASE_DIRECTIVES: dict[str, type[AggregateDirective]] = {
    "qms-version-history": VersionHistoryDirective,
    "qms-anomalies": AnomaliesDirective,
}


def render_version_history(request: RenderRequest) -> Sequence[nodes.Node]:
    """Per baseline tag: date, commit, item counts and changes; then unreleased changes."""
    domain = QmsDomain.of(request.builder.env)
    project = domain.project()
    pattern = project.profile.baseline_pattern
    state = source_state(project.root)
    current = list(domain.raw_items())
    if state.commit is None:
        return [
            paragraph(
                "Missing input: the device file is not in a git repository, so it has "
                f"no released versions (baselines are git tags matching {pattern!r})."
            )
        ]
    history = GitHistory(project.root)
    incomplete = history.completeness()
    if incomplete is not None:
        return history_incomplete(request, incomplete)
    tags = history.baselines(pattern)
    lost = rewritten_notice(request, rewritten_tags(history, pattern))
    if not tags:
        return [
            *lost,
            paragraph(
                f"No released version yet: no git tag matches {pattern!r}. The working "
                f"state at commit {state.commit[:7]} holds {_count(current)} items; "
                "the history starts at the first baseline tag."
            ),
        ]
    runs = request.context.evidence.runs if request.context.evidence else ()
    rows, released = _released_rows(project, tags, runs)
    head = state.commit[:7] + ("" if state.clean else " (working tree modified)")
    rows.append(
        [
            f"unreleased (since {tags[-1].name})",
            "-",
            head,
            str(_count(current)),
            *_changes(project, released, current),
            _tested(runs, state.commit) if state.clean else "none",
        ]
    )
    return [
        *lost,
        paragraph(
            f"{len(tags)} released versions (git tags matching {pattern!r}), oldest "
            "first; changes are counted against the previous version, and the last "
            "row is the working state against the latest version."
        ),
        table(
            [*_VERSION_HEADERS, "Test runs at this commit"],
            rows,
            classes=["qms-version-history"],
            widths=[18, 11, 14, 7, 7, 7, 7, 29],
        ),
    ]


def render_anomalies(request: RenderRequest) -> Sequence[nodes.Node]:
    """Open and deferred anomalies; affected or under-investigation vulnerabilities."""
    profile = request.context.profile
    graph = request.context.graph
    config = profile.anomalies
    if config is None:
        request.warn(
            "qms-anomalies: the profile has no [anomalies] table; nothing to show"
        )
        return []
    anomaly_type = str(request.option("type") or config.anomaly_type)
    if profile.item_type(anomaly_type) is None:
        request.warn(f"qms-anomalies: unknown item type {anomaly_type!r}")
        return []
    anomalies = _sorted(graph.of_type(anomaly_type))
    state = config.state_field
    unresolved = [
        a for a in anomalies if _value(a, state) not in config.resolved_states
    ]
    resolved = len(anomalies) - len(unresolved)
    output: list[nodes.Node] = []
    if not unresolved:
        output.append(
            paragraph(
                "No unresolved anomalies: none is open or deferred; "
                f"{resolved} fixed or closed."
            )
        )
    else:
        states = ", ".join(
            f"{sum(1 for a in unresolved if _value(a, state) == s)} {s}"
            for s in config.unresolved_states
        )
        output.append(
            paragraph(
                f"{len(unresolved)} unresolved "
                f"{'anomaly' if len(unresolved) == 1 else 'anomalies'} ({states}); "
                f"{resolved} fixed or closed."
            )
        )
        output.append(
            table(
                ["ID", "Anomaly", "State", "SW91 category", "Impact", "Affects"],
                [_anomaly_row(request, config, item) for item in unresolved],
                classes=["qms-anomalies"],
                widths=[8, 38, 8, 10, 26, 10],
            )
        )
    output.extend(_security_anomalies(request))
    return output


RELEASE_RENDERERS: dict[str, Renderer] = {
    "version-history": render_version_history,
    "anomalies": render_anomalies,
}


def history_incomplete(request: RenderRequest, reason: str) -> list[nodes.Node]:
    """A ``qms.history_incomplete`` warning at the directive, and in place of its
    table a paragraph saying the history is incomplete and how to fetch it."""
    LOGGER.warning(
        "%s", reason, type="qms", subtype="history_incomplete", location=request.node
    )
    shown = paragraph(reason[:1].upper() + reason[1:])
    shown["classes"] += ["qms-history-incomplete"]
    return [shown]


def rewritten_notice(
    request: RenderRequest, problems: Sequence[str]
) -> list[nodes.Node]:
    """A ``qms.history_rewritten`` warning and a line per release tag that HEAD's
    history no longer holds."""
    output: list[nodes.Node] = []
    for problem in problems:
        LOGGER.warning(
            "%s",
            problem,
            type="qms",
            subtype="history_rewritten",
            location=request.node,
        )
        shown = paragraph(nodes.strong("", "Not in the history: "), problem)
        shown["classes"] += ["qms-history-rewritten"]
        output.append(shown)
    return output


def _released_rows(
    project: Project, tags: Sequence[Baseline], runs: Sequence[EvidenceRun]
) -> tuple[list[list[Cell]], list[RawItem]]:
    """One row per tag, each compared with the tag before; and the items of the last."""
    history = GitHistory(project.root)  # complete: checked by the caller
    rows: list[list[Cell]] = []
    previous: list[RawItem] = []
    for tag in tags:
        files = history.files_at(tag.name) or {}
        items = list(
            scan_files(
                files,
                directives=project.profile.directives,
                is_source=project.is_source,
            )
        )
        rows.append(
            [
                tag.name,
                tag.date[:10],
                tag.commit[:7],
                str(_count(items)),
                *_changes(project, previous, items),
                _tested(runs, tag.commit),
            ]
        )
        previous = items
    return rows, previous


def _tested(runs: Sequence[EvidenceRun], commit: str) -> str:
    """The recorded test runs of ``commit`` (either SHA may be abbreviated)."""
    names = [
        run.run_id
        for run in runs
        if run.commit
        and (run.commit.startswith(commit) or commit.startswith(run.commit))
    ]
    return ", ".join(names) or "none"


def _changes(
    project: Project, old: Sequence[RawItem], new: Sequence[RawItem]
) -> list[str]:
    difference = diff_revisions(
        old,
        new,
        old="previous",
        new="this",
        link_names={link.name for link in project.profile.links},
    )
    return [str(len(difference.of_kind(k))) for k in ("added", "changed", "removed")]


def _count(items: Sequence[RawItem]) -> int:
    return len({raw.option("id") for raw in items if raw.option("id")})


def _security_anomalies(request: RenderRequest) -> list[nodes.Node]:
    soup = request.context.profile.soup
    if soup is None:
        return []
    vulnerability_type = str(
        request.option("vulnerability-type") or soup.assessment_type
    )
    if request.context.profile.item_type(vulnerability_type) is None:
        return []
    assessments = _sorted(request.context.graph.of_type(vulnerability_type))
    open_ones = [
        v for v in assessments if _value(v, soup.status_field) in _UNRESOLVED_VEX
    ]
    output: list[nodes.Node] = [nodes.rubric("", "Security anomalies")]
    if not open_ones:
        output.append(
            paragraph(
                f"No unresolved security anomalies: {len(assessments)} vulnerability "
                "assessments, none affected or under investigation."
            )
        )
        return output
    output.append(
        paragraph(
            f"{len(open_ones)} of {len(assessments)} vulnerability assessments are "
            "affected or under investigation."
        )
    )
    rows: list[list[Cell]] = []
    for item in open_ones:
        affects = [
            request.link(edge.target)
            for edge in request.context.graph.outgoing(item.id, soup.component_link)
        ]
        rows.append(
            [
                request.link(item.id),
                [
                    nodes.strong("", item.title),
                    nodes.Text(" " + _value(item, soup.identifier_field)),
                ],
                _value(item, soup.status_field).replace("_", " "),
                _value(item, soup.action_field) or "no action stated",
                _joined(affects) or "-",
            ]
        )
    output.append(
        table(
            ["ID", "Vulnerability", "VEX status", "Action", "Affects"],
            rows,
            classes=["qms-anomalies", "qms-vulnerabilities"],
            widths=[8, 30, 12, 38, 12],
        )
    )
    return output


def _anomaly_row(
    request: RenderRequest, config: AnomalyConfig, item: Item
) -> list[Cell]:
    graph = request.context.graph
    affects = [
        request.link(edge.target)
        for edge in graph.outgoing(item.id, config.affects_link)
    ]
    description: list[nodes.Node] = [nodes.strong("", item.title)]
    for index, block in enumerate(item_text(request, item.content)):
        description.append(nodes.Text(". " if index == 0 else " "))
        description.extend(block.children)
    return [
        request.link(item.id),
        description,
        _value(item, config.state_field) or "not stated",
        (_value(item, config.category_field) or "not categorised").replace("_", " "),
        _value(item, config.impact_field),
        _joined(affects) or "-",
    ]


def _joined(parts: Sequence[nodes.Node]) -> list[nodes.Node]:
    output: list[nodes.Node] = []
    for part in parts:
        if output:
            output.append(nodes.Text(", "))
        output.append(part)
    return output


def _value(item: Item, name: str) -> str:
    return " ".join((item.field(name) or "").split())


def _sorted(items: Sequence[Item]) -> list[Item]:
    return sorted(items, key=lambda item: natural_key(item.id))


def setup(app: Sphinx) -> dict[str, Any]:
    """The version history and anomaly pages (release, :mod:`qmsdoc.processes`)."""
    add_aggregates(app, RELEASE_DIRECTIVES, RELEASE_RENDERERS)
    return PART_METADATA
