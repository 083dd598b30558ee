"""Committed records on disk: atomic writes, the record folder's write lock, and the
field readers of JSON records. Below every process that keeps records (evidence,
SOUP, vulnerabilities, reviewed links, releases), above only the errors and the
input reader."""

from __future__ import annotations

__all__: list[str] = []
