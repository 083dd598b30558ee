"""``qms profile --schema``: the JSON Schema of ``qms.toml`` accepts what the loader
accepts and rejects the keys it rejects, because both read the same key sets."""

from __future__ import annotations

import json
import tomllib
from typing import TYPE_CHECKING, Any

import jsonschema  # type: ignore[import-untyped]  # (sphinx-needs' dependency)
import pytest

from qmsdoc.cli import main
from qmsdoc.errors import ProfileError
from qmsdoc.profile import _primitives, packaged_profiles
from qmsdoc.profile.schema import profile_schema
from qmsdoc.project import load_project
from qmstest import REPOSITORY

if TYPE_CHECKING:
    from pathlib import Path

BASE = 'extends = "medical-device"\n[project]\nname = "Mutant"\nsources = ["."]\n'

#: project files the loader refuses, each for a key or value the schema covers
MUTATIONS = {
    "unknown top table": BASE + "[gates]\nadvisory = []\n",
    "unknown [project] key": BASE + 'sourcs = ["."]\n',
    "unknown classification key": BASE + '[project.classification]\nus_klass = "II"\n',
    "unknown type key": BASE + '[types.hazard]\ncolour = "#FFFFFF"\n',
    "unknown coverage key": BASE + "[coverage.hazard_analysed]\nallow_emtpy = true\n",
    "coverage flag not boolean": BASE
    + '[coverage.hazard_analysed]\nblocking = "yes"\n',
    "coverage severity": BASE + '[coverage.hazard_analysed]\nseverity = "fatal"\n',
    "unknown risk key": BASE + '[risk]\nplan_id = "RMP-2"\n',
    "unknown scale level key": BASE
    + '[risk.severity]\ntitle = "Severity"\nlevels = [{ name = "x", mening = "y" }]\n',
    "unknown soup key": BASE + '[soup]\nsbom_directory = "sboms"\n',
    "unknown approval rule key": BASE
    + '[[approvals.policy]]\nname = "r"\ntypes = ["hazard"]\nsigners = ["qa"]\n',
    "unknown input kind": BASE + "[input_limits]\nvideo = 10\n",
    "input limit too large": BASE + "[input_limits]\nsbom = 5000\n",
    "unknown packaged profile": BASE.replace("medical-device", "dental-device"),
    "field kind": BASE + '[fields.colour]\nkind = "rgb"\n',
}


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = profile_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: Any, data: object) -> list[str]:
    return [error.message for error in validator.iter_errors(data)]


def test_serenya_and_every_packaged_profile_are_valid(
    validator: Any,
) -> None:
    files = [
        REPOSITORY / "qms.toml",
        *(
            REPOSITORY / "tools/qmsdoc/profile/data" / f"{name}.toml"
            for name in packaged_profiles()
        ),
    ]
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert _errors(validator, data) == [], path


@pytest.mark.parametrize("text", list(MUTATIONS.values()), ids=list(MUTATIONS))
def test_what_the_loader_refuses_the_schema_refuses(
    tmp_path: Path, validator: Any, text: str
) -> None:
    (tmp_path / "qms.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError):
        load_project(tmp_path, tmp_path / "qms.toml")
    assert _errors(validator, tomllib.loads(text)) != []


def test_the_unmutated_base_is_accepted_by_both(tmp_path: Path, validator: Any) -> None:
    (tmp_path / "qms.toml").write_text(BASE, encoding="utf-8")
    load_project(tmp_path, tmp_path / "qms.toml")
    assert _errors(validator, tomllib.loads(BASE)) == []


def _node(schema: dict[str, Any], key: str) -> dict[str, Any]:
    """The schema of the table at a loader key (``matrices.chain.columns[1]``)."""
    node = schema
    for part in key.replace("[", ".[").split("."):
        if part.startswith("["):
            node = node["items"]
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        else:
            node = node["additionalProperties"]
    return node


def test_every_table_the_loader_checks_has_the_same_keys_in_the_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every ``only_keys`` call made while loading Serenya's project file (over the
    packaged profile, so every table of the profile is read) allows exactly the keys
    the schema lists at that place: a key added to the loader only fails here."""
    checked: dict[str, frozenset[str]] = {}
    original = _primitives.Primitives.only_keys

    def recording(
        self: _primitives.Primitives,
        spec: Any,
        key: str,
        allowed: set[str],
    ) -> None:
        checked[key] = frozenset(allowed)
        original(self, spec, key, allowed)

    monkeypatch.setattr(_primitives.Primitives, "only_keys", recording)
    load_project(REPOSITORY, REPOSITORY / "qms.toml")
    schema = profile_schema()
    assert {"profile", "types.hazard", "risk.severity.levels[1]", "soup"} <= set(
        checked
    )
    for key, allowed in checked.items():
        assert set(_node(schema, key)["properties"]) == allowed, key


def test_schema_goes_to_a_file_or_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "qms.schema.json"
    main(["--root", str(tmp_path), "profile", "--schema", str(target)])
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == profile_schema()
    assert written["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "JSON Schema written to" in capsys.readouterr().err
    main(["--root", str(tmp_path), "profile", "--schema"])
    assert json.loads(capsys.readouterr().out) == written
