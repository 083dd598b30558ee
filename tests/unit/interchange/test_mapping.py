"""The mapping file is checked against the profile: an unknown type, field, link or
value is one line naming the mapping file and the key."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import ProfileError
from qmsdoc.interchange.mapping import load_mapping

if TYPE_CHECKING:
    from pathlib import Path

    from qmsdoc.project import Project


def test_a_mapping_reads_types_fields_values_links_and_the_sheet(
    empty_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "map.toml"
    path.write_text(
        '[reqif.types."Sys Req"]\ntype = "requirement"\nfields = { Status = "status" }\n'
        'defaults = { level = "system" }\n'
        '[reqif.values.status]\nReleased = "approved"\n'
        '[reqif.links]\n"Traces to" = "satisfies"\n'
        '[sheet]\nid = "ID"\ntype_column = "Kind"\nheader_row = 2\n'
        '[sheet.types]\nNeed = "user_need"\n',
        encoding="utf-8",
    )
    mapping = load_mapping(path, empty_project.profile)
    entry = mapping.object_type("Sys Req")
    assert entry is not None
    assert (entry.item_type, entry.id, entry.fields, entry.defaults) == (
        "requirement",
        "ReqIF.ForeignID",
        (("Status", "status"),),
        (("level", "system"),),
    )
    assert mapping.value("status", "Released") == "approved"
    assert mapping.value("status", "draft") == "draft"
    assert mapping.relation("Traces to") == "satisfies"
    assert mapping.sheet is not None
    assert (mapping.sheet.header_row, mapping.sheet.types) == (
        2,
        (("Need", "user_need"),),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[reqif.types.Req]\ntype = "requirment"\n',
            "[reqif.types.Req.type]: unknown type 'requirment'",
        ),
        (
            '[reqif.types.Req]\ntype = "requirement"\nfields = { Colour = "colour" }\n',
            "[reqif.types.Req.fields.Colour]: unknown field 'colour'",
        ),
        (
            '[reqif.types.Req]\ntype = "user_need"\nfields = { K = "kind" }\n',
            "[reqif.types.Req.fields.K]: field 'kind' is not a field of type 'user_need'",
        ),
        (
            '[reqif.links]\n"Traces to" = "traces"\n',
            "[reqif.links.\"Traces to\"]: unknown link 'traces'",
        ),
        (
            '[reqif.values.status]\nReleased = "released"\n',
            "[reqif.values.status.Released]: 'released' is not one of draft",
        ),
        (
            '[sheet]\nid = "ID"\n',
            "[sheet.type]: give either type (one type) or type_column",
        ),
        ("[reqif]\ntypo = 1\n", "[reqif.typo]: unknown key"),
    ],
)
def test_an_unknown_name_is_one_line_with_the_key(
    empty_project: Project, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        load_mapping(path, empty_project.profile)
    assert str(raised.value).startswith(f"{path}: {message}")
    assert "\n" not in str(raised.value)
