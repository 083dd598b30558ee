"""The time a generated record says it was made: reproducible by default.

``SOURCE_DATE_EPOCH`` (reproducible-builds.org) wins; otherwise the commit time of
HEAD, so two runs on the same commit agree; only outside git the current time.
"""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qmsdoc.errors import QmsError

if TYPE_CHECKING:
    from qmsdoc.vcs import SourceState

__all__ = ["generation_time"]


def generation_time(state: SourceState) -> datetime:
    """The timestamp to write into generated files (UTC, whole seconds).

    :raises QmsError: If ``SOURCE_DATE_EPOCH`` is set but not a whole number.
    """
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if text is not None and text.strip():
        if not re.fullmatch(r"[0-9]{1,11}", text.strip()):
            raise QmsError(
                f"SOURCE_DATE_EPOCH={text!r} is not a whole number of seconds"
            )
        seconds = int(text)
    elif state.commit_time is not None:
        seconds = state.commit_time
    else:
        seconds = int(time.time())
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise QmsError(
            f"SOURCE_DATE_EPOCH={seconds} is outside the dates this system can show"
        ) from None
