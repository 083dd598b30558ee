"""The item model: raw directive records from the sources and the validated items."""

from __future__ import annotations

from qmsdoc.model.items import MAX_ID_LENGTH, Item, Link, Location, RawItem, Waiver
from qmsdoc.model.load import load_items

__all__ = [
    "MAX_ID_LENGTH",
    "Item",
    "Link",
    "Location",
    "RawItem",
    "Waiver",
    "load_items",
]
