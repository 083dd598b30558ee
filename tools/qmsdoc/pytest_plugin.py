"""A pytest plugin: ``@pytest.mark.verifies("REQ-012", "RC-003")``.

The marker writes a ``verifies`` property into each marked test case of pytest's JUnit
XML (``--junitxml``), which ``qms evidence import`` reads to link the result to the
items. Registered through the ``pytest11`` entry point, so installing qmsdoc is enough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

__all__ = ["pytest_collection_modifyitems", "pytest_configure"]

MARKER = "verifies"


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker, so ``--strict-markers`` accepts it."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*item_ids): the test verifies these design-history items "
        "(written to the JUnit XML as a 'verifies' property)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Record the ids of every ``verifies`` marker as the case's property."""
    for item in items:
        ids: list[str] = []
        for marker in item.iter_markers(name=MARKER):
            for value in marker.args:
                ids.extend(
                    part.strip()
                    for part in str(value).replace(";", ",").split(",")
                    if part.strip()
                )
        if ids:
            item.user_properties.append((MARKER, ", ".join(dict.fromkeys(ids))))
