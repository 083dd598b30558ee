"""Role-to-name tables: the types, fields and links each QMS process reads come from the
profile (``[design]``, ``[anomalies]``, ``[gspr]``, ``[soup]``, ``[security.fields]``),
and a role naming anything undeclared stops the load with one line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from qmsdoc.cli import cli
from qmsdoc.errors import ProfileError
from qmsdoc.profile import load_profile

if TYPE_CHECKING:
    from pathlib import Path

#: part_of renamed child_of: the link, the type that carries it and the role
CHILD_OF = """\
extends = "medical-device"

[links.child_of]
incoming = "has child"

[types.design_output]
links = { implements = ["requirement", "risk_control"], child_of = ["design_output"], uses = ["soup"], complies_with = ["standard_clause"] }

[design]
part_of_link = "child_of"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "qms.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_roles_are_the_names_the_pages_used() -> None:
    profile = load_profile()
    design, anomalies, gspr = profile.design, profile.anomalies, profile.gspr
    assert design is not None
    assert anomalies is not None
    assert gspr is not None
    assert (design.output_type, design.part_of_link, design.uses_link) == (
        "design_output",
        "part_of",
        "uses",
    )
    assert (design.element_field, design.safety_class_field) == (
        "element",
        "safety_class",
    )
    assert (design.requirement_type, design.kind_field) == ("requirement", "kind")
    assert (design.test_type, design.test_level_field, design.validation_type) == (
        "verification_test",
        "test_level",
        "validation",
    )
    assert anomalies.resolved_states == ("fixed", "closed")
    # the other values of the state field, in the profile's order
    assert anomalies.unresolved_states == ("open", "deferred")
    assert (anomalies.anomaly_type, anomalies.affects_link) == ("anomaly", "affects")
    assert (gspr.applicable_value, gspr.not_applicable_value) == ("yes", "no")
    assert (gspr.standards_link, gspr.evidence_link) == (
        "complies_with",
        "demonstrated_by",
    )
    assert profile.soup is not None
    assert profile.soup.support_level_field == "support_level"
    assert profile.security is not None
    assert (profile.security.fields.stride, profile.security.fields.asset) == (
        "stride",
        "asset",
    )


def test_a_renamed_link_is_taken_from_the_role(tmp_path: Path) -> None:
    design = load_profile(_write(tmp_path, CHILD_OF)).design
    assert design is not None
    assert design.part_of_link == "child_of"
    assert design.uses_link == "uses"


def test_a_profile_without_a_role_table_has_none(tmp_path: Path) -> None:
    text = """\
[profile]
name = "mini"
version = "1"

[fields.status]
kind = "choice"
values = ["draft", "approved"]

[links.verifies]
incoming = "verified by"

[types.req]
title = "Requirement"
prefix = "R-"
required = ["status"]
"""
    profile = load_profile(_write(tmp_path, text))
    assert (profile.design, profile.anomalies, profile.gspr) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('[design]\noutput_type = "design_outptu"\n', "design.output_type", "unknown item type 'design_outptu'"),
        ('[design]\npart_of_link = "child_of"\n', "design.part_of_link", "unknown link type 'child_of'"),
        ('[design]\nelement_field = "elemnt"\n', "design.element_field", "'elemnt' is not a field of 'design_output'"),
        # declared, but not a field of the owner type
        ('[design]\nkind_field = "element"\n', "design.kind_field", "'element' is not a field of 'requirement'"),
        ('[design]\nsoftware_elements = ["firmware"]\n', "design.software_elements", "firmware not among the values of 'element'"),
        ('[design]\ninterface_elements = []\n', "design.interface_elements", "list at least one value"),
        ('[design]\nparts_link = "part_of"\n', "design.parts_link", "unknown key"),
        ('[anomalies]\nanomaly_type = "bug"\n', "anomalies.anomaly_type", "unknown item type 'bug'"),
        ('[anomalies]\naffects_link = "touches"\n', "anomalies.affects_link", "unknown link type 'touches'"),
        ('[anomalies]\nresolved_states = ["done"]\n', "anomalies.resolved_states", "done not among the values of 'anomaly_state'"),
        ('[anomalies]\nstate_field = "status"\nresolved_states = ["closed"]\n', "anomalies.resolved_states", "closed not among the values of 'status'"),
        ('[gspr]\ngspr_type = "gsrp"\n', "gspr.gspr_type", "unknown item type 'gsrp'"),
        ('[gspr]\nmethod_field = "method"\n', "gspr.method_field", "'method' is not a field of 'gspr'"),
        ('[gspr]\nstandard_field = "standard"\nclause_type = "requirement"\n', "gspr.standard_field", "'standard' is not a field of 'requirement'"),
        ('[gspr]\nevidence_link = "shown_by"\n', "gspr.evidence_link", "unknown link type 'shown_by'"),
        ('[gspr]\napplicable_value = "true"\n', "gspr.applicable_value", "true not among the values of 'applicable'"),
        ('[gspr]\nnot_applicable_value = "yes"\n', "gspr.not_applicable_value", "'yes' is also the applicable_value"),
        ('[soup]\nsupport_level_field = "support"\n', "soup.support_level_field", "'support' is not a field of 'soup'"),
        ('[security.fields]\nstride = "category"\n', "security.fields.stride", "'category' is not a field of the threat type"),
    ],
)  # fmt: skip
def test_a_role_naming_anything_undeclared_is_one_line(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = _write(tmp_path, 'extends = "medical-device"\n' + text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: [{key}]: {problem}"), message
    assert "\n" not in message
    assert caught.value.key == key


def test_profile_validate_runs_the_same_validation(
    valid_root: Path, tmp_path: Path
) -> None:
    good = _write(tmp_path, CHILD_OF)
    bad = tmp_path / "bad" / "qms.toml"
    bad.parent.mkdir()
    bad.write_text(
        'extends = "medical-device"\n[design]\nuses_link = "needs"\n', encoding="utf-8"
    )
    runner = CliRunner()
    valid = runner.invoke(
        cli, ["--root", str(valid_root), "profile", "--validate", str(good)]
    )
    assert valid.exit_code == 0, valid.output
    assert "valid profile medical-device" in valid.output
    invalid = runner.invoke(
        cli, ["--root", str(valid_root), "profile", "--validate", str(bad)]
    )
    # the one-line error `qms` prints with exit code 2
    assert isinstance(invalid.exception, ProfileError)
    assert str(invalid.exception) == (
        f"{bad}: [design.uses_link]: unknown link type 'needs'"
    )
