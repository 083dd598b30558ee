"""Items as written and findings survive pickling (Sphinx's environment) unchanged."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError

import pytest

from qmsdoc.checks.findings import Finding
from qmsdoc.model import Location, RawItem
from qmsdoc.model.slot_state import get_slot_state

LOCATION = Location(
    path="requirements/software.rst", line=12, docname="requirements/software"
)
RAW = RawItem(
    directive="requirement",
    title="Flag results outside the reference range",
    options=(("id", "REQ-001"), ("satisfies", "UN-001, UN-002")),
    content="The software shall flag ...\n\nSecond paragraph.",
    location=LOCATION,
)
FINDING = Finding(
    check_id="coverage_input_verified",
    severity="error",
    item_id="REQ-001",
    path=LOCATION.path,
    line=LOCATION.line,
    docname=LOCATION.docname,
    message="no test verifies this requirement",
    justification="accepted in RMR-3",
    advisory=True,
)


@pytest.mark.parametrize("record", [LOCATION, RAW, FINDING])
def test_round_trip_gives_an_equal_frozen_record(record: object) -> None:
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        copy = pickle.loads(pickle.dumps(record, protocol=protocol))
        assert copy == record
        assert type(copy) is type(record)
        assert hash(copy) == hash(record)
    first_field = type(record).__slots__[0]  # type: ignore[attr-defined]
    with pytest.raises(FrozenInstanceError):  # still frozen
        setattr(copy, first_field, None)


def test_state_is_the_field_values_in_order() -> None:
    assert get_slot_state(LOCATION) == (LOCATION.path, LOCATION.line, LOCATION.docname)
    state: object = type(RAW).__getstate__
    assert state is get_slot_state
