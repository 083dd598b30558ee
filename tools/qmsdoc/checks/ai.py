"""AI checks: models, datasets, performance evaluations and change control plans
against each other and against the performance records.

The FDA draft guidance "Artificial Intelligence-Enabled Device Software Functions:
Lifecycle Management and Marketing Submission Recommendations" (January 2025) asks
for a model description, data management with test data kept apart from development
data, performance validation of the model in the device overall and by subgroup, and
device performance monitoring; the FDA final guidance on predetermined change
control plans for AI-enabled device software functions (December 2024; FD&C Act
515C) for a plan of every modification made without a new submission. Regulation
(EU) 2024/1689 asks for the same of a high-risk AI system: data governance (Art.
10), testing against prior defined metrics and thresholds (Art. 9(8)), declared
levels of accuracy (Art. 15(1), (3)), predetermined changes (Art. 43(4), Annex IV
2(f)) and post-market monitoring (Art. 72). Every type, field and link name comes
from the profile's ``[ai]`` table.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from qmsdoc.ai.criteria import OVERALL, criteria_metrics, parse_criteria
from qmsdoc.ai.facts import dataset_digest
from qmsdoc.ai.records import judge_record, plan_subgroups
from qmsdoc.checks.spec import Check, CheckSpec
from qmsdoc.profile.model import split_list

if TYPE_CHECKING:
    from collections.abc import Iterator

    from qmsdoc.checks.context import CheckContext
    from qmsdoc.checks.findings import Finding
    from qmsdoc.model import Item
    from qmsdoc.profile.ai import AiConfig

__all__ = [
    "AI_CRITERION_NOT_MET",
    "AI_DATASET_OVERLAP",
    "AI_MODEL_END_OF_SUPPORT",
    "AI_MODEL_VERSION_MISMATCH",
    "AI_PCCP_MISSING",
    "AI_SUBGROUP_MISSING",
    "CHECKS",
    "check_ai_criterion_not_met",
    "check_ai_dataset_overlap",
    "check_ai_model_end_of_support",
    "check_ai_model_version_mismatch",
    "check_ai_pccp_missing",
    "check_ai_subgroup_missing",
]

AI_DATASET_OVERLAP = CheckSpec(
    check_id="ai_dataset_overlap",
    severity="error",
    summary="test dataset shares records with a training or tuning dataset",
    clause=(
        "FDA AI-DSF draft guidance (Jan 2025) Data Management (test data "
        "independent of development data); EU AI Act Art. 10(1), 10(3)"
    ),
)
AI_MODEL_VERSION_MISMATCH = CheckSpec(
    check_id="ai_model_version_mismatch",
    severity="error",
    summary="performance evaluation of a model version other than the released one",
    clause=(
        "FDA AI-DSF draft guidance (Jan 2025) Performance Validation (the final "
        "model in the device); EU AI Act Art. 9(8), Annex IV 2(g)"
    ),
)
AI_CRITERION_NOT_MET = CheckSpec(
    check_id="ai_criterion_not_met",
    severity="error",
    summary="acceptance criterion or subgroup floor of a performance evaluation not met",
    clause=(
        "FDA AI-DSF draft guidance (Jan 2025) Performance Validation (subgroup "
        "analysis); EU AI Act Art. 9(8), 15(1); ISO 13485 7.3.6 via 21 CFR 820.10"
    ),
)
AI_SUBGROUP_MISSING = CheckSpec(
    check_id="ai_subgroup_missing",
    severity="error",
    summary="subgroup named in the evaluation plan with no result in its record",
    clause=(
        "FDA AI-DSF draft guidance (Jan 2025) Performance Validation (results by "
        "subgroup); EU AI Act Art. 10(2)(f), 15(3)"
    ),
)
AI_MODEL_END_OF_SUPPORT = CheckSpec(
    check_id="ai_model_end_of_support",
    severity="error",
    summary="hosted AI model past the end of support its supplier states",
    clause=(
        "IEC 62304 6.1 f), 8.1.2; FDA AI-DSF draft guidance (Jan 2025) Device "
        "Performance Monitoring; EU AI Act Art. 72"
    ),
)
AI_PCCP_MISSING = CheckSpec(
    check_id="ai_pccp_missing",
    severity="error",
    summary="AI model without a predetermined change control plan while updates are planned",
    clause=(
        "FD&C Act 515C; FDA PCCP guidance for AI-DSFs (Dec 2024) Description of "
        "Modifications, Modification Protocol; EU AI Act Art. 43(4), Annex IV 2(f)"
    ),
)


def check_ai_dataset_overlap(context: CheckContext) -> Iterator[Finding]:
    """A test dataset shares no record with a training or tuning dataset.

    Serves the FDA AI-DSF draft guidance (January 2025), Data Management: test data
    are kept independent of the data the model was developed with; and EU AI Act
    Art. 10(1), 10(3). Records are compared by digest (the record manifests), so a
    record copied under another name is found; two datasets stating the same content
    digest overlap wholly.
    """
    config = context.profile.ai
    if config is None:
        return
    datasets = context.local_of_type(config.dataset_type)
    development = [
        item
        for item in context.graph.of_type(config.dataset_type)
        if item.field(config.purpose_field) in config.training_purposes
    ]
    facts = context.ai
    for test in datasets:
        if test.field(config.purpose_field) not in config.test_purposes:
            continue
        test_digest = dataset_digest(test, config, facts)
        test_manifest = facts.manifests.get(test.id) if facts is not None else None
        for other in development:
            other_digest = dataset_digest(other, config, facts)
            if test_digest and test_digest == other_digest:
                yield AI_DATASET_OVERLAP.at(
                    test,
                    f"{test.id} ({test.field(config.purpose_field)}) has the content"
                    f" digest of {other.id} ({other.field(config.purpose_field)}):"
                    f" {test_digest}",
                )
                continue
            other_manifest = (
                facts.manifests.get(other.id) if facts is not None else None
            )
            if test_manifest is None or other_manifest is None:
                continue
            shared = sorted(
                (test_manifest.records[digest], digest)
                for digest in set(test_manifest.records) & set(other_manifest.records)
            )
            if not shared:
                continue
            (name, line), digest = shared[0]
            more = f" and {len(shared) - 1} more" if len(shared) > 1 else ""
            yield AI_DATASET_OVERLAP.at(
                test,
                f"{test.id} ({test.field(config.purpose_field)}) shares"
                f" {len(shared)} record(s) with {other.id}"
                f" ({other.field(config.purpose_field)}): {name}"
                f" ({test_manifest.path}:{line}, sha256 {digest[:12]}...){more}",
            )


def check_ai_model_version_mismatch(context: CheckContext) -> Iterator[Finding]:
    """A performance evaluation evaluated the model version in the release.

    Serves the FDA AI-DSF draft guidance (January 2025), Performance Validation (the
    performance of the model as it is in the device) and EU AI Act Art. 9(8) and
    Annex IV 2(g). The evaluation's stated version must be the model's version;
    its performance record must name that version and the model's current weights
    and configuration digests.
    """
    config = context.profile.ai
    if config is None:
        return
    for evaluation in context.local_of_type(config.evaluation_type):
        model = _model_of(context, evaluation, config)
        if model is None:
            continue
        released = (model.field(config.model_version_field) or "").strip()
        evaluated = (evaluation.field(config.evaluated_version_field) or "").strip()
        if evaluated != released:
            yield AI_MODEL_VERSION_MISMATCH.at(
                evaluation,
                f"{evaluation.id} evaluates {model.id} version {evaluated!r}, but"
                f" the device has version {released!r}",
            )
            continue
        record = context.ai.record_of(evaluation.id) if context.ai else None
        if record is None:
            continue
        now = {
            "version": released,
            config.weights_digest_field: (
                model.field(config.weights_digest_field) or ""
            ).strip(),
            config.config_digest_field: (
                model.field(config.config_digest_field) or ""
            ).strip(),
        }
        then = {
            "version": record.model.version,
            config.weights_digest_field: record.model.weights_digest,
            config.config_digest_field: record.model.config_digest,
        }
        changed = [name for name in now if now[name] != then[name]]
        if record.model.item_id != model.id or changed:
            what = ", ".join(
                f"{name} {then[name] or 'none'!r} (now {now[name] or 'none'!r})"
                for name in changed
            )
            yield AI_MODEL_VERSION_MISMATCH.at(
                evaluation,
                f"the performance record {record.record_path} measured"
                f" {record.model.item_id} with {what or 'another model'}:"
                " evaluate the model in the release and import the result again",
            )


def check_ai_criterion_not_met(context: CheckContext) -> Iterator[Finding]:
    """Every acceptance criterion of an evaluation holds on its performance record.

    Serves the FDA AI-DSF draft guidance (January 2025), Performance Validation
    (pre-specified acceptance criteria, overall and by subgroup), EU AI Act Art.
    9(8) and 15(1), and ISO 13485 7.3.6 via 21 CFR 820.10. One finding per criterion
    not met, naming the subgroup and the measured value; criteria that cannot be
    read are reported too.
    """
    config = context.profile.ai
    if config is None:
        return
    for evaluation in context.local_of_type(config.evaluation_type):
        _criteria, wrong = parse_criteria(evaluation.field(config.criteria_field) or "")
        for entry in wrong:
            yield AI_CRITERION_NOT_MET.at(
                evaluation,
                f"{config.criteria_field} {entry!r} cannot be read (write e.g."
                " 'sensitivity >= 0.95', 'sensitivity >= 0.90 per subgroup',"
                " 'sensitivity gap <= 0.05')",
            )
        record = context.ai.record_of(evaluation.id) if context.ai else None
        if record is None:
            continue
        for outcome in judge_record(record, evaluation, config):
            if outcome.met is False:
                yield AI_CRITERION_NOT_MET.at(
                    evaluation,
                    f"{evaluation.id}: {outcome.label} not met: {outcome.detail}"
                    f" ({record.record_path})",
                )


def check_ai_subgroup_missing(context: CheckContext) -> Iterator[Finding]:
    """Every subgroup the plan names has a result for every metric of the criteria.

    Serves the FDA AI-DSF draft guidance (January 2025), Performance Validation
    (performance reported by subgroup: sex, age, race and ethnicity, sites, devices)
    and EU AI Act Art. 10(2)(f) and 15(3). The plan's subgroups are the profile's
    ``[ai] subgroups`` and the evaluation's own.
    """
    config = context.profile.ai
    if config is None or context.ai is None:
        return
    for evaluation in context.local_of_type(config.evaluation_type):
        record = context.ai.record_of(evaluation.id)
        if record is None:
            continue
        criteria, _ = parse_criteria(evaluation.field(config.criteria_field) or "")
        values = record.values()
        for subgroup in plan_subgroups(evaluation, config):
            missing = [
                metric
                for metric in criteria_metrics(criteria)
                if (metric, subgroup) not in values
            ]
            if missing:
                yield AI_SUBGROUP_MISSING.at(
                    evaluation,
                    f"subgroup {subgroup!r} of the plan has no result for"
                    f" {', '.join(missing)} in {record.record_path}",
                )
        for criterion in criteria:
            wanted = criterion.subgroup if criterion.scope == "one" else OVERALL
            if criterion.scope in ("one", "overall") and (
                (criterion.metric, wanted) not in values
            ):
                yield AI_SUBGROUP_MISSING.at(
                    evaluation,
                    f"{criterion.text!r} has no result for subgroup {wanted!r} in"
                    f" {record.record_path}",
                )


def check_ai_model_end_of_support(context: CheckContext) -> Iterator[Finding]:
    """A hosted model is still supported by its supplier on the build date.

    Serves IEC 62304 6.1 f) and 8.1.2 (SOUP support) and the FDA AI-DSF draft
    guidance (January 2025), Device Performance Monitoring: a hosted model whose
    supplier stops serving it changes the device under the user. The build date is
    ``SOURCE_DATE_EPOCH``, else HEAD's commit time (as for overdue review actions).
    """
    config = context.profile.ai
    today = context.ai.today if context.ai is not None else None
    if config is None or today is None:
        return
    for model in context.local_of_type(config.model_type):
        if model.field(config.deployment_field) not in config.hosted_values:
            continue
        written = (model.field(config.end_of_support_field) or "").strip()
        try:
            end = date.fromisoformat(written)
        except ValueError:
            continue  # a malformed date is field_value's finding
        if end < today:
            yield AI_MODEL_END_OF_SUPPORT.at(
                model,
                f"{model.id} is hosted and its {config.end_of_support_field} {end}"
                f" is before the build date {today}",
            )


def check_ai_pccp_missing(context: CheckContext) -> Iterator[Finding]:
    """Each AI model has a predetermined change control plan when a requirement
    plans model or prompt updates.

    Serves FD&C Act 515C and the FDA PCCP guidance for AI-enabled device software
    functions (December 2024): a modification made without a new submission must be
    described with its modification protocol and impact assessment in an authorised
    plan; EU AI Act Art. 43(4) and Annex IV 2(f) for predetermined changes.
    """
    config = context.profile.ai
    if config is None:
        return
    planning = [
        item.id
        for item in context.graph.of_type(config.requirement_type)
        if set(split_list(item.field(config.updates_field) or ""))
        & set(config.updates_values)
    ]
    if not planning:
        return
    for model in context.local_of_type(config.model_type):
        plans = [
            edge.source
            for edge in context.graph.incoming(model.id, config.pccp_link)
            if (source := context.graph.item(edge.source)) is not None
            and source.item_type == config.pccp_type
        ]
        if not plans:
            yield AI_PCCP_MISSING.at(
                model,
                f"{', '.join(planning)} plan(s) model updates"
                f" ({config.updates_field}: {', '.join(config.updates_values)}),"
                f" but no {config.pccp_type} item {config.pccp_link} {model.id}",
            )


def _model_of(context: CheckContext, evaluation: Item, config: AiConfig) -> Item | None:
    for edge in context.graph.outgoing(evaluation.id, config.model_link):
        target = context.graph.item(edge.target)
        if target is not None and target.item_type == config.model_type:
            return target
    return None


#: the AI checks, in registry order
CHECKS: tuple[Check, ...] = (
    Check(spec=AI_DATASET_OVERLAP, function=check_ai_dataset_overlap),
    Check(spec=AI_MODEL_VERSION_MISMATCH, function=check_ai_model_version_mismatch),
    Check(spec=AI_CRITERION_NOT_MET, function=check_ai_criterion_not_met),
    Check(spec=AI_SUBGROUP_MISSING, function=check_ai_subgroup_missing),
    Check(spec=AI_MODEL_END_OF_SUPPORT, function=check_ai_model_end_of_support),
    Check(spec=AI_PCCP_MISSING, function=check_ai_pccp_missing),
)
