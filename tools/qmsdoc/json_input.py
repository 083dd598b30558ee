"""JSON text read from a file, with one error message for bad JSON everywhere.

SBOMs, scanner reports and the SOUP and vulnerability records are all JSON; a file
that is not valid JSON is named with the line and column of the problem, one line,
the same wherever it is read.
"""

from __future__ import annotations

import json
from typing import Any

from qmsdoc.errors import InputError

__all__ = ["load_json"]


def load_json(text: str, source: object) -> Any:
    """The JSON value of ``text``, read from ``source`` (a path, for messages).

    :raises InputError: If ``text`` is not valid JSON or is nested too deeply.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{source}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from None
    except RecursionError:
        raise InputError(f"{source}: JSON nested too deeply") from None
