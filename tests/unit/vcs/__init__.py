"""Unit tests of the version control access."""

from __future__ import annotations
