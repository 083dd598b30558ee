"""Turn the raw TOML tables of a profile into validated :class:`Profile` records.

Every problem raises :class:`ProfileError` naming the file, the key and what is wrong,
so a bad profile stops the build with one clear message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal, cast

from qmsdoc.errors import ProfileError
from qmsdoc.profile.model import (
    FIELD_KINDS,
    SEVERITIES,
    CoverageRule,
    EvidenceConfig,
    FieldSpec,
    ItemType,
    LinkType,
    MatrixColumn,
    MatrixSpec,
    PathStep,
    Profile,
)
from qmsdoc.risk._build import build_risk_model

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["build_profile"]

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_DIRECTIVE = re.compile(r"[a-z][a-z0-9_-]*")
#: fields sphinx-needs reserves for itself, which a profile may not declare
_RESERVED = frozenset({"id", "title", "type", "content", "docname", "lineno"})
_TOP_KEYS = frozenset(
    {
        "profile",
        "fields",
        "links",
        "types",
        "coverage",
        "risk",
        "matrices",
        "evidence",
        "gate",
        "suspect",
        "approvals",
        "extends",
    }
)


def build_profile(data: Mapping[str, Any], source: str) -> Profile:
    """Validate the merged TOML tables of a profile and build the :class:`Profile`.

    :param data: The TOML document (after ``extends`` was merged).
    :param source: The file the data came from, for messages.
    :raises ProfileError: On the first problem found.
    """
    builder = _Builder(source)
    return builder.profile(data)


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.source, problem, key=key)

    def profile(self, data: Mapping[str, Any]) -> Profile:
        for key in data:
            if key not in _TOP_KEYS and key != "project":
                raise self.fail(
                    key, f"unknown table; expected one of {_sorted(_TOP_KEYS)}"
                )
        meta = self.table(data, "profile")
        self.only_keys(
            meta, "profile", {"name", "version", "description", "id_pattern"}
        )
        default_pattern = self.text(meta, "profile", "id_pattern", "{prefix}[0-9]{3,}")
        self.pattern(default_pattern.replace("{prefix}", "X"), "profile")
        fields = self.fields(self.table(data, "fields"))
        links = self.links(self.table(data, "links"))
        types = self.types(
            self.table(data, "types"),
            field_names={spec.name for spec in fields},
            link_names={link.name for link in links},
            default_pattern=default_pattern,
        )
        coverage = self.coverage(
            self.table(data, "coverage", required=False),
            type_names={item_type.name for item_type in types},
            link_names={link.name for link in links},
        )
        risk = None
        if "risk" in data:
            risk = build_risk_model(
                self.as_table(data["risk"], "risk"),
                self,
                type_fields={item_type.name: item_type.fields for item_type in types},
            )
        matrices = self.matrices(
            self.table(data, "matrices", required=False),
            type_names={item_type.name for item_type in types},
            link_names={link.name for link in links},
        )
        evidence = None
        if "evidence" in data:
            evidence = self.evidence(
                self.as_table(data["evidence"], "evidence"),
                type_fields={item_type.name: item_type.fields for item_type in types},
            )
        suspect = self.table(data, "suspect", required=False)
        self.only_keys(suspect, "suspect", {"record", "unchanged_fields", "baselines"})
        approvals = self.table(data, "approvals", required=False)
        self.only_keys(
            approvals, "approvals", {"registry", "reviews", "required_types"}
        )
        gate = self.table(data, "gate", required=False)
        self.only_keys(gate, "gate", {"advisory"})
        return Profile(
            suspect_record=self.text(suspect, "suspect", "record")
            if "record" in suspect
            else None,
            suspect_excluded=self.strings(suspect, "suspect", "unchanged_fields"),
            baseline_pattern=self.text(suspect, "suspect", "baselines", "v*"),
            signer_registry=self.text(approvals, "approvals", "registry")
            if "registry" in approvals
            else None,
            review_exports=self.text(approvals, "approvals", "reviews")
            if "reviews" in approvals
            else None,
            approval_types=self.known_types(
                approvals, "approvals", "required_types", {t.name for t in types}
            ),
            advisory_checks=tuple(
                name.removeprefix("qms.")
                for name in self.strings(gate, "gate", "advisory")
            ),
            risk=risk,
            matrices=matrices,
            evidence=evidence,
            name=self.text(meta, "profile", "name"),
            version=self.text(meta, "profile", "version"),
            description=self.text(meta, "profile", "description", ""),
            source=self.source,
            fields=fields,
            links=links,
            types=types,
            coverage=coverage,
        )

    # -- sections ---------------------------------------------------------------------

    def fields(self, table: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
        specs = []
        for name, raw in sorted(table.items()):
            key = f"fields.{name}"
            self.name(name, key)
            if name in _RESERVED:
                raise self.fail(key, f"{name!r} is reserved and cannot be a field")
            spec = self.as_table(raw, key)
            self.only_keys(spec, key, {"kind", "values", "min", "max", "description"})
            kind = self.text(spec, key, "kind")
            if kind not in FIELD_KINDS:
                raise self.fail(
                    f"{key}.kind", f"{kind!r} is not one of {', '.join(FIELD_KINDS)}"
                )
            values = self.strings(spec, key, "values")
            if kind in ("choice", "choices") and not values:
                raise self.fail(
                    f"{key}.values", "a choice field needs a non-empty list of values"
                )
            minimum, maximum = (
                self.integer(spec, key, "min"),
                self.integer(spec, key, "max"),
            )
            if minimum is not None and maximum is not None and minimum > maximum:
                raise self.fail(key, f"min {minimum} is greater than max {maximum}")
            specs.append(
                FieldSpec(
                    name=name,
                    kind=kind,
                    values=values,
                    minimum=minimum,
                    maximum=maximum,
                    description=self.text(spec, key, "description", ""),
                )
            )
        return tuple(specs)

    def links(self, table: Mapping[str, Any]) -> tuple[LinkType, ...]:
        links = []
        for name, raw in sorted(table.items()):
            key = f"links.{name}"
            self.name(name, key)
            spec = self.as_table(raw, key)
            self.only_keys(spec, key, {"incoming", "description"})
            links.append(
                LinkType(
                    name=name,
                    incoming=self.text(spec, key, "incoming"),
                    description=self.text(spec, key, "description", ""),
                )
            )
        return tuple(links)

    def types(
        self,
        table: Mapping[str, Any],
        *,
        field_names: set[str],
        link_names: set[str],
        default_pattern: str,
    ) -> tuple[ItemType, ...]:
        if not table:
            raise self.fail("types", "the profile declares no item types")
        clash = field_names & link_names
        if clash:
            raise self.fail("links", f"{_sorted(clash)} is both a field and a link")
        type_names = set(table)
        types = []
        for name, raw in table.items():
            key = f"types.{name}"
            self.name(name, key)
            spec = self.as_table(raw, key)
            self.only_keys(
                spec,
                key,
                {
                    "directive", "title", "prefix", "id_pattern", "color",
                    "description", "required", "optional", "links",
                },
            )  # fmt: skip
            prefix = self.text(spec, key, "prefix")
            pattern = self.text(spec, key, "id_pattern", default_pattern)
            required = self.strings(spec, key, "required")
            optional = self.strings(spec, key, "optional")
            for field_name in required + optional:
                if field_name not in field_names:
                    raise self.fail(
                        key, f"field {field_name!r} is not declared in [fields]"
                    )
            if set(required) & set(optional):
                raise self.fail(key, "a field is listed as both required and optional")
            directive = self.text(spec, key, "directive", name)
            if not _DIRECTIVE.fullmatch(directive):
                raise self.fail(
                    f"{key}.directive", f"{directive!r} is not a valid directive name"
                )
            types.append(
                ItemType(
                    name=name,
                    directive=directive,
                    title=self.text(spec, key, "title"),
                    prefix=prefix,
                    id_pattern=self.pattern(
                        pattern.replace("{prefix}", re.escape(prefix)), key
                    ),
                    id_pattern_text=pattern.replace("{prefix}", prefix),
                    color=self.text(spec, key, "color", "#EEEEEE"),
                    description=self.text(spec, key, "description", ""),
                    required=required,
                    optional=optional,
                    allowed_links=self.allowed_links(
                        self.as_table(spec.get("links", {}), f"{key}.links"),
                        key=f"{key}.links",
                        link_names=link_names,
                        type_names=type_names,
                    ),
                )
            )
        self.unique(types, "directive")
        self.unique(types, "prefix")
        return tuple(types)

    def allowed_links(
        self,
        table: Mapping[str, Any],
        *,
        key: str,
        link_names: set[str],
        type_names: set[str],
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        allowed = []
        for link, _ in sorted(table.items()):
            if link not in link_names:
                raise self.fail(
                    f"{key}.{link}", f"link type {link!r} is not declared in [links]"
                )
            targets = self.strings(table, key, link)
            for target in targets:
                if target not in type_names:
                    raise self.fail(f"{key}.{link}", f"unknown item type {target!r}")
            allowed.append((link, targets))
        return tuple(allowed)

    def coverage(
        self, table: Mapping[str, Any], *, type_names: set[str], link_names: set[str]
    ) -> tuple[CoverageRule, ...]:
        rules = []
        for name, raw in sorted(table.items()):
            key = f"coverage.{name}"
            self.name(name, key)
            spec = self.as_table(raw, key)
            self.only_keys(
                spec,
                key,
                {
                    "description", "clause", "type", "incoming", "outgoing", "from",
                    "to", "severity", "blocking",
                },
            )  # fmt: skip
            if ("incoming" in spec) == ("outgoing" in spec):
                raise self.fail(key, "give exactly one of 'incoming' or 'outgoing'")
            direction: Literal["incoming", "outgoing"] = (
                "incoming" if "incoming" in spec else "outgoing"
            )
            counterpart_key = "from" if direction == "incoming" else "to"
            link = self.text(spec, key, direction)
            if link not in link_names:
                raise self.fail(
                    f"{key}.{direction}", f"link type {link!r} is not declared"
                )
            item_type = self.text(spec, key, "type")
            counterparts = self.strings(spec, key, counterpart_key)
            for type_name in (item_type, *counterparts):
                if type_name not in type_names:
                    raise self.fail(key, f"unknown item type {type_name!r}")
            if not counterparts:
                raise self.fail(
                    f"{key}.{counterpart_key}", "list at least one item type"
                )
            severity = self.text(spec, key, "severity", "error")
            if severity not in SEVERITIES:
                raise self.fail(
                    f"{key}.severity",
                    f"{severity!r} is not one of {', '.join(SEVERITIES)}",
                )
            blocking = spec.get("blocking", True)
            if not isinstance(blocking, bool):
                raise self.fail(f"{key}.blocking", "must be true or false")
            rules.append(
                CoverageRule(
                    name=name,
                    description=self.text(spec, key, "description"),
                    clause=self.text(spec, key, "clause", ""),
                    item_type=item_type,
                    direction=direction,
                    link=link,
                    counterpart_types=counterparts,
                    severity=severity,
                    blocking=blocking,
                )
            )
        return tuple(rules)

    def matrices(
        self, table: Mapping[str, Any], *, type_names: set[str], link_names: set[str]
    ) -> tuple[MatrixSpec, ...]:
        specs = []
        for name, raw in table.items():
            key = f"matrices.{name}"
            self.name(name, key)
            spec = self.as_table(raw, key)
            self.only_keys(
                spec,
                key,
                {"title", "description", "root", "expand", "expand_types", "columns"},
            )
            root = self.text(spec, key, "root")
            if root not in type_names:
                raise self.fail(f"{key}.root", f"unknown item type {root!r}")
            raw_columns = spec.get("columns")
            if not isinstance(raw_columns, list) or not raw_columns:
                raise self.fail(f"{key}.columns", "must be a non-empty list of tables")
            expand = self.path(spec, key, "expand", link_names)
            columns = []
            for number, raw_column in enumerate(raw_columns, start=1):
                column_key = f"{key}.columns[{number}]"
                column = self.as_table(raw_column, column_key)
                self.only_keys(
                    column, column_key, {"title", "from", "path", "types", "required"}
                )
                start = self.text(column, column_key, "from", "root")
                if start not in ("root", "row"):
                    raise self.fail(f"{column_key}.from", "must be 'root' or 'row'")
                if start == "row" and not expand:
                    raise self.fail(
                        f"{column_key}.from", "'row' needs an 'expand' path"
                    )
                required = column.get("required", False)
                if not isinstance(required, bool):
                    raise self.fail(f"{column_key}.required", "must be true or false")
                columns.append(
                    MatrixColumn(
                        title=self.text(column, column_key, "title"),
                        start="row" if start == "row" else "root",
                        path=self.path(column, column_key, "path", link_names),
                        types=self.known_types(column, column_key, "types", type_names),
                        required=required,
                    )
                )
            titles = [column.title for column in columns]
            if len(set(titles)) != len(titles):
                raise self.fail(f"{key}.columns", "two columns have the same title")
            specs.append(
                MatrixSpec(
                    name=name,
                    title=self.text(spec, key, "title"),
                    description=self.text(spec, key, "description", ""),
                    root=root,
                    expand=expand,
                    expand_types=self.known_types(
                        spec, key, "expand_types", type_names
                    ),
                    columns=tuple(columns),
                )
            )
        return tuple(specs)

    def evidence(
        self, table: Mapping[str, Any], *, type_fields: Mapping[str, tuple[str, ...]]
    ) -> EvidenceConfig:
        key = "evidence"
        self.only_keys(
            table,
            key,
            {
                "directory", "verifies_property", "name_pattern", "test_types",
                "automated_field", "verified_types", "unchanged_fields",
            },
        )  # fmt: skip
        names = set(type_fields)
        test_types = self.known_types(table, key, "test_types", names)
        automated_field = self.text(table, key, "automated_field", "automated_test")
        for type_name in test_types:
            if automated_field not in type_fields[type_name]:
                raise self.fail(
                    f"{key}.automated_field",
                    f"{automated_field!r} is not a field of {type_name!r}",
                )
        pattern_text = table.get("name_pattern")
        if pattern_text is not None and not isinstance(pattern_text, str):
            raise self.fail(
                f"{key}.name_pattern", "must be a regular expression string"
            )
        pattern = None
        if pattern_text:
            try:
                pattern = re.compile(pattern_text)
            except re.error as error:
                raise self.fail(
                    f"{key}.name_pattern", f"invalid regular expression: {error}"
                ) from None
        return EvidenceConfig(
            directory=self.text(table, key, "directory", "traceability/evidence"),
            verifies_property=self.text(table, key, "verifies_property", "verifies"),
            name_pattern=pattern,
            test_types=test_types,
            automated_field=automated_field,
            verified_types=self.known_types(table, key, "verified_types", names),
            unchanged_fields=self.strings(table, key, "unchanged_fields"),
        )

    def path(
        self, spec: Mapping[str, Any], key: str, name: str, link_names: set[str]
    ) -> tuple[PathStep, ...]:
        steps = []
        for step in self.strings(spec, key, name) if name in spec else ():
            link = step.removeprefix("<")
            if link not in link_names:
                raise self.fail(
                    f"{key}.{name}", f"link type {link!r} is not declared in [links]"
                )
            steps.append(PathStep(link=link, incoming=step.startswith("<")))
        return tuple(steps)

    def known_types(
        self, spec: Mapping[str, Any], key: str, name: str, type_names: set[str]
    ) -> tuple[str, ...]:
        values = self.strings(spec, key, name)
        for value in values:
            if value not in type_names:
                raise self.fail(f"{key}.{name}", f"unknown item type {value!r}")
        return values

    # -- primitives -------------------------------------------------------------------

    def table(
        self, data: Mapping[str, Any], key: str, *, required: bool = True
    ) -> Mapping[str, Any]:
        if key not in data:
            if required:
                raise self.fail(key, "missing table")
            return {}
        return self.as_table(data[key], key)

    def as_table(self, value: object, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return cast("Mapping[str, Any]", value)

    def text(
        self, spec: Mapping[str, Any], key: str, name: str, default: str | None = None
    ) -> str:
        if name not in spec:
            if default is None:
                raise self.fail(f"{key}.{name}", "missing value")
            return default
        value = spec[name]
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(f"{key}.{name}", "must be a non-empty string")
        return value

    def strings(self, spec: Mapping[str, Any], key: str, name: str) -> tuple[str, ...]:
        value = spec.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key}.{name}", "must be a list of strings")
        if len(set(value)) != len(value):
            raise self.fail(f"{key}.{name}", "lists a value twice")
        return tuple(value)

    def integer(self, spec: Mapping[str, Any], key: str, name: str) -> int | None:
        value = spec.get(name)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool)
        ):
            raise self.fail(f"{key}.{name}", "must be a whole number")
        return value

    def pattern(self, pattern: str, key: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern)
        except re.error as error:
            raise self.fail(
                f"{key}.id_pattern", f"invalid regular expression: {error}"
            ) from None

    def name(self, name: str, key: str) -> None:
        if not _NAME.fullmatch(name):
            raise self.fail(key, "names are lower case letters, digits and underscores")

    def only_keys(self, spec: Mapping[str, Any], key: str, allowed: set[str]) -> None:
        for name in spec:
            if name not in allowed:
                raise self.fail(
                    f"{key}.{name}", f"unknown key; expected one of {_sorted(allowed)}"
                )

    def unique(self, types: list[ItemType], attribute: str) -> None:
        seen: dict[str, str] = {}
        for item_type in types:
            value = getattr(item_type, attribute)
            if value in seen:
                raise self.fail(
                    f"types.{item_type.name}.{attribute}",
                    f"{value!r} is already used by type {seen[value]!r}",
                )
            seen[value] = item_type.name


def _sorted(names: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(names))
