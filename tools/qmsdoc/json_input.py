"""JSON text read from a file, with one error message for bad JSON everywhere.

SBOMs, scanner reports and the SOUP and vulnerability records are all JSON; a file
that is not valid JSON is named with the line and column of the problem, one line,
the same wherever it is read. An integer of more than Python's digit limit (4,300
digits) or nesting deeper than the interpreter's recursion limit is refused in one
line too.
"""

from __future__ import annotations

import json
from typing import Any

from qmsdoc.errors import InputError

__all__ = ["load_json"]


def load_json(text: str, source: object) -> Any:
    """The JSON value of ``text``, read from ``source`` (a path, for messages).

    :raises InputError: If ``text`` is not valid JSON, is nested too deeply or holds
        an integer too long to convert.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{source}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from None
    except RecursionError:
        raise InputError(f"{source}: JSON nested too deeply") from None
    except ValueError as error:
        # int() refuses more than sys.get_int_max_str_digits() digits
        raise InputError(
            f"{source}: not usable JSON: {str(error).split(';')[0]}"
        ) from None
