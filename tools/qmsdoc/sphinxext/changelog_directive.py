"""``.. qms-changelog::``: what changed since the previous baseline (IEC 62304 6.2, 8.2).

The baseline is the newest git tag matching the profile's ``[suspect] baselines``
pattern; the items at that tag are compared with the items of this build. Option
``:since: TAG`` names the baseline explicitly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils.parsers.rst import directives

from qmsdoc.history.completeness import rewritten_tags
from qmsdoc.history.diff import diff_revisions
from qmsdoc.model.rst_source import scan_files
from qmsdoc.sphinxext.aggregate import PART_METADATA, AggregateDirective, add_aggregates
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.release_directives import (
    history_incomplete,
    rewritten_notice,
)
from qmsdoc.sphinxext.tables import paragraph, table
from qmsdoc.vcs import GitHistory

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from docutils import nodes
    from sphinx.application import Sphinx

    from qmsdoc.sphinxext.aggregate import Renderer, RenderRequest
    from qmsdoc.sphinxext.tables import Cell

__all__ = ["CHANGELOG_DIRECTIVES", "CHANGELOG_RENDERERS", "setup"]


class ChangelogDirective(AggregateDirective):
    kind = "changelog"
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        "since": directives.unchanged
    }


CHANGELOG_DIRECTIVES: dict[str, type[AggregateDirective]] = {
    "qms-changelog": ChangelogDirective
}


def render_changelog(request: RenderRequest) -> Sequence[nodes.Node]:
    """Items added, removed and changed since the baseline, one row each."""
    domain = QmsDomain.of(request.builder.env)
    project = domain.project()
    history = GitHistory(project.root)
    incomplete = history.completeness()
    if incomplete is not None:
        return history_incomplete(request, incomplete)
    lost = rewritten_notice(
        request, rewritten_tags(history, project.profile.baseline_pattern)
    )
    baseline = request.option("since") or history.latest_tag(
        project.profile.baseline_pattern
    )
    if not baseline:
        return [
            *lost,
            paragraph(
                f"No baseline yet: no git tag matches {project.profile.baseline_pattern!r}. "
                "The change log starts at the first baseline."
            ),
        ]
    files = history.files_at(str(baseline))
    if files is None:
        request.warn(f"qms-changelog: unknown baseline {baseline!r}")
        return []
    old = scan_files(
        files, directives=project.profile.directives, is_source=project.is_source
    )
    difference = diff_revisions(
        old,
        list(domain.raw_items()),
        old=str(baseline),
        new="this build",
        link_names={link.name for link in project.profile.links},
    )
    summary = ", ".join(
        f"{len(difference.of_kind(k))} {k}" for k in ("added", "removed", "changed")
    )
    rows: list[list[Cell]] = []
    for item in difference.items:
        details = [f"{c.name}: {c.old!r} -> {c.new!r}" for c in item.fields]
        details += [f"+ {link}" for link in item.links_added]
        details += [f"- {link}" for link in item.links_removed]
        if item.text_diff:
            details.append("text changed")
        rows.append(
            [
                item.kind,
                request.link(item.item_id) if item.kind != "removed" else item.item_id,
                item.title,
                "; ".join(details),
            ]
        )
    output: list[nodes.Node] = [
        *lost,
        paragraph(f"Changes since baseline {baseline}: {summary}."),
    ]
    if rows:
        output.append(
            table(
                ["Change", "Item", "Title", "Details"],
                rows,
                classes=["qms-changelog"],
                widths=[8, 10, 40, 42],
            )
        )
    return output


CHANGELOG_RENDERERS: dict[str, Renderer] = {"changelog": render_changelog}


def setup(app: Sphinx) -> dict[str, Any]:
    """The changelog page (change control, :mod:`qmsdoc.processes`)."""
    add_aggregates(app, CHANGELOG_DIRECTIVES, CHANGELOG_RENDERERS)
    return PART_METADATA
