"""Event handlers that run the framework-free checks inside a Sphinx build."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util import logging

from qmsdoc.errors import QmsError
from qmsdoc.sphinxext.domain import QmsDomain
from qmsdoc.sphinxext.evidence_display import evidence_fingerprint
from qmsdoc.sphinxext.needtypes import project_of
from qmsdoc.sphinxext.outdated import history_mark

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from qmsdoc.checks import Finding


__all__ = ["check_items", "emit_finding", "remember_evidence"]

LOGGER = logging.getLogger(__name__)


def check_items(app: Sphinx, env: BuildEnvironment) -> None:
    """Check the device file of this build (:class:`~qmsdoc.device_file.DeviceFile`,
    the pipeline of ``qms check``) and emit each finding at its location."""
    domain = QmsDomain.of(env)
    domain.forget_check_context()
    try:
        domain.project()  # loaded once per build, and kept for the device file
    except QmsError as error:
        LOGGER.error("qmsdoc: %s", error, type="qms", subtype="profile")
        return
    device = domain.device_file()
    if device is None or domain.check_context() is None:
        return
    findings = list(device.findings)
    domain.set_findings(findings)
    for finding in findings:
        emit_finding(finding)


def remember_evidence(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """At ``env-updated`` (before the environment is saved): note the evidence read."""
    try:
        project = project_of(env.config)
    except QmsError:
        return []
    domain = QmsDomain.of(env)
    domain.data["evidence_fingerprint"] = evidence_fingerprint(project)
    domain.data["history_head"] = history_mark(project)
    return []


def emit_finding(finding: Finding) -> None:
    """Log one finding: a ``qms.<check id>`` warning, or information if waived or minor."""
    # a finding about a committed record (SBOM, scan, evidence) is not in a document
    location: tuple[str, int] | str = (
        (finding.docname, finding.line)
        if finding.docname
        else f"{finding.path}:{finding.line}"
    )
    if finding.waived:
        LOGGER.info(
            "[qms.%s] deviation accepted: %s (waiver: %s)",
            finding.check_id,
            finding.message,
            finding.justification,
            location=location,
        )
    elif finding.advisory:
        LOGGER.info(
            "[qms.%s] advisory %s: %s",
            finding.check_id,
            finding.severity,
            finding.message,
            location=location,
        )
    elif finding.severity == "info":
        LOGGER.info("[qms.%s] %s", finding.check_id, finding.message, location=location)
    else:
        LOGGER.warning(
            "%s",
            finding.message,
            type="qms",
            subtype=finding.check_id,
            location=location,
        )
