"""ReqIF objects and relations as items: the reading half of ``qms import reqif``.

Works on the bundle the ``reqif`` library parsed (``reqif_format`` is the only
module that imports the library; here its objects are only read by attribute).
Each SPEC-OBJECT whose type the mapping names becomes an item, in the order of the
SPECIFICATION hierarchy (objects outside it last); objects of other types become
the section headings of the objects below them; each SPEC-RELATION whose type the
mapping names becomes a link of its source item to its target item. Values are read
as text: XHTML through :func:`~qmsdoc.interchange.xhtml.xhtml_to_text`, enumeration
values by their names (then ``[reqif.values]``), dates cut to the day for date
fields.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from qmsdoc.errors import InputError
from qmsdoc.interchange.records import ImportedItem, Skipped, normal_value
from qmsdoc.interchange.reqif_checks import identifier_lines, line_of
from qmsdoc.interchange.xhtml import xhtml_to_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.interchange.mapping import ImportMapping, ObjectTypeMap
    from qmsdoc.profile import Profile

__all__ = ["TOOL_ID", "ReqifImport", "read_bundle"]

#: the SOURCE-TOOL-ID of files qmsdoc writes: their content is rST
TOOL_ID = "qmsdoc"
_HEADING_ATTRIBUTES = ("ReqIF.ChapterName", "ReqIF.Name", "ReqIF.Text")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReqifImport:
    """What one ReqIF file gives: items (links included) and what was left out."""

    items: tuple[ImportedItem, ...]
    objects_read: int
    relations_read: int
    skipped: tuple[Skipped, ...]
    title: str


def read_bundle(
    bundle: Any,
    text: str,
    *,
    source: str,
    mapping: ImportMapping,
    profile: Profile,
) -> ReqifImport:
    """The items of a parsed ReqIF bundle.

    :param text: The document's text, for lines in messages.
    :raises InputError: One line: an object of a mapped type without an id, an id
        used twice, a value of an attribute or enumeration value its type lacks.
    """
    return _Reader(bundle, text, source, mapping, profile).read()


class _Reader:
    """Turns a parsed bundle into items; one instance per file."""

    def __init__(
        self,
        bundle: Any,
        text: str,
        source: str,
        mapping: ImportMapping,
        profile: Profile,
    ) -> None:
        content = bundle.core_content.req_if_content if bundle.core_content else None
        self.content = content
        self.text = text
        self.lines = identifier_lines(text)
        self.source = source
        self.mapping = mapping
        self.profile = profile
        header = bundle.req_if_header
        self.markup = "rst" if header and header.source_tool_id == TOOL_ID else "text"
        self.title = (header.title if header else None) or ""
        self.types = {t.identifier: t for t in _listed(content, "spec_types")}
        self.datatypes = {d.identifier: d for d in _listed(content, "data_types")}
        self.objects = {o.identifier: o for o in _listed(content, "spec_objects")}
        self.skipped: list[Skipped] = []
        self.items: dict[str, ImportedItem] = {}
        """object identifier -> item"""

    def where(self, identifier: str) -> str:
        line = line_of(self.lines, identifier)
        return f"{self.source}:{line}" if line is not None else self.source

    def read(self) -> ReqifImport:
        ordered = self.hierarchy_order()
        seen = {identifier for identifier, _ in ordered}
        ordered.extend((o, ()) for o in self.objects if o not in seen)
        ids: dict[str, str] = {}
        for identifier, section in ordered:
            item = self.item(self.objects[identifier], section)
            if item is None:
                continue
            if item.id in ids:
                raise InputError(
                    f"{item.source}: duplicate id {item.id!r} (first at {ids[item.id]})"
                )
            ids[item.id] = item.source
            self.items[identifier] = item
        relations = _listed(self.content, "spec_relations")
        links = self.links(relations)
        items = tuple(
            _with_links(item, links.get(identifier, {}))
            for identifier, item in self.items.items()
        )
        return ReqifImport(
            items=items,
            objects_read=len(self.objects),
            relations_read=len(relations),
            skipped=tuple(self.skipped),
            title=self.title,
        )

    def hierarchy_order(self) -> list[tuple[str, tuple[str, ...]]]:
        """(object identifier, headings above it) in the order of the hierarchy."""
        order: list[tuple[str, tuple[str, ...]]] = []
        for specification in _listed(self.content, "specifications"):
            name = specification.long_name or specification.identifier
            section = () if name == self.title else (name,)
            self.walk(specification.children or [], section, order)
        return order

    def walk(
        self,
        nodes: Sequence[Any],
        section: tuple[str, ...],
        order: list[tuple[str, tuple[str, ...]]],
    ) -> None:
        for node in nodes:
            spec_object = self.objects[node.spec_object]
            order.append((node.spec_object, section))
            below = section
            if self.object_map(spec_object) is None:
                below = (*section, self.heading(spec_object))
            self.walk(node.children or [], below, order)

    def object_map(self, spec_object: Any) -> ObjectTypeMap | None:
        spec_type = self.types[spec_object.spec_object_type]
        return self.mapping.object_type(spec_type.long_name or spec_type.identifier)

    def heading(self, spec_object: Any) -> str:
        values = self.values(spec_object)
        for name in _HEADING_ATTRIBUTES:
            if values.get(name, "").strip():
                return values[name].split("\n", 1)[0]
        return str(spec_object.long_name or spec_object.identifier)

    def values(self, spec_object: Any) -> dict[str, str]:
        """Attribute long name -> value as text."""
        spec_type = self.types[spec_object.spec_object_type]
        definitions = {d.identifier: d for d in spec_type.attribute_definitions or []}
        values: dict[str, str] = {}
        for attribute in spec_object.attributes:
            definition = definitions.get(attribute.definition_ref)
            if definition is None:
                raise InputError(
                    f"{self.where(spec_object.identifier)}: a value names attribute "
                    f"{attribute.definition_ref!r}, which its type does not define"
                )
            name = definition.long_name or definition.identifier
            values[name] = self.value_text(attribute, definition)
        return values

    def value_text(self, attribute: Any, definition: Any) -> str:
        kind = attribute.attribute_type.name
        if kind == "XHTML":
            return xhtml_to_text(attribute.value or "")
        if kind != "ENUMERATION":
            return str(attribute.value)
        datatype = self.datatypes[definition.datatype_definition]
        names = []
        for reference in attribute.value:
            value = datatype.values_map.get(reference)
            if value is None:
                raise InputError(
                    f"{self.source}:{_line(self.text, reference)}: enumeration "
                    f"value {reference!r} is not a value of {datatype.identifier!r}"
                )
            names.append(value.long_name or value.key or value.identifier)
        return "\n".join(names)

    def item(self, spec_object: Any, section: tuple[str, ...]) -> ImportedItem | None:
        where = self.where(spec_object.identifier)
        object_map = self.object_map(spec_object)
        if object_map is None:
            spec_type = self.types[spec_object.spec_object_type]
            reason = f"type {spec_type.long_name!r} is not in the mapping (a heading)"
            self.skipped.append(Skipped(where=where, reason=reason))
            return None
        values = self.values(spec_object)
        item_id = values.get(object_map.id, "").strip()
        if not item_id:
            raise InputError(
                f"{where}: object {spec_object.identifier!r} has no "
                f"{object_map.id!r} value (the item id)"
            )
        item_type = self.profile.item_type(object_map.item_type)
        assert item_type is not None  # checked when the mapping was read
        field_of = dict(object_map.fields)
        fields = [  # in the object's order of values
            (field_of[name], self.field_value(field_of[name], value))
            for name, value in values.items()
            if name in field_of and value.strip()
        ]
        present = {field for field, _ in fields}
        fields.extend(pair for pair in object_map.defaults if pair[0] not in present)
        return ImportedItem(
            item_type=item_type.name,
            directive=item_type.directive,
            id=item_id,
            title=" ".join(values.get(object_map.title, "").split()),
            fields=tuple(fields),
            links=(),
            content=values.get(object_map.content, ""),
            markup=self.markup,
            section=section,
            source=where,
        )

    def field_value(self, field: str, value: str) -> str:
        spec = self.profile.field_spec(field)
        kind = spec.kind if spec is not None else "text"
        parts = value.split("\n") if kind in ("choice", "choices") else [value]
        mapped = [self.mapping.value(field, part) for part in parts]
        if kind == "date":
            mapped = [part[:10] for part in mapped]
        return normal_value(", ".join(mapped))

    def links(self, relations: Sequence[Any]) -> dict[str, dict[str, list[str]]]:
        """source object -> link -> target ids, in the order of the relations."""
        links: dict[str, dict[str, list[str]]] = {}
        for relation in relations:
            where = self.where(relation.identifier)
            kind = self.types[relation.relation_type_ref]
            link = self.mapping.relation(kind.long_name or kind.identifier)
            if link is None:
                reason = f"relation type {kind.long_name!r} is not in the mapping"
                self.skipped.append(Skipped(where=where, reason=reason))
                continue
            source = self.items.get(relation.source)
            target = self.items.get(relation.target)
            if source is None or target is None:
                reason = "a relation of an object that is not imported as an item"
                self.skipped.append(Skipped(where=where, reason=reason))
                continue
            targets = links.setdefault(relation.source, {}).setdefault(link, [])
            if target.id not in targets:
                targets.append(target.id)
        return links


def _listed(content: Any, name: str) -> list[Any]:
    if content is None:
        return []
    return list(getattr(content, name) or [])


def _with_links(item: ImportedItem, links: dict[str, list[str]]) -> ImportedItem:
    if not links:
        return item
    return replace(
        item, links=tuple((name, tuple(targets)) for name, targets in links.items())
    )


def _line(text: str, reference: str) -> int:
    position = text.find(f">{reference}<")
    return 1 if position < 0 else text.count("\n", 0, position) + 1
