"""ReqIF in and out: the only module that imports the ``reqif`` library.

Reading (``qms import reqif``): a ``.reqif`` file, or the one ``.reqif`` of a
``.reqifz`` archive (inflated with a cap, :mod:`~qmsdoc.interchange.archive`), is
parsed first with DTDs and entities refused (:mod:`qmsdoc.safe_xml`) and checked
(:mod:`~qmsdoc.interchange.reqif_checks`), then read by the library. Each
SPEC-OBJECT whose type the mapping names becomes an item; each SPEC-RELATION whose
type it names, a link from its source to its target; objects of other types in the
SPECIFICATION hierarchy become the section headings of the objects below them.

Writing (``qms export reqif``): the whole device file as one SPECIFICATION, one
SPEC-OBJECT-TYPE per item type with the attributes ``ReqIF.ForeignID`` (the id),
``ReqIF.Name`` (the title), ``ReqIF.Text`` (the content, XHTML) and one per field of
the type (choices as enumerations, integers, dates; text as XHTML, which keeps line
breaks), and one SPEC-RELATION per link. Identifiers are derived from the names and
ids, and the only time written is the one given (``SOURCE_DATE_EPOCH`` or the
commit time, :mod:`qmsdoc.vcs.clock`), so the same file exports to the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reqif.models.reqif_core_content import ReqIFCoreContent  # type: ignore[import-untyped]
from reqif.models.reqif_data_type import (  # type: ignore[import-untyped]
    ReqIFDataTypeDefinitionDateIdentifier,
    ReqIFDataTypeDefinitionEnumeration,
    ReqIFDataTypeDefinitionInteger,
    ReqIFDataTypeDefinitionString,
    ReqIFDataTypeDefinitionXHTML,
    ReqIFEnumValue,
)
from reqif.models.reqif_namespace_info import ReqIFNamespaceInfo  # type: ignore[import-untyped]
from reqif.models.reqif_req_if_content import ReqIFReqIFContent  # type: ignore[import-untyped]
from reqif.models.reqif_reqif_header import ReqIFReqIFHeader  # type: ignore[import-untyped]
from reqif.models.reqif_spec_hierarchy import ReqIFSpecHierarchy  # type: ignore[import-untyped]
from reqif.models.reqif_spec_object import ReqIFSpecObject, SpecObjectAttribute  # type: ignore[import-untyped]
from reqif.models.reqif_spec_object_type import (  # type: ignore[import-untyped]
    ReqIFSpecObjectType,
    SpecAttributeDefinition,
)
from reqif.models.reqif_spec_relation import ReqIFSpecRelation  # type: ignore[import-untyped]
from reqif.models.reqif_spec_relation_type import ReqIFSpecRelationType  # type: ignore[import-untyped]
from reqif.models.reqif_specification import ReqIFSpecification  # type: ignore[import-untyped]
from reqif.models.reqif_specification_type import ReqIFSpecificationType  # type: ignore[import-untyped]
from reqif.models.reqif_types import SpecObjectAttributeType  # type: ignore[import-untyped]
from reqif.object_lookup import ReqIFObjectLookup  # type: ignore[import-untyped]
from reqif.parser import ReqIFParser  # type: ignore[import-untyped]
from reqif.reqif_bundle import ReqIFBundle  # type: ignore[import-untyped]
from reqif.unparser import ReqIFUnparser  # type: ignore[import-untyped]

from qmsdoc.errors import InputError
from qmsdoc.input_files import excerpt, read_input_bytes
from qmsdoc.interchange.archive import single_member
from qmsdoc.interchange.records import Skipped
from qmsdoc.interchange.reqif_checks import check_document
from qmsdoc.interchange.reqif_read import TOOL_ID, ReqifImport, read_bundle
from qmsdoc.interchange.xhtml import text_to_xhtml
from qmsdoc.safe_xml import parse_untrusted_xml

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from pathlib import Path

    from qmsdoc.interchange.mapping import ImportMapping
    from qmsdoc.model import Item
    from qmsdoc.profile import Profile

__all__ = ["ReqifExport", "read_reqif", "reqif_bytes"]

_ATTR = SpecObjectAttributeType


def read_reqif(path: Path, mapping: ImportMapping, profile: Profile) -> ReqifImport:
    """Read a ``.reqif`` or ``.reqifz`` file into items with ``mapping``.

    :raises InputError: One line with the file and line: not a (safe) ReqIF file,
        unknown datatypes, duplicate identifiers, dangling relations, an object of a
        mapped type without an id, or an id used twice.
    """
    data = read_input_bytes(path, kind="report")
    source = str(path)
    if path.suffix.lower() == ".reqifz":
        member, data = single_member(data, source=source, suffix=".reqif")
        source = f"{path}!{member}"
    root = parse_untrusted_xml(data, source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{source}: a ReqIF file must be UTF-8") from None
    check_document(root, text, source=source)
    try:
        bundle = ReqIFParser.parse_from_string(text)
    except Exception as error:  # the library raises what its parsers meet
        raise InputError(
            f"{source}: not a ReqIF file qmsdoc can read "
            f"({type(error).__name__}: {excerpt(str(error))})"
        ) from None
    if bundle.exceptions:
        problem = bundle.exceptions[0]
        raise InputError(f"{source}: {excerpt(str(problem.get_description()))}")
    result: ReqifImport = read_bundle(
        bundle, text, source=source, mapping=mapping, profile=profile
    )
    return result


@dataclass(frozen=True, slots=True, kw_only=True)
class ReqifExport:
    """The exported file and the links it could not carry."""

    data: bytes
    objects: int
    relations: int
    skipped: tuple[Skipped, ...]


def reqif_bytes(
    items: Sequence[Item], profile: Profile, *, title: str, created: datetime
) -> ReqifExport:
    """The device file's items as one ReqIF document.

    External items (from other projects' needs.json) are not written, nor links to
    them or to ids that are no item (both listed as skipped).

    :param title: The document title (the project's name).
    :param created: The time written as CREATION-TIME and every LAST-CHANGE.
    :raises InputError: One line at the item, if a field value cannot be written in
        its ReqIF datatype (a choice not among the field's values, a non-integer);
        ``qms check`` reports the same value.
    """
    return _Writer(profile, created.strftime("%Y-%m-%dT%H:%M:%S+00:00")).write(
        [item for item in items if not item.external], title
    )


_NCNAME = re.compile(r"[^A-Za-z0-9_.-]")


def _identifier(prefix: str, name: str) -> str:
    """A deterministic XML identifier: ``prefix-name`` with other characters as
    ``_xx`` (their code point), so different names never meet."""
    return f"{prefix}-" + _NCNAME.sub(lambda m: f"_{ord(m.group()):x}_", name)


def _escape(text: str) -> str:
    """For the names the library writes into XML attributes without escaping."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
    )


class _Writer:
    """Builds the bundle of one export."""

    def __init__(self, profile: Profile, stamp: str) -> None:
        self.profile = profile
        self.stamp = stamp
        self.skipped: list[Skipped] = []
        self.datatypes: dict[str, Any] = {}

    def write(self, items: Sequence[Item], title: str) -> ReqifExport:
        used_types = [
            t for t in self.profile.types if any(i.item_type == t.name for i in items)
        ]
        self.datatypes = self.make_datatypes(used_types)
        object_types = {t.name: self.object_type(t) for t in used_types}
        objects = [
            self.spec_object(item, object_types[item.item_type]) for item in items
        ]
        known = {item.id for item in items}
        relations, relation_types = self.relations(items, known)
        spec_type = ReqIFSpecificationType(
            identifier="ST-qmsdoc",
            long_name="qmsdoc device file",
            last_change=self.stamp,
        )
        hierarchy = [
            ReqIFSpecHierarchy(
                identifier=_identifier("SH", item.id),
                spec_object=spec_object.identifier,
                level=1,
                last_change=self.stamp,
            )
            for item, spec_object in zip(items, objects, strict=True)
        ]
        specification = ReqIFSpecification(
            identifier="SPEC-device-file",
            long_name=_escape(title),
            last_change=self.stamp,
            specification_type=spec_type.identifier,
            children=hierarchy,
        )
        content = ReqIFReqIFContent(
            data_types=list(self.datatypes.values()),
            spec_types=[*object_types.values(), *relation_types, spec_type],
            spec_objects=objects,
            spec_relations=relations,
            specifications=[specification],
        )
        header = ReqIFReqIFHeader(
            identifier="HEADER-qmsdoc",
            creation_time=self.stamp,
            req_if_tool_id=TOOL_ID,
            req_if_version="1.0",
            source_tool_id=TOOL_ID,
            title=_escape(title).replace("&amp;", "&"),
        )
        bundle = ReqIFBundle(
            namespace_info=ReqIFNamespaceInfo.create_default(),
            req_if_header=header,
            core_content=ReqIFCoreContent(req_if_content=content),
            tool_extensions_tag_exists=False,
            lookup=ReqIFObjectLookup.empty(),
            exceptions=[],
        )
        text: str = ReqIFUnparser.unparse(bundle)
        return ReqifExport(
            data=text.encode("utf-8"),
            objects=len(objects),
            relations=len(relations),
            skipped=tuple(self.skipped),
        )

    def make_datatypes(self, types: Sequence[Any]) -> dict[str, Any]:
        stamp = self.stamp
        datatypes: dict[str, Any] = {
            "string": ReqIFDataTypeDefinitionString(
                identifier="DT-string",
                long_name="string",
                last_change=stamp,
                max_length="10000",
            ),
            "xhtml": ReqIFDataTypeDefinitionXHTML(
                identifier="DT-xhtml", long_name="xhtml", last_change=stamp
            ),
            "integer": ReqIFDataTypeDefinitionInteger(
                identifier="DT-integer",
                long_name="integer",
                last_change=stamp,
                max_value="999999999999999999",
                min_value="-999999999999999999",
            ),
            "date": ReqIFDataTypeDefinitionDateIdentifier(
                identifier="DT-date", long_name="date", last_change=stamp
            ),
        }
        for name in sorted({f for t in types for f in (*t.required, *t.optional)}):
            spec = self.profile.field_spec(name)
            if spec is not None and spec.kind in ("choice", "choices"):
                values = [
                    ReqIFEnumValue(
                        identifier=_identifier(f"EV-{name}", value),
                        key=str(index),
                        long_name=_escape(value),
                        last_change=stamp,
                    )
                    for index, value in enumerate(spec.values)
                ]
                datatypes[name] = ReqIFDataTypeDefinitionEnumeration(
                    identifier=_identifier("DT-enum", name),
                    long_name=_escape(name),
                    values=values,
                    last_change=stamp,
                )
        return datatypes

    def kind_of(self, field: str) -> tuple[Any, str]:
        """(attribute type, datatype key) of a field."""
        spec = self.profile.field_spec(field)
        kind = spec.kind if spec is not None else "text"
        if kind in ("choice", "choices"):
            return _ATTR.ENUMERATION, field
        if kind == "integer":
            return _ATTR.INTEGER, "integer"
        if kind == "date":
            return _ATTR.DATE, "date"
        return _ATTR.XHTML, "xhtml"

    def object_type(self, item_type: Any) -> Any:
        definitions = [
            self.definition(item_type.name, "ReqIF.ForeignID", _ATTR.STRING, "string"),
            self.definition(item_type.name, "ReqIF.Name", _ATTR.STRING, "string"),
            self.definition(item_type.name, "ReqIF.Text", _ATTR.XHTML, "xhtml"),
        ]
        for field in (*item_type.required, *item_type.optional):
            attribute_type, key = self.kind_of(field)
            definition = self.definition(item_type.name, field, attribute_type, key)
            spec = self.profile.field_spec(field)
            definition.multi_valued = (
                spec is not None and spec.kind == "choices"
            ) or None
            definitions.append(definition)
        return ReqIFSpecObjectType(
            identifier=_identifier("SOT", item_type.name),
            long_name=_escape(item_type.name),
            last_change=self.stamp,
            attribute_definitions=definitions,
        )

    def definition(
        self, type_name: str, name: str, attribute_type: Any, key: str
    ) -> Any:
        return SpecAttributeDefinition(
            attribute_type=attribute_type,
            identifier=_identifier(f"AD-{type_name}", name),
            datatype_definition=self.datatypes[key].identifier,
            long_name=_escape(name),
            last_change=self.stamp,
        )

    def spec_object(self, item: Item, object_type: Any) -> Any:
        definitions = {d.long_name: d for d in object_type.attribute_definitions}
        attributes = [
            SpecObjectAttribute(
                attribute_type=_ATTR.STRING,
                definition_ref=definitions["ReqIF.ForeignID"].identifier,
                value=item.id,
            ),
            SpecObjectAttribute(
                attribute_type=_ATTR.STRING,
                definition_ref=definitions["ReqIF.Name"].identifier,
                value=item.title,
            ),
        ]
        if item.content.strip():
            attributes.append(
                SpecObjectAttribute(
                    attribute_type=_ATTR.XHTML,
                    definition_ref=definitions["ReqIF.Text"].identifier,
                    value=text_to_xhtml(item.content),
                )
            )
        for name, value in item.fields:
            definition = definitions.get(_escape(name))
            if definition is None:
                self.skipped.append(
                    Skipped(
                        where=f"{item.location}",
                        reason=f"{item.id}: field {name!r} is not a field of type {item.item_type!r}",
                    )
                )
                continue
            if value.strip():
                attributes.append(self.attribute(item, name, value, definition))
        return ReqIFSpecObject(
            identifier=_identifier("SO", item.id),
            attributes=attributes,
            spec_object_type=object_type.identifier,
            last_change=self.stamp,
        )

    def attribute(self, item: Item, name: str, value: str, definition: Any) -> Any:
        attribute_type, key = self.kind_of(name)
        spec = self.profile.field_spec(name)
        problem = None if spec is None else spec.value_problem(value)
        if problem is not None and attribute_type != _ATTR.XHTML:
            raise InputError(
                f"{item.location}: {item.id}: {name}: {problem}; a ReqIF "
                f"{attribute_type.name.lower()} cannot carry it (qms check reports it)"
            )
        ref = definition.identifier
        if attribute_type == _ATTR.ENUMERATION:
            parts = [p.strip() for p in re.split(r"[,;\n]", value) if p.strip()]
            values = {v.long_name: v.identifier for v in self.datatypes[key].values}
            return SpecObjectAttribute(
                attribute_type=attribute_type,
                definition_ref=ref,
                value=[values[_escape(p)] for p in parts],
            )
        if attribute_type == _ATTR.DATE:
            value = f"{value.strip()}T00:00:00+00:00"
        elif attribute_type == _ATTR.INTEGER:
            value = str(int(value.strip()))
        else:
            value = text_to_xhtml(value)
        return SpecObjectAttribute(
            attribute_type=attribute_type, definition_ref=ref, value=value
        )

    def relations(
        self, items: Sequence[Item], known: set[str]
    ) -> tuple[list[Any], list[Any]]:
        relations = []
        used: dict[str, Any] = {}
        for item in items:
            for link in item.links:
                if link.target not in known:
                    self.skipped.append(
                        Skipped(
                            where=str(item.location),
                            reason=f"{item.id}: {link.link_type} {link.target}: not an item of the device file",
                        )
                    )
                    continue
                kind = used.setdefault(
                    link.link_type,
                    ReqIFSpecRelationType(
                        identifier=_identifier("SRT", link.link_type),
                        long_name=_escape(link.link_type),
                        last_change=self.stamp,
                    ),
                )
                relations.append(
                    ReqIFSpecRelation(
                        identifier=_identifier(
                            "SR", f"{item.id}.{link.link_type}.{link.target}"
                        ),
                        relation_type_ref=kind.identifier,
                        source=_identifier("SO", item.id),
                        target=_identifier("SO", link.target),
                        last_change=self.stamp,
                    )
                )
        return relations, [used[name] for name in sorted(used)]
