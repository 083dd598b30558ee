"""Change control from version history: per-item history, baselines and diff, suspect links."""

from __future__ import annotations

from qmsdoc.history.items import ItemChange, item_histories

__all__ = ["ItemChange", "item_histories"]
