"""Generated AI documents: the model card, the data management summary and the
predetermined change control plan, built from the AI items and performance records.

The model card follows the structure of Appendix E (model card) of the FDA draft
guidance "Artificial Intelligence-Enabled Device Software Functions: Lifecycle
Management and Marketing Submission Recommendations" (January 2025): model
identification, model description, development and test data, performance overall
and by subgroup with its acceptance criteria, change control and monitoring. The
data management summary follows the guidance's Data Management section (and EU AI
Act Art. 10): each dataset's declared fields, its content digest and whether a test
set shares records with a training or tuning set (by record digest, as
``ai_dataset_overlap``). The change control plan follows the FDA PCCP guidance
(December 2024): planned modifications, modification protocol, impact assessment
and the evaluations it requires, with their measured state.

Nothing here is typed by hand: every value is an item's field or a record's figure;
a field the document needs and the item does not state is shown as
:data:`NOT_STATED`. The fields shown are those the profile declares for the type
(in profile order); types, roles and links come from the profile's ``[ai]`` table.
Framework-free: :mod:`qmsdoc.sphinxext.ai_documents` turns the result into nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qmsdoc.ai.facts import dataset_digest
from qmsdoc.ai.records import judge_record
from qmsdoc.model.ordering import natural_key

if TYPE_CHECKING:
    from qmsdoc.ai.facts import AiFacts
    from qmsdoc.model import Item
    from qmsdoc.profile import Profile
    from qmsdoc.profile.ai import AiConfig
    from qmsdoc.trace import TraceGraph

__all__ = [
    "NOT_STATED",
    "AiDocument",
    "Part",
    "data_management",
    "model_card",
    "pccp_document",
]

#: what a document shows for a field the item does not state
NOT_STATED = "not stated"

#: fields of every type that describe document control, not the AI function
_CONTROL_FIELDS = frozenset({"status", "tags", "waiver"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One part of a generated document: a heading, an optional note and a table."""

    title: str
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    note: str = ""
    """A sentence under the heading (what the part is, or that it has nothing)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AiDocument:
    """A generated document: its title, its parts in order, and what is wrong."""

    title: str
    parts: tuple[Part, ...]
    problems: tuple[str, ...] = ()
    """Why the document could not be built (an unknown or wrong-type item)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Sources:
    graph: TraceGraph
    profile: Profile
    config: AiConfig
    facts: AiFacts | None


def model_card(
    model_id: str, graph: TraceGraph, profile: Profile, facts: AiFacts | None
) -> AiDocument:
    """The model card of ``model_id`` (FDA AI-DSF draft guidance, Appendix E)."""
    sources, model, problem = _start(model_id, graph, profile, "model_type", facts)
    if problem:
        return AiDocument(title=f"Model card {model_id}", parts=(), problems=(problem,))
    assert sources is not None and model is not None
    config = sources.config
    identity = (
        config.model_version_field,
        config.weights_digest_field,
        config.config_digest_field,
        config.deployment_field,
        config.end_of_support_field,
    )
    evaluations = _linking(graph, model.id, config.evaluation_type, config.model_link)
    tested = {
        edge.target
        for evaluation in evaluations
        for edge in graph.outgoing(evaluation.id, config.dataset_link)
    }
    development = [
        item
        for item in _of_type(graph, config.dataset_type)
        if item.field(config.purpose_field) in config.training_purposes
    ]
    parts = [
        Part(
            title="Model identification",
            headers=("Element", "Value"),
            rows=(
                ("Model", f"{model.id} {model.title}"),
                *((_label(name), _value(model, name)) for name in identity),
                *(
                    (_label(edge.link_type), _target(graph, edge.target))
                    for edge in graph.outgoing(model.id)
                ),
            ),
        ),
        Part(
            title="Model description",
            headers=("Element", "Value"),
            rows=tuple(
                (_label(name), _value(model, name))
                for name in _declared(profile, model, exclude=identity)
            ),
        ),
        _dataset_part("Development data (training and tuning)", development, sources),
        _dataset_part(
            "Test data",
            [
                item
                for item in _of_type(graph, config.dataset_type)
                if item.id in tested
            ],
            sources,
        ),
        *(_performance_parts(evaluations, sources)),
        _list_part(
            "Predetermined change control plan",
            _linking(graph, model.id, config.pccp_type, config.pccp_link),
            "no change control plan governs this model",
        ),
        _list_part(
            "Device performance monitoring",
            _linking(graph, model.id, config.monitoring_type, config.monitoring_link),
            "no monitoring plan monitors this model",
        ),
    ]
    return AiDocument(title=f"Model card: {model.id} {model.title}", parts=tuple(parts))


def data_management(
    graph: TraceGraph, profile: Profile, facts: AiFacts | None
) -> AiDocument:
    """The data management summary: every dataset of the file and the independence
    of each test set from the training and tuning sets, by record digest."""
    config = profile.ai
    title = "Data management summary"
    if config is None:
        return AiDocument(
            title=title, parts=(), problems=("the profile has no [ai] table",)
        )
    sources = _Sources(graph=graph, profile=profile, config=config, facts=facts)
    datasets = _of_type(graph, config.dataset_type)
    parts = [
        Part(
            title=f"{item.id} {item.title}",
            headers=("Element", "Value"),
            rows=(
                *(
                    (_label(name), _value(item, name))
                    for name in _declared(profile, item)
                ),
                ("computed content digest", _digest(item, sources)),
                ("records in manifest", _record_count(item, sources)),
            ),
        )
        for item in datasets
    ]
    parts.append(_independence(datasets, sources))
    if not datasets:
        parts = [Part(title="Datasets", note="the file has no dataset item")]
    return AiDocument(title=title, parts=tuple(parts))


def pccp_document(
    pccp_id: str, graph: TraceGraph, profile: Profile, facts: AiFacts | None
) -> AiDocument:
    """The predetermined change control plan ``pccp_id`` as a document (FDA PCCP
    guidance, December 2024): its declared parts, what it governs and requires, and
    each required evaluation's measured state."""
    sources, pccp, problem = _start(pccp_id, graph, profile, "pccp_type", facts)
    if problem:
        return AiDocument(
            title=f"Predetermined change control plan {pccp_id}",
            parts=(),
            problems=(problem,),
        )
    assert sources is not None and pccp is not None
    config = sources.config
    rows = [(_label(name), _value(pccp, name)) for name in _declared(profile, pccp)]
    links = [
        (_label(edge.link_type), _target(graph, edge.target))
        for edge in graph.outgoing(pccp.id)
    ]
    evaluations = [
        item
        for edge in graph.outgoing(pccp.id)
        if (item := graph.item(edge.target)) is not None
        and item.item_type == config.evaluation_type
    ]
    parts = [
        Part(title="Plan", headers=("Element", "Value"), rows=tuple(rows)),
        Part(
            title="Governed models and required evaluations",
            headers=("Link", "Item"),
            rows=tuple(links),
            note="" if links else "the plan links to no item",
        ),
        _evaluation_states(evaluations, sources),
    ]
    return AiDocument(
        title=f"Predetermined change control plan: {pccp.id} {pccp.title}",
        parts=tuple(parts),
    )


def _start(
    item_id: str, graph: TraceGraph, profile: Profile, role: str, facts: AiFacts | None
) -> tuple[_Sources | None, Item | None, str]:
    """The sources and the item, or why the document cannot be built."""
    config = profile.ai
    if config is None:
        return None, None, "the profile has no [ai] table"
    wanted = str(getattr(config, role))
    item = graph.item(item_id)
    if item is None:
        return None, None, f"no item {item_id}"
    if item.item_type != wanted:
        return None, None, f"{item_id} is a {item.item_type}, not a {wanted}"
    return _Sources(graph=graph, profile=profile, config=config, facts=facts), item, ""


def _of_type(graph: TraceGraph, type_name: str) -> list[Item]:
    return sorted(graph.of_type(type_name), key=lambda item: natural_key(item.id))


def _linking(graph: TraceGraph, target: str, type_name: str, link: str) -> list[Item]:
    """Items of ``type_name`` that link to ``target`` with ``link``, in id order."""
    found = [
        item
        for edge in graph.incoming(target, link)
        if (item := graph.item(edge.source)) is not None and item.item_type == type_name
    ]
    return sorted(
        {item.id: item for item in found}.values(), key=lambda i: natural_key(i.id)
    )


def _declared(
    profile: Profile, item: Item, *, exclude: tuple[str, ...] = ()
) -> list[str]:
    """The fields the profile declares for the item's type, in profile order."""
    item_type = profile.item_type(item.item_type)
    names = item_type.fields if item_type is not None else ()
    return [n for n in names if n not in _CONTROL_FIELDS and n not in exclude]


def _label(name: str) -> str:
    return name.replace("_", " ")


def _value(item: Item, name: str) -> str:
    return (item.field(name) or "").strip() or NOT_STATED


def _target(graph: TraceGraph, item_id: str) -> str:
    item = graph.item(item_id)
    return f"{item_id} {item.title}" if item is not None else f"{item_id} (unknown)"


def _digest(item: Item, sources: _Sources) -> str:
    return dataset_digest(item, sources.config, sources.facts) or NOT_STATED


def _record_count(item: Item, sources: _Sources) -> str:
    facts = sources.facts
    manifest = facts.manifests.get(item.id) if facts is not None else None
    return str(len(manifest.records)) if manifest is not None else NOT_STATED


def _dataset_part(title: str, datasets: list[Item], sources: _Sources) -> Part:
    config = sources.config
    return Part(
        title=title,
        headers=("Dataset", config.purpose_field.replace("_", " "), "Content digest"),
        rows=tuple(
            (
                f"{item.id} {item.title}",
                _value(item, config.purpose_field),
                _digest(item, sources),
            )
            for item in datasets
        ),
        note="" if datasets else "no dataset item states this",
    )


def _performance_parts(evaluations: list[Item], sources: _Sources) -> list[Part]:
    if not evaluations:
        return [
            Part(title="Performance", note="no performance evaluation of this model")
        ]
    parts = [_evaluation_states(evaluations, sources)]
    for evaluation in evaluations:
        record = sources.facts.record_of(evaluation.id) if sources.facts else None
        if record is None:
            parts.append(
                Part(
                    title=f"Measured performance: {evaluation.id}",
                    note="no performance record imported",
                )
            )
            continue
        parts.append(
            Part(
                title=f"Measured performance: {evaluation.id}",
                note=(
                    f"model {record.model.item_id} version {record.model.version},"
                    f" dataset {record.dataset} ({record.dataset_digest}),"
                    f" from {record.source}"
                ),
                headers=("Metric", "Subgroup", "Value", "95% CI", "n"),
                rows=tuple(
                    (
                        metric.metric,
                        metric.subgroup,
                        f"{metric.value:g}",
                        f"{metric.ci_low:g}-{metric.ci_high:g}",
                        str(metric.n),
                    )
                    for metric in record.metrics
                ),
            )
        )
    return parts


def _evaluation_states(evaluations: list[Item], sources: _Sources) -> Part:
    """Each criterion of each evaluation, judged on its record (or not measured)."""
    config = sources.config
    rows: list[tuple[str, ...]] = []
    for evaluation in evaluations:
        record = sources.facts.record_of(evaluation.id) if sources.facts else None
        criteria = _value(evaluation, config.criteria_field)
        if record is None:
            rows.append((evaluation.id, criteria, "no record", "not measured"))
            continue
        for result in judge_record(record, evaluation, config):
            state = {True: "met", False: "not met", None: "no result"}[result.met]
            rows.append((evaluation.id, result.label, result.detail, state))
    return Part(
        title="Acceptance criteria",
        headers=("Evaluation", "Criterion", "Measured", "State"),
        rows=tuple(rows),
        note="" if rows else "no evaluation is required",
    )


def _list_part(title: str, items: list[Item], empty: str) -> Part:
    return Part(
        title=title,
        headers=("Item", "Title"),
        rows=tuple((item.id, item.title) for item in items),
        note="" if items else empty,
    )


def _independence(datasets: list[Item], sources: _Sources) -> Part:
    """Each test set against each training or tuning set: shared record digests."""
    config = sources.config
    facts = sources.facts
    tests = [
        i for i in datasets if i.field(config.purpose_field) in config.test_purposes
    ]
    development = [
        i for i in datasets if i.field(config.purpose_field) in config.training_purposes
    ]
    rows: list[tuple[str, ...]] = []
    for test in tests:
        for other in development:
            rows.append((test.id, other.id, _shared(test, other, sources, facts)))
    return Part(
        title="Independence of test data",
        headers=("Test set", "Training or tuning set", "Shared records (by digest)"),
        rows=tuple(rows),
        note="" if rows else "no test set and development set to compare",
    )


def _shared(test: Item, other: Item, sources: _Sources, facts: AiFacts | None) -> str:
    """How many records the two sets share, or why it cannot be told."""
    test_digest = dataset_digest(test, sources.config, facts)
    if test_digest and test_digest == dataset_digest(other, sources.config, facts):
        return f"all: same content digest {test_digest}"
    test_manifest = facts.manifests.get(test.id) if facts is not None else None
    other_manifest = facts.manifests.get(other.id) if facts is not None else None
    if test_manifest is None or other_manifest is None:
        return "not known: a record manifest is missing"
    shared = set(test_manifest.records) & set(other_manifest.records)
    return f"{len(shared)} shared" if shared else "none"
