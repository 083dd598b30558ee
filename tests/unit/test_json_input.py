"""JSON read from a file: every problem is one line naming the file."""

from __future__ import annotations

import pytest

from qmsdoc.errors import InputError
from qmsdoc.json_input import load_json


def test_valid_json_is_returned() -> None:
    assert load_json('{"a": [1, 2.5, "x"]}', "f.json") == {"a": [1, 2.5, "x"]}


def test_an_integer_of_5000_digits_is_one_line() -> None:
    with pytest.raises(InputError) as caught:
        load_json('{"version": ' + "9" * 5000 + "}", "f.json")
    message = str(caught.value)
    assert message.startswith(
        "f.json: not usable JSON: Exceeds the limit (4300 digits)"
    )
    assert "\n" not in message
    assert len(message) < 200


def test_nesting_deeper_than_the_recursion_limit_is_one_line() -> None:
    with pytest.raises(InputError, match=r"f\.json: JSON nested too deeply"):
        load_json("[" * 100_000 + "]" * 100_000, "f.json")


def test_a_syntax_error_names_line_and_column() -> None:
    with pytest.raises(InputError, match=r"f\.json:2:2: not valid JSON: Extra data"):
        load_json("{\n}x", "f.json")
