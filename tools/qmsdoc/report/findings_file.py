"""The findings file (``traceability/findings.json``): stable order, no timestamps."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from qmsdoc.storage.atomic import write_atomic

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from qmsdoc.checks import Finding
    from qmsdoc.profile import Profile

__all__ = ["findings_document", "write_findings"]

#: one encoder for every line (``json.dumps`` with options builds one per call)
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def findings_document(
    findings: Sequence[Finding], profile: Profile, *, item_count: int
) -> dict[str, Any]:
    """The findings as a JSON-ready mapping: open findings, then accepted deviations."""
    return {
        "profile": {"name": profile.name, "version": profile.version},
        "summary": _summary(findings, item_count),
        "findings": [_entry(f) for f in findings if not f.waived],
        "deviations": [
            {**_entry(f), "justification": f.justification}
            for f in findings
            if f.waived
        ],
    }


def _summary(findings: Sequence[Finding], item_count: int) -> dict[str, Any]:
    open_findings = [f for f in findings if not f.waived]
    return {
        "items": item_count,
        "errors": sum(1 for f in open_findings if f.severity == "error"),
        "warnings": sum(1 for f in open_findings if f.severity == "warning"),
        "information": sum(1 for f in open_findings if f.severity == "info"),
        "deviations": len(findings) - len(open_findings),
        "gate": "fail" if any(f.fails_gate for f in findings) else "pass",
    }


def write_findings(
    path: Path, findings: Sequence[Finding], profile: Profile, *, item_count: int
) -> None:
    """Write the findings file atomically, byte-identical for the same findings.

    The bytes are those of :func:`findings_document` laid out by :func:`_layout`; each
    finding's line is written straight from its fields (a deep chain has tens of
    thousands of findings, and a mapping per finding for the encoder cost six times
    as much), and a test holds the two to the same bytes.
    """
    document = {
        "profile": {"name": profile.name, "version": profile.version},
        "summary": _summary(findings, item_count),
        "findings": [_line(f) for f in findings if not f.waived],
        "deviations": [_line(f, f.justification) for f in findings if f.waived],
    }
    write_atomic(path, _layout(document, encoded=True).encode("utf-8"))


def _layout(document: dict[str, Any], *, encoded: bool = False) -> str:
    """The document as JSON with one finding per line: a diff of two findings files
    shows the findings that changed. ``encoded``: the lists hold JSON lines already."""
    members = []
    for key, value in document.items():
        name = json.dumps(key)
        if isinstance(value, list) and value:
            lines = value if encoded else [_ENCODE(entry) for entry in value]
            rows = ",\n".join("    " + line for line in lines)
            members.append(f"  {name}: [\n{rows}\n  ]")
        else:
            members.append(f"  {name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(members) + "\n}\n"


def _line(finding: Finding, justification: str | None = None) -> str:
    """``_ENCODE(_entry(finding))`` (plus the justification of a deviation), written
    directly: the C string encoder the JSON encoder uses, the same separators."""
    text = (
        f'{{"check": {encode_basestring("qms." + finding.check_id)}, '
        f'"severity": {encode_basestring(finding.severity)}, '
        f'"item": {encode_basestring(finding.item_id)}, '
        f'"file": {encode_basestring(finding.path)}, "line": {int(finding.line)}, '
        f'"message": {encode_basestring(finding.message)}, '
        f'"advisory": {"true" if finding.advisory else "false"}'
    )
    if justification is not None:
        text += f', "justification": {encode_basestring(justification)}'
    return text + "}"


def _entry(finding: Finding) -> dict[str, Any]:
    return {
        "check": f"qms.{finding.check_id}",
        "severity": finding.severity,
        "item": finding.item_id,
        "file": finding.path,
        "line": finding.line,
        "message": finding.message,
        "advisory": finding.advisory,
    }
