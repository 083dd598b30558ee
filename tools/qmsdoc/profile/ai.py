"""AI-enabled device software functions in the profile (``[ai]``): which types, fields
and links hold the models, datasets, performance evaluations, change control plans
and monitoring plans, and where the performance records are kept.

The AI checks (:mod:`qmsdoc.checks.ai`), the performance records
(:mod:`qmsdoc.ai`) and ``qms performance import`` read every name from here, never
a literal (FDA draft guidance "Artificial Intelligence-Enabled Device Software
Functions", January 2025; FDA final guidance on predetermined change control plans,
December 2024; Regulation (EU) 2024/1689 Art. 9-15, 72 and Annex IV).
Framework-free; read by :mod:`qmsdoc.profile._build`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qmsdoc.profile import keys
from qmsdoc.profile._roles import RoleReader

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qmsdoc.profile._roles import Declared
    from qmsdoc.profile._sections import Sections

__all__ = ["AiConfig", "build_ai"]

_SECTION = "ai"
_KEYS = keys.AI


@dataclass(frozen=True, slots=True, kw_only=True)
class AiConfig:
    """The AI item types, their fields and links, and the performance records."""

    records: str
    """Folder of the committed performance records, relative to the project root."""
    model_type: str
    """AI models (FDA AI-DSF draft, model description; AI Act Annex IV 2(b))."""
    dataset_type: str
    """Datasets (training, tuning, test; AI Act Art. 10)."""
    evaluation_type: str
    """Performance evaluations: model version, dataset, acceptance criteria."""
    pccp_type: str
    """Predetermined change control plans (FD&C Act 515C)."""
    monitoring_type: str
    """Field performance monitoring plans (AI Act Art. 72)."""
    model_version_field: str
    """Field of a model holding the version in the release."""
    weights_digest_field: str
    """Field of a model holding the digest of its weights (or the supplier's model
    snapshot identifier)."""
    config_digest_field: str
    """Field of a model holding the digest of its prompt or configuration."""
    deployment_field: str
    """Field of a model saying where it runs (hosted by a supplier, on the device)."""
    hosted_values: tuple[str, ...]
    """Values of ``deployment_field`` that mean a hosted model."""
    end_of_support_field: str
    """Field of a model holding the date its supplier stops serving or supporting it."""
    purpose_field: str
    """Field of a dataset saying what it is for."""
    training_purposes: tuple[str, ...]
    """Purposes whose data a test set must not share (training, tuning)."""
    test_purposes: tuple[str, ...]
    """Purposes of test sets (test, sequestered test)."""
    dataset_digest_field: str
    """Field of a dataset holding the digest of its content."""
    manifest_field: str
    """Field of a dataset naming its record manifest: a file in the repository with
    one ``<sha256>  <record>`` line per record."""
    evaluated_version_field: str
    """Field of an evaluation naming the model version it evaluated."""
    criteria_field: str
    """Field of an evaluation holding its acceptance criteria
    (:mod:`qmsdoc.ai.criteria`)."""
    subgroups_field: str
    """Field of an evaluation listing the subgroups it must report."""
    model_link: str
    """Link from an evaluation to the model it evaluates."""
    dataset_link: str
    """Link from an evaluation to the dataset it ran on."""
    pccp_link: str
    """Link from a change control plan to the model it governs."""
    monitoring_link: str
    """Link from a monitoring plan to the model it monitors."""
    requirement_type: str
    """Requirements, which may plan model updates."""
    updates_field: str
    """Field of a requirement that marks it as planning model or prompt updates."""
    updates_values: tuple[str, ...]
    """Values (or comma-separated tags) of ``updates_field`` that mean so."""
    subgroups: tuple[str, ...]
    """Subgroups every evaluation must report (the plan's, besides its own field)."""
    modifications_field: str = "planned_modifications"
    """Field of a change control plan listing its planned modifications, one per
    line: ``name: field, field may change; bound; bound`` (:mod:`qmsdoc.ai.pccp`)."""
    protocol_field: str = "modification_protocol"
    """Field of a change control plan holding its modification protocol."""
    pccp_evaluation_link: str = "requires_evaluation"
    """Link from a change control plan to the evaluations its protocol requires."""


def build_ai(
    table: Mapping[str, Any], builder: Sections, declared: Declared
) -> AiConfig:
    """Validate ``[ai]`` and build its configuration (the roles name what
    ``declared`` holds; choice values are checked).

    :raises ProfileError: On the first problem, naming its key.
    """
    roles = RoleReader.of_section(builder, table, _SECTION, _KEYS, declared)
    model = roles.item_type("model_type", "ai_model")
    dataset = roles.item_type("dataset_type", "dataset")
    evaluation = roles.item_type("evaluation_type", "performance_evaluation")
    requirement = roles.item_type("requirement_type", "requirement")
    pccp = roles.item_type("pccp_type", "pccp")
    deployment = roles.field("deployment_field", "deployment", owner=model)
    purpose = roles.field("purpose_field", "dataset_purpose", owner=dataset)
    updates = roles.field("updates_field", "tags", owner=requirement)
    training = roles.values("training_purposes", ("training", "tuning"), field=purpose)
    tests = roles.values("test_purposes", ("test", "sequestered_test"), field=purpose)
    both = sorted(set(training) & set(tests))
    if both:
        raise builder.fail(
            f"{_SECTION}.test_purposes", f"{', '.join(both)} is also a training purpose"
        )
    return AiConfig(
        records=builder.project_path(
            table, _SECTION, "records", "traceability/performance"
        ),
        model_type=model,
        dataset_type=dataset,
        evaluation_type=evaluation,
        pccp_type=pccp,
        monitoring_type=roles.item_type("monitoring_type", "ai_monitoring"),
        model_version_field=roles.field(
            "model_version_field", "model_version", owner=model
        ),
        weights_digest_field=roles.field(
            "weights_digest_field", "weights_digest", owner=model
        ),
        config_digest_field=roles.field(
            "config_digest_field", "config_digest", owner=model
        ),
        deployment_field=deployment,
        hosted_values=roles.values("hosted_values", ("hosted",), field=deployment),
        end_of_support_field=roles.field(
            "end_of_support_field", "end_of_support", owner=model
        ),
        purpose_field=purpose,
        training_purposes=training,
        test_purposes=tests,
        dataset_digest_field=roles.field(
            "dataset_digest_field", "content_digest", owner=dataset
        ),
        manifest_field=roles.field("manifest_field", "record_manifest", owner=dataset),
        evaluated_version_field=roles.field(
            "evaluated_version_field", "model_version", owner=evaluation
        ),
        criteria_field=roles.field(
            "criteria_field", "acceptance_criteria", owner=evaluation
        ),
        subgroups_field=roles.field("subgroups_field", "subgroups", owner=evaluation),
        model_link=roles.link("model_link", "evaluates"),
        dataset_link=roles.link("dataset_link", "evaluated_on"),
        pccp_link=roles.link("pccp_link", "governs"),
        monitoring_link=roles.link("monitoring_link", "monitors"),
        requirement_type=requirement,
        updates_field=updates,
        updates_values=roles.values("updates_values", ("model-update",), field=updates),
        subgroups=builder.strings(table, _SECTION, "subgroups"),
        modifications_field=roles.field(
            "modifications_field", "planned_modifications", owner=pccp
        ),
        protocol_field=roles.field(
            "protocol_field", "modification_protocol", owner=pccp
        ),
        pccp_evaluation_link=roles.link("pccp_evaluation_link", "requires_evaluation"),
    )
