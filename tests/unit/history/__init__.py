"""Unit tests of change control: item history, baseline diff and suspect links."""

from __future__ import annotations
