"""Unit tests of the framework-free core of qmsdoc."""

from __future__ import annotations
