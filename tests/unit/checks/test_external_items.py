"""External items (imported from another project's needs.json) are in the graph but
never the subject of a finding: one test per check family, each with a local control
that shows the same content written in the sources is reported."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from qmsdoc.checks.context import CheckContext, local_only
from qmsdoc.model import Location
from qmsdoc.processes import run_checks

from .._rst import default_profile, items_from, rst

if TYPE_CHECKING:
    from qmsdoc.checks import Finding
    from qmsdoc.model import Item

ORIGIN = "external:platform/needs.json"


def _external(text: str) -> tuple[Item, ...]:
    """The items of ``text`` as a needs.json of another project gives them."""
    return tuple(
        replace(
            item,
            origin=ORIGIN,
            location=Location(path="platform/needs.json", line=index + 3, docname=""),
        )
        for index, item in enumerate(items_from(rst(text), path="platform.rst"))
    )


def _findings(local: str, external: str) -> list[Finding]:
    items = (*items_from(rst(local)), *_external(external))
    return run_checks(items, default_profile())


def _about_external(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.path == "platform/needs.json"]


def _ids(findings: list[Finding], check_id: str) -> list[str]:
    return [f.item_id for f in findings if f.check_id == check_id]


#: a requirement with a malformed id, a missing field, an unknown field, a bad
#: value, a dangling link, a link it may not carry and a malformed waiver
BROKEN_REQUIREMENT = """\
    .. requirement:: Stores results encrypted
       :id: PLAT-7
       :status: sometimes
       :colour: red
       :kind: security
       :satisfies: UN-404
       :verifies: REQ-001
       :waiver: nonsense
    """


def test_an_external_item_breaking_every_item_rule_has_no_finding() -> None:
    local = """\
        .. user_need:: Placeholder
           :id: UN-001
           :status: approved
        """
    findings = _findings(local, BROKEN_REQUIREMENT)
    assert _about_external(findings) == []
    # the same item written in the sources is reported by each family
    written = run_checks(items_from(rst(BROKEN_REQUIREMENT)), default_profile())
    reported = {f.check_id for f in written if f.item_id == "PLAT-7"}
    assert {
        "id_malformed",
        "field_missing",
        "field_unknown",
        "field_value",
        "link_target_unknown",
        "link_not_allowed",
        "waiver_invalid",
        "coverage_requirement_verified",
    } <= reported


def test_an_external_item_without_an_id_is_not_reported() -> None:
    external = """\
        .. user_need:: No id in the other project
           :status: approved
        """
    assert _about_external(_findings("", external)) == []
    assert _ids(run_checks(items_from(rst(external)), default_profile()), "id_missing")


def test_links_to_external_items_resolve_and_their_types_are_checked() -> None:
    local = """\
        .. requirement:: Flag abnormal results
           :id: REQ-001
           :status: approved
           :kind: functional
           :level: software
           :satisfies: UN-901

        .. verification_test:: Wrong target type
           :id: VT-001
           :status: approved
           :test_level: unit
           :method: test
           :verifies: REQ-001, UN-901, UN-404
        """
    external = """\
        .. user_need:: See abnormal results
           :id: UN-901
           :status: approved
        """
    findings = _findings(local, external)
    unknown = [f.message for f in findings if f.check_id == "link_target_unknown"]
    assert unknown == ["VT-001: verifies 'UN-404': no such item"]
    not_allowed = [f.message for f in findings if f.check_id == "link_not_allowed"]
    assert len(not_allowed) == 1
    assert "verification_test verifies user_need UN-901" in not_allowed[0]


def test_coverage_counts_external_counterparts_and_skips_external_gaps() -> None:
    local = """\
        .. requirement:: Flag abnormal results
           :id: REQ-001
           :status: approved
           :kind: functional
           :level: software
        """
    external = """\
        .. design_output:: Platform flagging service
           :id: DO-901
           :status: approved
           :element: software_unit
           :safety_class: B
           :implements: REQ-001

        .. requirement:: Platform requirement nobody implements here
           :id: REQ-902
           :status: approved
           :kind: functional
           :level: system
        """
    findings = _findings(local, external)
    assert _ids(findings, "coverage_requirement_implemented") == []
    # REQ-001 is still reported for what no item, local or external, gives it
    assert _ids(findings, "coverage_requirement_verified") == ["REQ-001"]
    assert _about_external(findings) == []


def test_a_local_item_taking_an_external_id_is_a_duplicate() -> None:
    local = """\
        .. user_need:: Local copy
           :id: UN-901
           :status: approved
        """
    external = """\
        .. user_need:: See abnormal results
           :id: UN-901
           :status: approved
        """
    findings = [f for f in _findings(local, external) if f.check_id == "id_duplicate"]
    assert [(f.path, f.line) for f in findings] == [("items.rst", 1)]
    assert ORIGIN in findings[0].message


def test_a_cycle_is_reported_at_a_local_member_only() -> None:
    local = """\
        .. requirement:: Local half of the loop
           :id: REQ-001
           :status: approved
           :kind: functional
           :level: software
           :refines: REQ-902
        """
    external = """\
        .. requirement:: External half of the loop
           :id: REQ-902
           :status: approved
           :kind: functional
           :level: system
           :refines: REQ-001

        .. requirement:: External loop A
           :id: REQ-903
           :status: approved
           :kind: functional
           :level: system
           :refines: REQ-904

        .. requirement:: External loop B
           :id: REQ-904
           :status: approved
           :kind: functional
           :level: system
           :refines: REQ-903
        """
    cycles = [f for f in _findings(local, external) if f.check_id == "link_cycle"]
    assert [(f.item_id, f.path) for f in cycles] == [("REQ-001", "items.rst")]


RISK_CHAIN = """\
    .. hazard:: Wrong result shown
       :id: HAZ-901
       :status: approved
       :hazard_category: clinical_information

    .. hazardous_situation:: Clinician reads a wrong value
       :id: HS-901
       :status: approved
       :sequence: the value is swapped
       :arises_from: HAZ-901
    """


def test_an_external_hazardous_situation_has_no_risk_finding() -> None:
    local = """\
        .. risk_control:: Check digit on every value
           :id: RC-001
           :status: approved
           :option: inherent_safety
           :mitigates: HS-901
        """
    findings = _findings(local, RISK_CHAIN)
    assert _about_external(findings) == []
    assert not [f for f in findings if f.check_id.startswith("risk_estimate")]
    # written in the sources, the same situation has no probabilities: reported
    written = run_checks(items_from(rst(RISK_CHAIN)), default_profile())
    assert set(_ids(written, "risk_estimate")) == {"HS-901"}
    # and the local control's own gaps are still reported
    assert _ids(findings, "risk_control_unverified") == ["RC-001"]


def test_external_soup_and_design_review_items_are_not_reported() -> None:
    external = """\
        .. soup:: requests
           :id: SOUP-901
           :status: approved
           :version: 2.31.0
           :safety_relevance: high

        .. design_review:: Platform design review
           :id: DR-901
           :status: approved
           :participants: someone
        """
    findings = _findings("", external)
    assert _about_external(findings) == []
    written = run_checks(items_from(rst(external)), default_profile())
    assert "soup_hazard_unlinked" in {f.check_id for f in written}
    assert "design_review_participant_invalid" in {f.check_id for f in written}


def test_external_items_need_no_approval() -> None:
    profile = replace(default_profile(), approval_types=("user_need",))
    items = (
        *items_from(
            rst("""\
                .. user_need:: Local need
                   :id: UN-001
                   :status: approved
                """)
        ),
        *_external("""\
            .. user_need:: External need
               :id: UN-901
               :status: approved
            """),
    )
    findings = run_checks(items, profile, approvals={})
    assert _ids(findings, "approval_missing") == ["UN-001"]


def test_the_context_keeps_external_items_in_the_graph_only() -> None:
    local = items_from(
        rst("""\
            .. user_need:: Local need
               :id: UN-001
               :status: approved
            """)
    )
    external = _external("""\
        .. user_need:: External need
           :id: UN-901
           :status: approved
        """)
    context = CheckContext(items=(*local, *external), profile=default_profile())
    assert context.local_items == local
    assert "UN-901" in context.graph
    assert [item.id for item in context.local_of_type("user_need")] == ["UN-001"]
    assert local_only(external) == ()
    assert all(item.external for item in external)
    assert not any(item.external for item in local)
