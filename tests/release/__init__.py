"""Release records and `qms release` (issue 15 item 8)."""

from __future__ import annotations
