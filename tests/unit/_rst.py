"""Helpers for the unit tests: items built through the real reader, loader and checks.

rST text goes through :func:`qmsdoc.model.rst_source.scan_text`, then
:func:`qmsdoc.model.load_items` and :func:`qmsdoc.processes.run_checks`, with the packaged
default profile unless a test gives another one.
"""

from __future__ import annotations

import functools
import textwrap
from typing import TYPE_CHECKING

from qmsdoc.model import Item, Link, Location, load_items
from qmsdoc.model.rst_source import scan_text
from qmsdoc.processes import run_checks
from qmsdoc.profile import load_profile

if TYPE_CHECKING:
    from collections.abc import Sequence

    from qmsdoc.checks import Finding
    from qmsdoc.profile import Profile

__all__ = [
    "CORE_CHECK_PREFIXES",
    "PATH",
    "SECURITY_CHAIN",
    "VALID_CHAIN",
    "check",
    "default_profile",
    "findings_of",
    "item",
    "items_from",
    "rst",
]

#: the file name every snippet is read as
PATH = "items.rst"

#: the check families of the core; findings of other checks (added by other features of
#: the engine) are left out by :func:`check`, so these tests stay about the core
CORE_CHECK_PREFIXES = ("id_", "field_", "link_", "coverage_", "waiver_")

#: one item of each of the 13 core types, meeting every coverage rule: no finding of
#: a core check (risk values are in the acceptable region, so risk checks stay quiet
#: apart from the overall evaluation, which needs a risk_evaluation item)
VALID_CHAIN = """\
.. user_need:: Clinician sees the latest lab results
   :id: UN-001
   :status: approved

.. requirement:: Display lab results within 2 seconds
   :id: REQ-001
   :status: approved
   :kind: performance
   :level: software
   :satisfies: UN-001
   :complies_with: STD-IEC62304-5.2

.. standard_clause:: Software requirements content
   :id: STD-IEC62304-5.2
   :status: approved
   :standard: IEC 62304:2006+A1:2015
   :clause: 5.2

.. hazard:: Stale lab result shown
   :id: HAZ-001
   :status: approved
   :hazard_category: data_integrity

.. harm:: Delayed treatment
   :id: HARM-001
   :status: approved
   :severity: 4

.. hazardous_situation:: Clinician acts on a stale result
   :id: HS-001
   :status: approved
   :sequence: Cache not refreshed; clinician reads the old value
   :p1: 1
   :p2: 1
   :residual_p1: 1
   :residual_p2: 1
   :arises_from: HAZ-001
   :leads_to: HARM-001

.. risk_control:: Show the result timestamp and a staleness banner
   :id: RC-001
   :status: approved
   :option: protective_measure
   :mitigates: HS-001

.. soup:: HTTP client library
   :id: SOUP-001
   :status: approved
   :version: 2.31.0
   :supplier: Python Software Foundation
   :purl: pkg:pypi/requests@2.31.0
   :safety_relevance: indirect
   :purpose: Fetches lab results from the laboratory interface
   :soup_requirements: HTTPS with certificate verification; responses within 2 s
   :prerequisites: CPython 3.11 on Linux x86_64
   :support_level: actively_maintained
   :end_of_support: 2027-10-31
   :contributes_to: HAZ-001

.. design_output:: Results view
   :id: DO-001
   :status: approved
   :element: software_item
   :safety_class: B
   :implements: REQ-001, RC-001
   :uses: SOUP-001

.. verification_test:: Results view timing and banner test
   :id: VT-001
   :status: approved
   :test_level: system
   :method: test
   :verifies: REQ-001, RC-001

.. validation:: Summative usability study
   :id: VAL-001
   :status: approved
   :validation_method: summative_usability
   :validates: UN-001
   :verifies: RC-001

.. anomaly:: Banner flickers on resize
   :id: ANOM-001
   :status: approved
   :anomaly_state: deferred
   :impact: Cosmetic only; no safety impact
   :affects: DO-001

.. change_request:: Shorten the refresh interval
   :id: CR-001
   :status: in_review
   :impact: Affects REQ-001 timing; re-run VT-001
   :changes: REQ-001
"""


#: a threat, its security control and a vulnerability assessment, meeting the
#: security coverage rules together with :data:`VALID_CHAIN` (REQ-002, DO-002 and
#: VT-002 are the control's requirement, design output and test)
SECURITY_CHAIN = """
.. threat:: Session token replayed against the results API
   :id: THR-001
   :status: approved
   :stride: spoofing
   :asset: Session tokens
   :security_impact: 2
   :exploitability: 2

.. security_control:: Short-lived tokens bound to the device key
   :id: SC-001
   :status: approved
   :control_category: authentication
   :mitigates: THR-001

.. requirement:: Bind session tokens to the device key
   :id: REQ-002
   :status: approved
   :kind: security
   :level: software
   :satisfies: UN-001
   :implements: SC-001

.. design_output:: Session service
   :id: DO-002
   :status: approved
   :element: software_item
   :safety_class: B
   :implements: REQ-002

.. verification_test:: Replayed token is refused
   :id: VT-002
   :status: approved
   :test_level: integration
   :method: test
   :verifies: REQ-002, SC-001

.. vulnerability:: Proxy credentials leak on redirect
   :id: VULN-001
   :status: approved
   :vulnerability_id: CVE-2023-32681
   :vex_status: not_affected
   :vex_justification: vulnerable_code_not_in_execute_path
   :affects: SOUP-001
"""


@functools.cache
def default_profile() -> Profile:
    """The packaged ``medical-device`` profile, loaded once for the whole suite."""
    return load_profile()


def rst(text: str) -> str:
    """``text`` without its common indentation (so snippets can be indented in tests)."""
    return textwrap.dedent(text)


def items_from(
    text: str, profile: Profile | None = None, *, path: str = PATH
) -> tuple[Item, ...]:
    """The items of rST ``text``, read as file ``path``."""
    active = profile or default_profile()
    raw = scan_text(
        text,
        path=path,
        docname=path.removesuffix(".rst"),
        directives=active.directives,
    )
    return load_items(raw, active)


def check(text: str, profile: Profile | None = None) -> list[Finding]:
    """Every finding of the core checks about the items of rST ``text``, in order."""
    active = profile or default_profile()
    return [
        finding
        for finding in run_checks(items_from(text, active), active)
        if finding.check_id.startswith(CORE_CHECK_PREFIXES)
    ]


def findings_of(
    text: str, check_id: str, profile: Profile | None = None
) -> list[Finding]:
    """The findings of one check about the items of rST ``text``."""
    return [f for f in check(text, profile) if f.check_id == check_id]


def item(
    item_id: str,
    item_type: str = "requirement",
    links: Sequence[tuple[str, str]] = (),
    *,
    line: int = 1,
    path: str = PATH,
) -> Item:
    """An item built directly (for graph tests that need thousands of them)."""
    return Item(
        id=item_id,
        item_type=item_type,
        title=f"Item {item_id}",
        fields=(),
        links=tuple(Link(link_type=kind, target=target) for kind, target in links),
        waivers=(),
        malformed_waivers=(),
        content="",
        location=Location(path=path, line=line, docname=path.removesuffix(".rst")),
    )
