"""Unit tests of the ISO 14971 risk model, estimates and views."""

from __future__ import annotations
