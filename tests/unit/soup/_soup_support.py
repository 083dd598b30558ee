"""Helpers for the SOUP tests: small CycloneDX documents written as real files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["DATA", "cyclonedx", "library", "write_json"]

#: SBOMs kept in the repository (see PROVENANCE.md there)
DATA = Path(__file__).parent.parent.parent / "data" / "sbom"


def library(name: str, version: str | None, **fields: Any) -> dict[str, Any]:
    """A CycloneDX library component with a PyPI PURL (``purl=None``: without)."""
    component: dict[str, Any] = {"type": "library", "name": name}
    if version is not None:
        component["version"] = version
    purl = fields.pop("purl", f"pkg:pypi/{name.lower()}@{version}")
    if purl is not None:
        component["purl"] = purl
    component.update(fields)
    return component


def cyclonedx(
    components: list[dict[str, Any]], *, spec: str = "1.6", **extra: Any
) -> dict[str, Any]:
    """A CycloneDX JSON document with these components."""
    return {
        "bomFormat": "CycloneDX",
        "specVersion": spec,
        "components": components,
        **extra,
    }


def write_json(path: Path, document: object) -> Path:
    """Write ``document`` as indented JSON and return ``path``."""
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path
