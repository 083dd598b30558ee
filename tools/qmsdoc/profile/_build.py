"""Turn the raw TOML tables of a profile into validated :class:`Profile` records.

Every problem raises :class:`ProfileError` naming the file, the key and what is wrong,
so a bad profile stops the build with one clear message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from qmsdoc.input_files import CONFIGURABLE
from qmsdoc.profile import keys
from qmsdoc.profile._primitives import sorted_names
from qmsdoc.profile._roles import Declared
from qmsdoc.profile._sections import Sections
from qmsdoc.profile.ai import build_ai
from qmsdoc.profile.anomalies import build_anomalies
from qmsdoc.profile.approval_policy import build_approval_policy
from qmsdoc.profile.design import build_design
from qmsdoc.profile.design_review import build_design_review
from qmsdoc.profile.document_control import build_document_control
from qmsdoc.profile.gspr import build_gspr
from qmsdoc.profile.model import (
    FIELD_KINDS,
    SEVERITIES,
    CoverageRule,
    FieldSpec,
    ItemType,
    LinkType,
    Profile,
)
from qmsdoc.profile.risk_build import build_risk_model
from qmsdoc.profile.security_build import build_security_model

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["build_profile"]

#: the largest input limit a profile may set, in MiB
_MAX_LIMIT_MIB = 4096
_DIRECTIVE = re.compile(r"[a-z][a-z0-9_-]*")
#: fields sphinx-needs reserves for itself, which a profile may not declare
_RESERVED = frozenset({"id", "title", "type", "content", "docname", "lineno"})
_TOP_KEYS = keys.TOP_TABLES


def build_profile(data: Mapping[str, Any], source: str) -> Profile:
    """Validate the merged TOML tables of a profile and build the :class:`Profile`.

    :param data: The TOML document (after ``extends`` was merged).
    :param source: The file the data came from, for messages.
    :raises ProfileError: On the first problem found.
    """
    builder = _Builder(source)
    return builder.profile(data)


class _Builder(Sections):
    def profile(self, data: Mapping[str, Any]) -> Profile:
        for key in data:
            if key not in _TOP_KEYS and key != "project":
                raise self.fail(
                    key, f"unknown table; expected one of {sorted_names(_TOP_KEYS)}"
                )
        if isinstance(data.get("project"), dict):
            self.project_paths(data["project"], "project", "sources")
        meta = self.table(data, "profile")
        self.only_keys(meta, "profile", set(keys.PROFILE_META))
        default_pattern = self.text(meta, "profile", "id_pattern", "{prefix}[0-9]{3,}")
        self.linear_pattern(
            default_pattern.replace("{prefix}", "X"), "profile.id_pattern"
        )
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
        type_fields = {item_type.name: item_type.fields for item_type in types}
        link_names = {link.name for link in links}
        soup = None
        if "soup" in data:
            soup = self.soup(
                self.as_table(data["soup"], "soup"),
                type_fields=type_fields,
                link_names=link_names,
            )
        security = None
        if "security" in data:
            security = build_security_model(
                self.as_table(data["security"], "security"),
                self,
                type_fields=type_fields,
                link_names=link_names,
            )
        suspect = self.table(data, "suspect", required=False)
        self.only_keys(suspect, "suspect", set(keys.SUSPECT))
        approvals = self.table(data, "approvals", required=False)
        self.only_keys(approvals, "approvals", set(keys.APPROVALS))
        gate = self.table(data, "gate", required=False)
        self.only_keys(gate, "gate", set(keys.GATE))
        input_limits = self.input_limits(
            self.table(data, "input_limits", required=False)
        )
        release = self.table(data, "release", required=False)
        self.only_keys(release, "release", set(keys.RELEASE))
        status_field = self.text(gate, "gate", "status_field", "") or None
        if status_field is not None and status_field not in {f.name for f in fields}:
            raise self.fail("gate.status_field", f"{status_field!r} is not a field")
        declared = Declared(
            type_fields=type_fields,
            fields={spec.name: spec for spec in fields},
            link_names=link_names,
        )
        return Profile(
            suspect_record=self.project_path(suspect, "suspect", "record")
            if "record" in suspect
            else None,
            suspect_excluded=self.strings(suspect, "suspect", "unchanged_fields"),
            baseline_pattern=self.text(suspect, "suspect", "baselines", "v*"),
            signer_registry=self.project_path(approvals, "approvals", "registry")
            if "registry" in approvals
            else None,
            review_exports=self.project_path(approvals, "approvals", "reviews")
            if "reviews" in approvals
            else None,
            approval_types=self.known_types(
                approvals, "approvals", "required_types", {t.name for t in types}
            ),
            approval_policy=build_approval_policy(
                approvals, self, {t.name for t in types}
            )
            if approvals
            else None,
            documents=build_document_control(
                self.as_table(data["documents"], "documents"), self
            )
            if "documents" in data
            else None,
            advisory_checks=tuple(
                name.removeprefix("qms.")
                for name in self.strings(gate, "gate", "advisory")
            ),
            status_field=status_field,
            released_statuses=self.strings(gate, "gate", "released_statuses"),
            retired_statuses=self.strings(gate, "gate", "retired_statuses"),
            design_review=build_design_review(
                self.as_table(data["design_review"], "design_review"),
                self,
                type_fields=type_fields,
                fields={spec.name: spec for spec in fields},
                link_names=link_names,
            )
            if "design_review" in data
            else None,
            design=build_design(self.as_table(data["design"], "design"), self, declared)
            if "design" in data
            else None,
            anomalies=build_anomalies(
                self.as_table(data["anomalies"], "anomalies"), self, declared
            )
            if "anomalies" in data
            else None,
            gspr=build_gspr(self.as_table(data["gspr"], "gspr"), self, declared)
            if "gspr" in data
            else None,
            ai=build_ai(self.as_table(data["ai"], "ai"), self, declared)
            if "ai" in data
            else None,
            input_limits=input_limits,
            release_records=self.project_path(
                release, "release", "records", "traceability/releases"
            ),
            risk=risk,
            matrices=matrices,
            evidence=evidence,
            soup=soup,
            security=security,
            name=self.text(meta, "profile", "name"),
            version=self.text(meta, "profile", "version"),
            description=self.text(meta, "profile", "description", ""),
            rendering_options=self.strings(meta, "profile", "rendering_options"),
            source=self.source,
            fields=fields,
            links=links,
            types=types,
            coverage=coverage,
        )

    # -- sections ---------------------------------------------------------------------

    def input_limits(self, spec: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
        """``[input_limits]``: the size limit in MiB (1 to 4,096) of each kind of
        input file the profile names; the others keep their default."""
        self.only_keys(spec, "input_limits", set(CONFIGURABLE))
        limits = []
        for kind in CONFIGURABLE:
            mebibytes = self.integer(spec, "input_limits", kind)
            if mebibytes is None:
                continue
            if not 1 <= mebibytes <= _MAX_LIMIT_MIB:
                raise self.fail(
                    f"input_limits.{kind}",
                    f"{mebibytes} is not a size in MiB from 1 to {_MAX_LIMIT_MIB}",
                )
            limits.append((kind, mebibytes * 1024 * 1024))
        return tuple(limits)

    def fields(self, table: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
        specs = []
        for name, raw in sorted(table.items()):
            key = f"fields.{name}"
            self.name(name, key)
            if name in _RESERVED:
                raise self.fail(key, f"{name!r} is reserved and cannot be a field")
            spec = self.as_table(raw, key)
            self.only_keys(spec, key, set(keys.FIELD))
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
            self.only_keys(spec, key, set(keys.LINK))
            acyclic = spec.get("acyclic", True)
            if not isinstance(acyclic, bool):
                raise self.fail(f"{key}.acyclic", "must be true or false")
            links.append(
                LinkType(
                    name=name,
                    incoming=self.text(spec, key, "incoming"),
                    description=self.text(spec, key, "description", ""),
                    acyclic=acyclic,
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
            raise self.fail(
                "links", f"{sorted_names(clash)} is both a field and a link"
            )
        type_names = set(table)
        types = []
        for name, raw in table.items():
            key = f"types.{name}"
            self.name(name, key)
            spec = self.as_table(raw, key)
            self.only_keys(spec, key, set(keys.TYPE))
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
                    id_pattern=self.linear_pattern(
                        pattern.replace("{prefix}", re.escape(prefix)),
                        f"{key}.id_pattern",
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
            self.only_keys(spec, key, set(keys.COVERAGE_RULE))
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
            allow_empty = spec.get("allow_empty", False)
            if not isinstance(allow_empty, bool):
                raise self.fail(f"{key}.allow_empty", "must be true or false")
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
                    allow_empty=allow_empty,
                )
            )
        return tuple(rules)
