"""The keys each table of a profile accepts, declared once.

The builders reject any other key with these sets (:meth:`Primitives.only_keys`), and
:mod:`qmsdoc.profile.schema` writes the JSON Schema of ``qms.toml`` from them, so
the schema an editor checks against cannot drift from what the loader accepts.
"""

from __future__ import annotations

__all__ = [
    "AI",
    "ANOMALIES",
    "APPROVALS",
    "APPROVAL_RULE",
    "COVERAGE_RULE",
    "DESIGN",
    "DESIGN_REVIEW_FIELDS",
    "DESIGN_REVIEW_OWN",
    "DOCUMENTS",
    "EVIDENCE",
    "FIELD",
    "GATE",
    "GRID",
    "GSPR",
    "LINK",
    "MATRIX",
    "MATRIX_COLUMN",
    "PROFILE_META",
    "REGION",
    "RELEASE",
    "RISK",
    "RISK_FIELD_ROLES",
    "RISK_SCALES",
    "SCALE",
    "SCALE_LEVEL",
    "SECURITY",
    "SECURITY_FIELD_ROLES",
    "SECURITY_SCALES",
    "SOUP",
    "SUSPECT",
    "TOP_TABLES",
    "TYPE",
]

#: the top-level tables of a profile (``[project]`` is the project loader's)
TOP_TABLES = frozenset(
    {
        "profile", "fields", "links", "types", "coverage", "risk", "matrices",
        "evidence", "soup", "security", "gate", "suspect", "approvals", "documents",
        "release", "design_review", "design", "anomalies", "gspr", "input_limits",
        "ai", "extends",
    }
)  # fmt: skip
PROFILE_META = frozenset(
    {"name", "version", "description", "id_pattern", "rendering_options"}
)
#: ``[fields.<name>]``
FIELD = frozenset({"kind", "values", "min", "max", "description"})
#: ``[links.<name>]``
LINK = frozenset({"incoming", "description", "acyclic"})
#: ``[types.<name>]``
TYPE = frozenset(
    {
        "directive", "title", "prefix", "id_pattern", "color", "description",
        "required", "optional", "links",
    }
)  # fmt: skip
#: ``[coverage.<name>]``
COVERAGE_RULE = frozenset(
    {
        "description", "clause", "type", "incoming", "outgoing", "from", "to",
        "severity", "blocking", "allow_empty",
    }
)  # fmt: skip
SUSPECT = frozenset({"record", "unchanged_fields", "baselines"})
APPROVALS = frozenset(
    {
        "registry", "reviews", "required_types", "trailers", "scope_trailer",
        "policy", "independence_exception",
    }
)  # fmt: skip
#: ``[[approvals.policy]]``
APPROVAL_RULE = frozenset(
    {"name", "types", "documents", "roles", "meanings", "independent", "clause"}
)
GATE = frozenset({"advisory", "status_field", "released_statuses", "retired_statuses"})
RELEASE = frozenset({"records"})
#: ``[matrices.<name>]``
MATRIX = frozenset(
    {"title", "description", "root", "expand", "expand_types", "columns"}
)
#: ``[matrices.<name>] columns = [...]``
MATRIX_COLUMN = frozenset({"title", "from", "path", "types", "required"})
EVIDENCE = frozenset(
    {
        "directory", "verifies_property", "name_pattern", "test_types",
        "automated_field", "verified_types", "unchanged_fields",
        "verification_links", "software_paths",
    }
)  # fmt: skip
SOUP = frozenset(
    {
        "directory", "vulnerabilities", "soup_type", "version_field", "purl_field",
        "relevance_field", "irrelevant_values", "hazard_link", "assessment_type",
        "identifier_field", "status_field", "justification_field", "action_field",
        "component_link", "mitigation_link", "supplier_field", "support_level_field",
        "end_of_support_field",
    }
)  # fmt: skip
RISK = frozenset(
    {
        "plan", "method", "hazard_type", "hazardous_situation_type", "harm_type",
        "control_type", "evaluation_type", "option_field", "information_option",
        "fields", "severity", "p1", "p2", "probability", "combination", "regions",
        "matrix", "verification_link", "scope_field", "effectiveness_types",
    }
)  # fmt: skip
#: the tables of ``[risk]`` and ``[security]`` that are scales
RISK_SCALES = ("severity", "p1", "p2", "probability")
SECURITY_SCALES = ("impact", "exploitability")
#: ``[risk.fields]``: each field role, and the type that owns the field
RISK_FIELD_ROLES = {
    "severity": "harm",
    "sequence": "situation",
    "p1": "situation",
    "p2": "situation",
    "residual_p1": "situation",
    "residual_p2": "situation",
    "initial_risk": "situation",
    "residual_risk": "situation",
    "benefit_risk": "situation",
    "information_only": "situation",
}
#: a scale (``[risk.severity]``, ``[security.impact]``, ...) and its levels
SCALE = frozenset({"title", "key", "levels"})
SCALE_LEVEL = frozenset({"name", "meaning"})
#: ``[risk.regions.<name>]``, ``[security.regions.<name>]``
REGION = frozenset(
    {"label", "color", "acceptable", "needs_control", "needs_benefit_risk"}
)
#: ``[risk.combination]``, ``[risk.matrix]``, ``[security.matrix]``
GRID = frozenset({"rows"})
SECURITY = frozenset(
    {
        "plan", "threat_type", "control_type", "control_link", "verification_link",
        "hazard_link", "fields", "impact", "exploitability", "regions", "matrix",
    }
)  # fmt: skip
#: ``[security.fields]``
SECURITY_FIELD_ROLES = (
    "stride",
    "asset",
    "impact",
    "exploitability",
    "residual_exploitability",
    "initial_risk",
    "residual_risk",
    "benefit_risk",
)
DOCUMENTS = frozenset({"roles", "number_pattern", "required", "exempt"})
#: ``[design_review]``: (key, default, owner: "review" or "action") of every field
DESIGN_REVIEW_FIELDS = (
    ("baseline_field", "baseline", "review"),
    ("date_field", "review_date", "review"),
    ("participants_field", "participants", "review"),
    ("outcome_field", "outcome", "review"),
    ("owner_field", "owner", "action"),
    ("due_field", "due", "action"),
    ("state_field", "action_state", "action"),
    ("resolution_field", "resolution", "action"),
)
#: ``[design_review]``'s keys other than its fields
DESIGN_REVIEW_OWN = frozenset(
    {
        "review_type", "action_type", "approved_outcomes", "independent_role",
        "scope_link", "action_link", "closed_states",
    }
)  # fmt: skip
DESIGN = frozenset(
    {
        "requirement_type", "kind_field", "output_type", "element_field",
        "safety_class_field", "part_of_link", "uses_link", "implements_link",
        "software_elements", "interface_elements", "test_type", "test_level_field",
        "validation_type",
    }
)  # fmt: skip
ANOMALIES = frozenset(
    {
        "anomaly_type", "state_field", "resolved_states", "category_field",
        "impact_field", "affects_link",
    }
)  # fmt: skip
GSPR = frozenset(
    {
        "gspr_type", "applicable_field", "applicable_value", "not_applicable_value",
        "justification_field", "method_field", "standards_link", "evidence_link",
        "clause_type", "standard_field", "clause_field",
    }
)  # fmt: skip
#: ``[ai]``: AI-enabled device software functions
AI = frozenset(
    {
        "records", "model_type", "dataset_type", "evaluation_type", "pccp_type",
        "monitoring_type", "model_version_field", "weights_digest_field",
        "config_digest_field", "deployment_field", "hosted_values",
        "end_of_support_field", "purpose_field", "training_purposes", "test_purposes",
        "dataset_digest_field", "manifest_field", "evaluated_version_field",
        "criteria_field", "subgroups_field", "model_link", "dataset_link",
        "pccp_link", "monitoring_link", "requirement_type", "updates_field",
        "updates_values", "subgroups", "modifications_field", "protocol_field",
        "pccp_evaluation_link",
    }
)  # fmt: skip
