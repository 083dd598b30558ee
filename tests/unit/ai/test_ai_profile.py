"""The ``[ai]`` profile table and the AI item types of the packaged profile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from qmsdoc.errors import ProfileError
from qmsdoc.profile import load_profile
from qmsdoc.profile.schema import profile_schema

if TYPE_CHECKING:
    from pathlib import Path


def _load(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "qms.toml"
    path.write_text('extends = "medical-device"\n' + text, encoding="utf-8")
    return load_profile(path)


def test_the_packaged_profile_declares_the_ai_types() -> None:
    profile = load_profile()
    config = profile.ai
    assert config is not None
    assert config.records == "traceability/performance"
    names = (config.model_type, config.dataset_type, config.evaluation_type,
             config.pccp_type, config.monitoring_type)  # fmt: skip
    assert names == ("ai_model", "dataset", "performance_evaluation", "pccp",
                     "ai_monitoring")  # fmt: skip
    evaluation = profile.item_type(config.evaluation_type)
    assert evaluation is not None
    assert evaluation.link_targets(config.model_link) == (config.model_type,)
    assert evaluation.link_targets(config.dataset_link) == (config.dataset_type,)
    pccp = profile.item_type(config.pccp_type)
    assert pccp is not None
    assert pccp.link_targets(config.pccp_link) == (config.model_type,)
    monitoring = profile.item_type(config.monitoring_type)
    assert monitoring is not None
    assert monitoring.link_targets(config.monitoring_link) == (config.model_type,)
    model = profile.item_type(config.model_type)
    assert model is not None
    assert model.link_targets("contained_in") == ("design_output",)
    assert model.link_targets("supplied_by") == ("soup",)
    # the evaluation's state comes from the evidence machinery
    assert profile.evidence is not None
    assert config.evaluation_type in profile.evidence.test_types
    assert ("performance", config.records) in profile.record_folders
    # no coverage rule asks for an AI type: a device without AI has none
    ai_types = set(names)
    assert not [rule for rule in profile.coverage if rule.item_type in ai_types]


def test_roles_can_be_renamed(tmp_path: Path) -> None:
    profile = _load(
        tmp_path,
        '[ai]\nrecords = "records/ai"\nsubgroups = ["sex:female", "sex:male"]\n'
        'updates_values = ["retrain"]\ntraining_purposes = ["training"]\n'
        'test_purposes = ["test", "tuning"]\n',
    )
    assert profile.ai.records == "records/ai"
    assert profile.ai.subgroups == ("sex:female", "sex:male")
    assert profile.ai.updates_values == ("retrain",)
    assert profile.ai.test_purposes == ("test", "tuning")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('model_type = "robot"', "[ai.model_type]: unknown item type 'robot'"),
        ('criteria_field = "tags2"', "[ai.criteria_field]: 'tags2' is not a field of 'performance_evaluation'"),
        ('model_link = "uses_model"', "[ai.model_link]: unknown link type 'uses_model'"),
        ('hosted_values = ["cloud"]', "[ai.hosted_values]: cloud not among the values of 'deployment'"),
        ('test_purposes = ["test", "tuning"]', "[ai.test_purposes]: tuning is also a training purpose"),
        ('records = "../elsewhere"', "[ai.records]:"),
        ('subgroups = "sex"', "[ai.subgroups]: must be a list of strings"),
        ('flavour = "x"', "[ai.flavour]: unknown key"),
    ],
)  # fmt: skip
def test_a_bad_table_names_its_key(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ProfileError) as raised:
        _load(tmp_path, f"[ai]\n{table}\n")
    assert message in str(raised.value)


def test_the_schema_covers_the_ai_table() -> None:
    schema = profile_schema()["properties"]["ai"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["subgroups"]["type"] == "array"
    assert schema["properties"]["records"] == {"type": "string"}
