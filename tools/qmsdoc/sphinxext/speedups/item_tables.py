"""Item tables (sphinx-needs' ``needtable``) written as HTML rows, not docutils nodes.

sphinx-needs builds a needtable's body one docutils node per row, cell, paragraph,
reference and separator (``row_col_maker``), which the HTML writer then walks node by
node. On the 5,000-item benchmark corpus that is about 12% of a clean build: 6.6 s of
57 s profiled for two pages (`bench/README.md`). For the HTML builders qmsdoc writes
the body rows as one HTML fragment instead, from the same filtered and sorted needs,
and keeps everything else of the table as sphinx-needs makes it (caption, column
widths, header cells and their ``data-*`` attributes, wrapper, interactive-table flag,
"no needs" paragraph, filter and ``max_items`` notices). The rows are byte for byte
what the writer makes of sphinx-needs' nodes: ``tests/sphinxext/test_item_tables.py``
builds the same tables both ways and compares them.

A table that needs what this module does not reproduce is left to sphinx-needs, whole:
need parts (``:show_parts:``, part ids in links), external needs, ``:style_row:``,
string links (``needs_string_links``), set-valued fields, non-HTML builders, or
``qms_item_tables = "sphinx-needs"`` in ``conf.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.writers._html_base import HTMLTranslator
from sphinx.util.logging import pending_logging
from sphinx_needs.config import NeedsSphinxConfig
from sphinx_needs.data import SphinxNeedsData
from sphinx_needs.directives.needtable import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_PAGE_SIZES,
    HAS_INTERACTIVE_TABLE,
    Needtable,
    NeedtableHeader,
    NeedtableTable,
    validate_page_size,
    validate_page_sizes,
)
from sphinx_needs.directives.utils import (
    no_needs_found_paragraph,
    report_max_items,
    used_filter_paragraph,
)
from sphinx_needs.filter_common import apply_max_items, process_filters, sort_key
from sphinx_needs.need_item import NeedItem
from sphinx_needs.needs_schema import LinkSchema

from qmsdoc.sphinxext.relative_uris import RelativeUris

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from sphinx.application import Sphinx

__all__ = ["install", "write_item_tables"]

#: the characters docutils' HTML writer escapes in text and attribute values
_ESCAPES = HTMLTranslator.special_characters
_WHITESPACE = re.compile(r"\s+")
#: value types whose text is ``str(value)``, as ``row_col_maker`` writes them
_SCALARS = (str, int, float, bool)


class _NotPlain(Exception):  # noqa: N818 (a signal, not an error)
    """The table needs a sphinx-needs feature this module does not reproduce."""


def install(app: Sphinx) -> None:
    """Connect the speed-up (:mod:`qmsdoc.sphinxext.speedups` decides whether)."""
    app.connect("doctree-resolved", write_item_tables, priority=400)


def write_item_tables(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace each plain ``needtable`` of an HTML page before sphinx-needs sees it."""
    if app.builder.format != "html" or app.config.qms_item_tables != "qmsdoc":
        return
    config = NeedsSphinxConfig(app.config)
    if not config.include_needs or config.string_links:
        return
    tables = list(doctree.findall(Needtable))
    if not tables:
        return
    data = SphinxNeedsData(app.env)
    schema = data.get_schema()
    all_needs = data.get_needs_view()
    page = _Page(
        app=app,
        doctree=doctree,
        config=config,
        schema=schema,
        links=_link_columns(schema),
        all_needs=all_needs,
        references=_References(all_needs, RelativeUris(app.builder, fromdocname)),
    )
    for node in tables:
        try:
            _replace(page, node)
        except _NotPlain:
            continue


@dataclass(frozen=True, slots=True)
class _Page:
    """What every table of one page is written from."""

    app: Sphinx
    doctree: nodes.document
    config: NeedsSphinxConfig
    schema: Any
    links: Mapping[str, str]
    all_needs: Any
    references: _References
    """Reference HTML per need, shared by the page's tables."""


def _replace(page: _Page, node: Needtable) -> None:
    table = node.attributes
    config = page.config
    if table["show_parts"] or table["style_row"]:
        raise _NotPlain
    with pending_logging() as messages:
        # a table left to sphinx-needs is filtered again there: its messages once
        try:
            needs, total, rows = _rows(page, node)
        except _NotPlain:
            messages.clear()
            raise
    style = _style(table["style"], config)
    table_node = _table(node, style, page, rows)
    replacement: list[nodes.Node] = []
    if not needs:
        replacement.append(no_needs_found_paragraph(table.get("filter_warning")))
    else:
        if style == "TABLE":
            wrapper = nodes.container(classes=["needstable_wrapper"])
            wrapper += table_node
            replacement.append(wrapper)
        else:
            replacement.append(table_node)
            page.doctree[HAS_INTERACTIVE_TABLE] = True
        if table["show_filters"]:
            replacement.append(used_filter_paragraph(table))
    if len(needs) < total:
        replacement.append(
            report_max_items(len(needs), total, origin="needtable", location=node)
        )
    node.replace_self(replacement)


def _rows(page: _Page, node: Needtable) -> tuple[list[Any], int, str]:
    """The needs shown (filtered, sorted, capped), their total, and the body rows."""
    table = node.attributes
    needs = process_filters(
        page.app, page.all_needs, table, origin="needtable", location=node
    )
    sort_by = table["sort"]
    try:
        # equal values are ordered by id, as sphinx-needs orders them
        needs.sort(
            key=lambda need: (
                sort_key(need[sort_by], ignore_case=True),
                need["id_complete"],
            )
        )
    except KeyError:
        raise _NotPlain from None  # sphinx-needs warns about the sort key
    needs, total = apply_max_items(needs, table.get("max_items"), page.config)
    cells = [
        _cell_writer(option, page.links, page.references)
        for option, _ in table["columns"]
    ]
    rows = "".join(_row(index, need, cells) for index, need in enumerate(needs))
    return needs, total, rows


def _style(style: str, config: NeedsSphinxConfig) -> str:
    if style.upper() in ("TABLE", "DATATABLES"):
        return style.upper()
    return config.table_style.upper() if config.table_style else "DATATABLES"


def _table(
    node: Needtable,
    style: str,
    page: _Page,
    rows: str,
) -> nodes.table:
    """The table, column widths and header row as sphinx-needs makes them; ``rows``."""
    table = node.attributes
    config = page.config
    classes = [f"NEEDS_{style}", "colwidths-given", *table["classes"]]
    if style != "TABLE":
        classes.extend(config.table_classes)
    table_node = NeedtableTable(classes=classes, ids=[node["ids"][0] + "-table_node"])
    if style != "TABLE":
        page_size = (
            table.get("page_size")
            or validate_page_size(config.table_page_size)
            or DEFAULT_PAGE_SIZE
        )
        page_sizes = validate_page_sizes(config.table_page_sizes) or list(
            DEFAULT_PAGE_SIZES
        )
        table_node["html_attributes"] = {
            "data-needstable-page-size": str(page_size),
            "data-needstable-page-sizes": ",".join(str(size) for size in page_sizes),
        }
    group = nodes.tgroup(cols=len(table["columns"]))
    widths = table["colwidths"]
    for index, (option, _title) in enumerate(table["columns"]):
        width = widths[index] if widths else (15 if option == "TITLE" else 5)
        group += nodes.colspec(colwidth=width)
    headers = []
    for option, title in table["columns"]:
        key = option.lower()
        attributes = {"scope": "col", "data-col": key}
        field = page.schema.get_any_field(key)
        if (
            field is not None
            and not isinstance(field, LinkSchema)
            and field.type in ("integer", "number")
        ):
            attributes["data-type"] = "number"
        headers.append(
            NeedtableHeader(
                "",
                nodes.paragraph("", title),
                classes=[f"needs_col_{key}"],
                html_attributes=attributes,
            )
        )
    group += nodes.thead("", nodes.row("", *headers))
    group += nodes.tbody("", nodes.raw("", rows, format="html"))
    table_node += group
    table_node.line = table["lineno"]
    if table["caption"]:
        caption = table["caption"]
        table_node.insert(0, nodes.title(caption, "", nodes.Text(caption)))
    return table_node


def _cell_writer(
    option: str, links: Mapping[str, str], references: _References
) -> Callable[[Any], str]:
    """The writer of one column, chosen as ``process_needtables`` chooses its cells."""
    if option == "ID":
        start, end = _td("id")
        return lambda need: start + references.to_need(need) + end
    if option == "TITLE":
        start, end = _td("title")
        return lambda need: start + _values(need, "title") + end
    if option in links:
        key = links[option]
        start, end = _td(key)
        return lambda need: start + references.to_targets(need, key) + end
    key = option.lower()
    start, end = _td(key)
    return lambda need: start + _values(need, key) + end


def _row(index: int, need: Any, cells: Sequence[Callable[[Any], str]]) -> str:
    if not (need["is_need"] or isinstance(need, NeedItem)) or need["is_external"]:
        raise _NotPlain
    # the header row is the table's first row (odd): the first body row is even
    parity = "even" if index % 2 == 0 else "odd"
    need_id = _attribute(str(need["id_complete"]))
    cells_html = "\n".join(cell(need) for cell in cells)
    return (
        f'<tr class="need row-{parity}" data-need-id="{need_id}">{cells_html}\n</tr>\n'
    )


def _td(key: str) -> tuple[str, str]:
    """The HTML before and after the content of a cell of the column ``key``."""
    return f'<td class="needs_{_attribute(key)}"><p>', "</p></td>"


class _References:
    """The HTML of a reference to each need, from one page, made once per need."""

    def __init__(self, all_needs: Any, uris: RelativeUris) -> None:
        self._needs = all_needs
        self._uris = uris
        self._html: dict[str, str] = {}

    def to_need(self, need: Any) -> str:
        """The ID cell: a link to the need itself (its id alone if it has no page)."""
        return self._to(str(need["id"]), need)

    def to_targets(self, need: Any, key: str) -> str:
        """A link cell: each target linked, a target not found as text."""
        parts = []
        for target in _list_value(need, key):
            if "." in target:
                raise _NotPlain  # a need part
            parts.append(self._to(target, self._needs.get(target)))
        return _SEPARATOR.join(parts)

    def _to(self, target: str, other: Any) -> str:
        html = self._html.get(target)
        if html is not None:
            return html
        text = _text(target)
        if other is not None and other["is_external"]:
            raise _NotPlain
        if other is None or not other["docname"]:
            html = text
        else:
            uri = self._uris.of(other["docname"]) + "#" + str(other["id"])
            html = _reference(uri, text)
        self._html[target] = html
        return html


def _values(need: Any, key: str) -> str:
    return _SEPARATOR.join(_text(str(value)) for value in _list_value(need, key))


def _list_value(need: Any, key: str) -> list[Any]:
    if key not in need:
        return []
    value = need[key]
    if value is None:
        return []
    if isinstance(value, list):
        if not all(isinstance(item, _SCALARS) for item in value):
            raise _NotPlain
        return value
    if isinstance(value, _SCALARS):
        return [value]
    raise _NotPlain  # a set (unordered) or another kind of value


_SEPARATOR = "<em>; </em>"


def _reference(uri: str, text: str) -> str:
    return f'<a class="reference internal" href="{_attribute(uri)}">{text}</a>'


def _text(text: str) -> str:
    return text.translate(_ESCAPES)


def _attribute(value: str) -> str:
    return _WHITESPACE.sub(" ", value).translate(_ESCAPES)


def _link_columns(schema: Any) -> dict[str, str]:
    """Column name (upper case) -> the need key it shows, as sphinx-needs resolves it.

    A name maps to the last link type declaring it; it shows the incoming links if
    it is ``INCOMING`` or that type's ``_BACK`` or incoming name, the outgoing ones
    otherwise.
    """
    owners: dict[str, Any] = {}
    for link in schema.iter_link_fields():
        owners[link.name.upper()] = link
        owners[link.name.upper() + "_BACK"] = link
        owners[link.display.incoming.upper()] = link
        owners[link.display.outgoing.upper()] = link
        if link.name == "links":
            owners["OUTGOING"] = link
            owners["INCOMING"] = link
    return {
        option: (
            link.name + "_back"
            if option
            in ("INCOMING", link.name.upper() + "_BACK", link.display.incoming.upper())
            else link.name
        )
        for option, link in owners.items()
    }
