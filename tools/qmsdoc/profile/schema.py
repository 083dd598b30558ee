"""The JSON Schema (draft 2020-12) of ``qms.toml`` and of a profile, for editors.

Written from the key sets the loader checks with (:mod:`qmsdoc.profile.keys`, and the
project loader's for ``[project]``), so a key the loader rejects is one the schema
rejects. Nothing is required: ``qms.toml`` usually ``extends`` a packaged profile and
overrides a few keys, and the merged profile is what the loader validates in full.
The schema checks key names and value types; cross-references (a link naming a
declared type, a matrix cell naming a region) are the loader's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qmsdoc.input_files import CONFIGURABLE
from qmsdoc.profile import keys, packaged_profiles
from qmsdoc.profile.model import FIELD_KINDS, SEVERITIES

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["profile_schema"]


Schema = dict[str, Any]

_STRING: Schema = {"type": "string"}
_STRINGS: Schema = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
_BOOL: Schema = {"type": "boolean"}
_INTEGER: Schema = {"type": "integer"}
#: names of fields, links, types, rules, matrices (``_NAME`` of the loader)
_NAME_PATTERN = "^[a-z][a-z0-9_]*$"

#: value types of keys that mean the same in every table they appear in; a key not
#: named here takes a string, unless its table says otherwise
_COMMON: dict[str, Schema] = {
    "required": _STRINGS,
    "optional": _STRINGS,
    "values": _STRINGS,
    "types": _STRINGS,
    "expand": _STRINGS,
    "expand_types": _STRINGS,
    "path": _STRINGS,
    "test_types": _STRINGS,
    "verified_types": _STRINGS,
    "unchanged_fields": _STRINGS,
    "verification_links": _STRINGS,
    "software_paths": _STRINGS,
    "irrelevant_values": _STRINGS,
    "effectiveness_types": _STRINGS,
    "required_types": _STRINGS,
    "advisory": _STRINGS,
    "released_statuses": _STRINGS,
    "retired_statuses": _STRINGS,
    "exempt": _STRINGS,
    "rendering_options": _STRINGS,
    "resolved_states": _STRINGS,
    "software_elements": _STRINGS,
    "interface_elements": _STRINGS,
    "approved_outcomes": _STRINGS,
    "closed_states": _STRINGS,
    "hosted_values": _STRINGS,
    "training_purposes": _STRINGS,
    "test_purposes": _STRINGS,
    "updates_values": _STRINGS,
    "subgroups": _STRINGS,
    "documents": _STRINGS,
    "roles": _STRINGS,
    "meanings": _STRINGS,
    "from": _STRINGS,
    "to": _STRINGS,
    "min": _INTEGER,
    "max": _INTEGER,
    "acyclic": _BOOL,
    "blocking": _BOOL,
    "allow_empty": _BOOL,
    "independent": _BOOL,
    "acceptable": _BOOL,
    "needs_control": _BOOL,
    "needs_benefit_risk": _BOOL,
}


def _table(
    names: Iterable[str],
    special: dict[str, Schema] | None = None,
    *,
    description: str = "",
) -> Schema:
    """A table that accepts exactly ``names``; ``special`` gives their value types
    where they differ from :data:`_COMMON` (default: a string)."""
    special = special or {}
    names = set(names)
    properties = {
        name: special.get(name, _COMMON.get(name, _STRING)) for name in sorted(names)
    }
    unknown = set(special) - set(names)
    if unknown:  # a typo here would document a key the loader rejects
        msg = f"schema names keys the loader does not accept: {sorted(unknown)}"
        raise ValueError(msg)
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _named(entry: Schema, description: str) -> Schema:
    """A table of tables keyed by name (``[types.<name>]``)."""
    return {
        "type": "object",
        "description": description,
        "propertyNames": {"pattern": _NAME_PATTERN},
        "additionalProperties": entry,
    }


def _scale() -> Schema:
    return _table(
        keys.SCALE,
        {
            "levels": {
                "type": "array",
                "minItems": 1,
                "items": _table(keys.SCALE_LEVEL),
            }
        },
    )


def _grid() -> Schema:
    return _table(
        keys.GRID,
        {"rows": {"type": "array", "items": {"type": "array"}}},
    )


def _regions() -> Schema:
    return {"type": "object", "additionalProperties": _table(keys.REGION)}


def _risk() -> Schema:
    special: dict[str, Schema] = {
        "method": {"enum": ["p1_p2", "p2_only"]},
        "fields": _table(keys.RISK_FIELD_ROLES.keys()),
        "regions": _regions(),
        "combination": _grid(),
        "matrix": _grid(),
    }
    special.update({name: _scale() for name in keys.RISK_SCALES})
    return _table(keys.RISK, special, description="Risk management plan (ISO 14971)")


def _security() -> Schema:
    special: dict[str, Schema] = {
        "fields": _table(keys.SECURITY_FIELD_ROLES),
        "regions": _regions(),
        "matrix": _grid(),
    }
    special.update({name: _scale() for name in keys.SECURITY_SCALES})
    return _table(keys.SECURITY, special, description="Security risk model")


def _profile_tables() -> dict[str, Schema]:
    return {
        "extends": {"enum": packaged_profiles()},
        "profile": _table(keys.PROFILE_META),
        "fields": _named(
            _table(keys.FIELD, {"kind": {"enum": list(FIELD_KINDS)}}),
            "Fields items may carry",
        ),
        "links": _named(_table(keys.LINK), "Link types between items"),
        "types": _named(
            _table(
                keys.TYPE,
                {
                    "links": {
                        "type": "object",
                        "additionalProperties": _STRINGS,
                    }
                },
            ),
            "Item types",
        ),
        "coverage": _named(
            _table(keys.COVERAGE_RULE, {"severity": {"enum": list(SEVERITIES)}}),
            "Coverage rules of the design-control chain (check id coverage_<name>)",
        ),
        "risk": _risk(),
        "matrices": _named(
            _table(
                keys.MATRIX,
                {
                    "columns": {
                        "type": "array",
                        "minItems": 1,
                        "items": _table(
                            keys.MATRIX_COLUMN,
                            {"from": {"enum": ["root", "row"]}, "required": _BOOL},
                        ),
                    }
                },
            ),
            "Trace matrices",
        ),
        "evidence": _table(keys.EVIDENCE),
        "soup": _table(keys.SOUP),
        "security": _security(),
        "gate": _table(keys.GATE),
        "suspect": _table(keys.SUSPECT),
        "approvals": _table(
            keys.APPROVALS,
            {
                "trailers": {"type": "object", "additionalProperties": _STRING},
                "policy": {"type": "array", "items": _table(keys.APPROVAL_RULE)},
            },
        ),
        "documents": _table(
            keys.DOCUMENTS,
            {
                "roles": {"type": "object", "additionalProperties": _STRING},
                "required": _BOOL,
            },
        ),
        "release": _table(keys.RELEASE),
        "design_review": _table(
            {*keys.DESIGN_REVIEW_OWN, *(key for key, _, _ in keys.DESIGN_REVIEW_FIELDS)}
        ),
        "design": _table(keys.DESIGN),
        "anomalies": _table(keys.ANOMALIES),
        "gspr": _table(keys.GSPR),
        "ai": _table(
            keys.AI, description="AI-enabled device software functions (models, data)"
        ),
        "input_limits": _table(
            frozenset(CONFIGURABLE),
            {
                kind: {"type": "integer", "minimum": 1, "maximum": 4096}
                for kind in CONFIGURABLE
            },
            description="Size limits in MiB of kinds of input file",
        ),
    }


def _project() -> Schema:
    # the project loader's key sets (qmsdoc.project), so [project] cannot drift either
    from qmsdoc import project  # noqa: PLC0415 (project imports this package)

    accepted = project._PROJECT_KEYS
    special: dict[str, Schema] = {
        "sources": _STRINGS,
        "exclude": _STRINGS,
        "pathways": _STRINGS,
        "classification": _table(
            project._CLASSIFICATION_KEYS,
            {"external_controls": _BOOL},
        ),
        "external_needs": {
            "type": "array",
            "items": {
                "anyOf": [
                    _STRING,
                    _table(project._EXTERNAL_KEYS),
                ]
            },
        },
        # section overrides of the pathway plans: checked against the plan by the
        # project loader when the plan is read
        "pathway_overrides": {"type": "object"},
    }
    return _table(
        accepted,
        {name: value for name, value in special.items() if name in accepted},
        description="The device file: name, item folders, pathways, classification",
    )


def profile_schema() -> Schema:
    """The JSON Schema of ``qms.toml`` (a project file with its profile tables) and of
    a profile file."""
    properties = _profile_tables()
    properties["project"] = _project()
    missing = keys.TOP_TABLES - set(properties)
    if missing:  # a table the loader accepts must be in the schema
        msg = f"schema has no entry for {sorted(missing)}"
        raise ValueError(msg)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "qmsdoc qms.toml and profile",
        "description": (
            "Keys of qms.toml and of qmsdoc profiles; generated by `qms profile "
            "--schema` from the tables the loader validates with."
        ),
        "type": "object",
        "properties": dict(sorted(properties.items())),
        "additionalProperties": False,
    }
