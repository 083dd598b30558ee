"""The item directive: sphinx-needs' need directive, recording the item as written."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from qmsdoc.errors import QmsError
from qmsdoc.model import MAX_ID_LENGTH, RawItem
from qmsdoc.profile import split_list
from qmsdoc.sphinxext.domain import QmsDomain, source_location
from qmsdoc.sphinxext.evidence_display import evidence_node
from qmsdoc.sphinxext.history_display import history_node
from qmsdoc.sphinxext.item_header import item_header_node
from qmsdoc.sphinxext.item_options import (
    AnyOptionSpec,
    DeferredOptionSpec,
    read_option_block,
)
from qmsdoc.sphinxext.needs_adapter import NeedDirective

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["DocutilsItemDirective", "ItemDirective"]


class ItemDirective(NeedDirective):
    """Record a ``RawItem``, then let sphinx-needs build the need.

    Options the profile does not know are removed before sphinx-needs sees them, and a
    second item with an id already in use is not created, so each of these problems
    is reported once, by the matching qmsdoc check, at the item's file and line.

    docutils leaves the option lines in the argument text (the option spec is falsy)
    and :func:`read_option_block` reads them, faster than docutils when they are
    plain, with the same result and the same errors.
    """

    option_spec = DeferredOptionSpec()  # type: ignore[misc, assignment]  # Final in NeedDirective

    def run(self) -> Sequence[nodes.Node]:
        if not self.option_spec:
            error = read_option_block(self, NeedDirective)
            if error is not None:
                return [error]
        domain = QmsDomain.of(self.env)
        raw = self._raw_item()
        item_id = raw.option("id")
        duplicate = bool(item_id) and domain.has_id(item_id or "")
        domain.add_raw_item(raw)
        known = self._known_options()
        for name in [name for name in self.options if name not in known]:
            del self.options[name]
        if duplicate or len(item_id or "") > MAX_ID_LENGTH:
            return []
        self._drop_overlong_targets()
        output = list(super().run())
        if item_id and self.config.qms_item_head == "qmsdoc":
            # the head goes after the anchor targets, before the need's own box
            position = next(
                (
                    index
                    for index, node in enumerate(output)
                    if not isinstance(node, nodes.target)
                ),
                len(output),
            )
            output.insert(position, item_header_node(item_id=item_id.strip()))
        if item_id and self._shows_evidence():
            output.append(evidence_node(item_id=item_id.strip()))
            domain.note_evidence_page(self.env.docname)
        if item_id:
            output.append(history_node(item_id=item_id.strip()))
            output.insert(0, _index_entry(item_id.strip()))
        return output

    def _drop_overlong_targets(self) -> None:
        """Remove link targets longer than any id (qms.id_malformed and the link
        checks report them from the recorded item): sphinx-needs would sort them."""
        for name in self.config.needs_links:
            value = self.options.get(name)
            if not value:
                continue
            targets = split_list(value)
            kept = [target for target in targets if len(target) <= MAX_ID_LENGTH]
            if len(kept) != len(targets):
                self.options[name] = ", ".join(kept)

    def _shows_evidence(self) -> bool:
        try:
            profile = QmsDomain.of(self.env).project().profile
        except QmsError:
            return False
        config = profile.evidence
        item_type = profile.type_for_directive(self.name)
        if config is None or item_type is None:
            return False
        return (
            item_type.name in config.verified_types
            or item_type.name in config.test_types
        )

    def _raw_item(self) -> RawItem:
        options = tuple((name, value or "") for name, value in self.options.items())
        return RawItem(
            directive=self.name,
            title=" ".join(self.arguments),
            options=options,
            content="\n".join(self.content),
            location=source_location(self),
        )

    def _known_options(self) -> set[str]:
        """The options passed to sphinx-needs: the profile's fields and links and
        the rendering tool's own options (``[profile] rendering_options``, such as
        ``:template:``), untouched."""
        known = {"id", "status", "tags"}
        with contextlib.suppress(QmsError):
            known.update(QmsDomain.of(self.env).project().profile.rendering_options)
        known.update(self.config.needs_fields)
        known.update(self.config.needs_links)
        return known


def _index_entry(item_id: str) -> addnodes.index:
    """A main index entry for the item's id at its anchor: the general index lists
    every item, and the HTML search, which scores an index entry that matches the
    whole query above titles and words, gives the item's own page first for its id
    (the word index alone splits ``REQ-022`` into ``req`` and ``022``)."""
    return addnodes.index(entries=[("single", item_id, item_id, "main", None)])


class DocutilsItemDirective(ItemDirective):
    """The item directive when the speed-ups are off
    (:func:`qmsdoc.sphinxext.speedups.active`): docutils, or myst-parser, reads the
    option block itself, as for any directive."""

    option_spec = AnyOptionSpec()  # type: ignore[misc, assignment]
