"""Suspect links: fingerprints, the review record, suspects and ``review`` selectors."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from qmsdoc.errors import InputError
from qmsdoc.history.suspect import (
    DOWNSTREAM_SHOWN,
    SuspectLink,
    item_fingerprint,
    read_reviews,
    review_links,
    suspect_links,
    write_reviews,
)
from qmsdoc.trace import TraceGraph

from .._rst import default_profile, item, items_from, rst

if TYPE_CHECKING:
    from collections.abc import Collection
    from pathlib import Path

    from qmsdoc.history.suspect import LinkKey

#: UN-001 <- REQ-001 <- DO-001 <- DO-002 <- VT-002, and VT-001 -> REQ-001
CHAIN = rst("""\
    .. user_need:: See abnormal results
       :id: UN-001
       :status: approved

       The patient wants to know which results are abnormal.

    .. requirement:: Flag results outside the range
       :id: REQ-001
       :status: approved
       :kind: functional
       :level: software
       :satisfies: UN-001

       The software shall flag a result below the lower
       or above the upper limit.

    .. design_output:: Result flagging engine
       :id: DO-001
       :status: approved
       :element: software_item
       :safety_class: B
       :implements: REQ-001

       Compares each result with its reference range.

    .. design_output:: Range comparison unit
       :id: DO-002
       :status: approved
       :element: software_unit
       :safety_class: B
       :part_of: DO-001

    .. verification_test:: Flagging at the limits
       :id: VT-001
       :status: approved
       :test_level: system
       :method: test
       :verifies: REQ-001

    .. verification_test:: Range comparison unit test
       :id: VT-002
       :status: approved
       :test_level: unit
       :method: test
       :verifies: DO-002
    """)

ALL_LINKS: list[LinkKey] = [
    ("DO-001", "implements", "REQ-001"),
    ("DO-002", "part_of", "DO-001"),
    ("REQ-001", "satisfies", "UN-001"),
    ("VT-001", "verifies", "REQ-001"),
    ("VT-002", "verifies", "DO-002"),
]

REQ_STATUS = ":id: REQ-001\n   :status: approved"


def _graph(text: str = CHAIN) -> TraceGraph:
    return TraceGraph(items_from(text))


def _excluded() -> tuple[str, ...]:
    return default_profile().suspect_excluded


def _reviewed_all(text: str = CHAIN) -> dict[LinkKey, str]:
    record, _ = review_links(_graph(text), {}, ["--all"], excluded=_excluded())
    return record


def _suspects(
    text: str, record: dict[LinkKey, str], excluded: Collection[str] | None = None
) -> list[SuspectLink]:
    return suspect_links(
        _graph(text), record, excluded=_excluded() if excluded is None else excluded
    )


def _keys(suspects: list[SuspectLink]) -> list[LinkKey]:
    return sorted((s.source, s.link_type, s.target) for s in suspects)


# -- fingerprints ---------------------------------------------------------------------


def test_the_default_profile_leaves_out_status_tags_and_waiver() -> None:
    assert set(_excluded()) == {"status", "tags", "waiver"}


def test_a_fingerprint_is_16_hex_and_ignores_excluded_fields_and_wrapping() -> None:
    (before,) = [i for i in items_from(CHAIN) if i.id == "REQ-001"]
    fingerprint = item_fingerprint(before, _excluded())
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint)
    variants = {
        "status": CHAIN.replace(REQ_STATUS, REQ_STATUS.replace("approved", "draft")),
        "tags": CHAIN.replace(REQ_STATUS, REQ_STATUS + "\n   :tags: flags"),
        "wrapping": CHAIN.replace("lower\n   or above", "lower or\n   above"),
    }
    for name, text in variants.items():
        (after,) = [i for i in items_from(text) if i.id == "REQ-001"]
        assert item_fingerprint(after, _excluded()) == fingerprint, name
    (after,) = [i for i in items_from(variants["status"]) if i.id == "REQ-001"]
    assert item_fingerprint(after, ()) != item_fingerprint(before, ())


# -- suspect links --------------------------------------------------------------------


def test_links_never_reviewed_are_suspect() -> None:
    suspects = _suspects(CHAIN, {})
    assert _keys(suspects) == ALL_LINKS
    assert {s.reason for s in suspects} == {"never reviewed"}


def test_nothing_is_suspect_after_reviewing_every_link() -> None:
    record = _reviewed_all()
    assert sorted(record) == ALL_LINKS
    assert _suspects(CHAIN, record) == []


def test_links_to_a_changed_target_are_suspect_with_their_downstream_items() -> None:
    record = _reviewed_all()
    changed = CHAIN.replace("shall flag", "shall highlight")
    assert _suspects(changed, record) == [
        SuspectLink(
            source="DO-001",
            link_type="implements",
            target="REQ-001",
            reason="REQ-001 changed since the link was reviewed",
            downstream=("DO-002", "VT-002"),
        ),
        SuspectLink(
            source="VT-001",
            link_type="verifies",
            target="REQ-001",
            reason="REQ-001 changed since the link was reviewed",
            downstream=(),
        ),
    ]


def test_downstream_items_are_followed_transitively() -> None:
    record = _reviewed_all()
    changed = CHAIN.replace("which results are abnormal", "which results are low")
    (suspect,) = _suspects(changed, record)
    assert (suspect.source, suspect.link_type, suspect.target) == (
        "REQ-001",
        "satisfies",
        "UN-001",
    )
    assert suspect.reason == "UN-001 changed since the link was reviewed"
    assert suspect.downstream == ("DO-001", "DO-002", "VT-001", "VT-002")


def test_a_status_change_alone_does_not_make_links_suspect() -> None:
    record = _reviewed_all()
    status_only = CHAIN.replace(REQ_STATUS, REQ_STATUS.replace("approved", "in_review"))
    assert _suspects(status_only, record) == []
    # without the profile's unchanged_fields the same change would count
    strict_record, _ = review_links(_graph(), {}, ["--all"], excluded=())
    assert _keys(_suspects(status_only, strict_record, excluded=())) == [
        ("DO-001", "implements", "REQ-001"),
        ("VT-001", "verifies", "REQ-001"),
    ]


def test_other_field_title_and_link_changes_of_the_target_count() -> None:
    record = _reviewed_all()
    expected = [("DO-001", "implements", "REQ-001"), ("VT-001", "verifies", "REQ-001")]
    changes = {
        "field": CHAIN.replace(":kind: functional", ":kind: performance"),
        "title": CHAIN.replace("Flag results outside", "Flag all results outside"),
        "link": CHAIN.replace(":satisfies: UN-001", ":satisfies: UN-001\n   :refines: REQ-009"),
    }  # fmt: skip
    for name, text in changes.items():
        assert _keys(_suspects(text, record)) == expected, name


def test_a_change_of_the_source_does_not_make_its_own_links_suspect() -> None:
    record = _reviewed_all()
    changed = CHAIN.replace("Compares each result", "Compares every result")
    assert _keys(_suspects(changed, record)) == [("DO-002", "part_of", "DO-001")]


def test_links_to_unknown_items_are_not_suspect() -> None:
    record = _reviewed_all()
    dangling = CHAIN.replace(":verifies: DO-002", ":verifies: DO-002, DO-404")
    assert _suspects(dangling, record) == []


# -- review_links ---------------------------------------------------------------------


def test_an_item_id_selects_the_links_from_and_to_it() -> None:
    record, touched = review_links(_graph(), {}, ["REQ-001"], excluded=_excluded())
    expected = [
        ("DO-001", "implements", "REQ-001"),
        ("REQ-001", "satisfies", "UN-001"),
        ("VT-001", "verifies", "REQ-001"),
    ]
    assert touched == expected
    assert sorted(record) == expected
    need = _graph().item("UN-001")
    assert need is not None
    fingerprint = item_fingerprint(need, _excluded())
    assert record[("REQ-001", "satisfies", "UN-001")] == fingerprint


def test_a_link_selector_selects_exactly_that_link() -> None:
    record, touched = review_links(
        _graph(), {}, ["VT-002:verifies:DO-002"], excluded=_excluded()
    )
    assert touched == [("VT-002", "verifies", "DO-002")]
    assert list(record) == [("VT-002", "verifies", "DO-002")]


def test_all_selects_every_link_and_selectors_combine() -> None:
    _, touched = review_links(_graph(), {}, ["--all"], excluded=_excluded())
    assert touched == ALL_LINKS
    _, both = review_links(
        _graph(), {}, ["DO-002", "VT-001:verifies:REQ-001"], excluded=_excluded()
    )
    assert both == [
        ("DO-002", "part_of", "DO-001"),
        ("VT-001", "verifies", "REQ-001"),
        ("VT-002", "verifies", "DO-002"),
    ]


@pytest.mark.parametrize(
    "selector", ["NOPE-1", "VT-002:verifies:REQ-001", "DO-001:implements", "UN"]
)
def test_a_selector_matching_nothing_is_an_input_error(selector: str) -> None:
    with pytest.raises(InputError, match=re.escape(f"{selector!r} matches no link")):
        review_links(_graph(), {}, ["REQ-001", selector], excluded=_excluded())


def test_reviewing_again_touches_only_the_changed_links() -> None:
    record = _reviewed_all()
    changed = CHAIN.replace("shall flag", "shall highlight")
    updated, touched = review_links(
        _graph(changed), record, ["REQ-001"], excluded=_excluded()
    )
    assert touched == [
        ("DO-001", "implements", "REQ-001"),
        ("VT-001", "verifies", "REQ-001"),
    ]
    assert sorted(updated) == ALL_LINKS
    assert (
        updated[("REQ-001", "satisfies", "UN-001")]
        == record[("REQ-001", "satisfies", "UN-001")]
    )
    assert (
        updated[("DO-001", "implements", "REQ-001")]
        != record[("DO-001", "implements", "REQ-001")]
    )
    assert _suspects(changed, updated) == []


def test_links_that_no_longer_exist_are_dropped() -> None:
    record = _reviewed_all()
    record[("DO-009", "implements", "REQ-001")] = "0123456789abcdef"
    without_vt_link = CHAIN.replace("   :verifies: REQ-001\n", "")
    updated, touched = review_links(
        _graph(without_vt_link), record, ["UN-001"], excluded=_excluded()
    )
    assert touched == []
    assert sorted(updated) == [
        ("DO-001", "implements", "REQ-001"),
        ("DO-002", "part_of", "DO-001"),
        ("REQ-001", "satisfies", "UN-001"),
        ("VT-002", "verifies", "DO-002"),
    ]


# -- the record file ------------------------------------------------------------------


def test_the_record_round_trips_sorted_one_line_per_link(tmp_path: Path) -> None:
    record = tmp_path / "traceability" / "reviewed-links.txt"
    reviews: dict[LinkKey, str] = {
        ("VT-001", "verifies", "REQ-001"): "00000000000000aa",
        ("DO-001", "implements", "REQ-001"): "ffffffffffffffff",
        ("DO-001", "implements", "RC-001"): "0123456789abcdef",
    }
    write_reviews(record, reviews)
    lines = record.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        "DO-001 implements RC-001 0123456789abcdef",
        "DO-001 implements REQ-001 ffffffffffffffff",
        "VT-001 verifies REQ-001 00000000000000aa",
    ]
    assert lines[0].startswith("# qmsdoc reviewed links")
    assert read_reviews(record) == reviews
    first = record.read_bytes()
    write_reviews(record, read_reviews(record) or {})
    assert record.read_bytes() == first


def test_a_missing_record_is_none_and_an_empty_one_is_empty(tmp_path: Path) -> None:
    record = tmp_path / "reviewed-links.txt"
    assert read_reviews(record) is None
    write_reviews(record, {})
    assert read_reviews(record) == {}


def test_blank_lines_and_comments_are_skipped(tmp_path: Path) -> None:
    record = tmp_path / "reviewed-links.txt"
    record.write_text(
        "# comment\n\nDO-001 implements REQ-001 0123456789abcdef\n   \n# end\n",
        encoding="utf-8",
    )
    assert read_reviews(record) == {
        ("DO-001", "implements", "REQ-001"): "0123456789abcdef"
    }


@pytest.mark.parametrize(
    "bad",
    [
        "DO-001 implements REQ-001",
        "DO-001 implements REQ-001 0123456789ABCDEF",
        "DO-001 implements REQ-001 0123456789abcdef extra",
        "DO-001 implements REQ-001 0123",
    ],
)
def test_a_malformed_line_is_an_input_error_naming_path_and_line(
    tmp_path: Path, bad: str
) -> None:
    record = tmp_path / "reviewed-links.txt"
    record.write_text(
        f"# header\nVT-001 verifies REQ-001 0123456789abcdef\n{bad}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        read_reviews(record)
    assert str(raised.value) == (
        f"{record}:3: not 'SOURCE LINK TARGET FINGERPRINT': {bad!r}"
    )


def test_a_deep_chain_names_only_the_nearest_dependants_of_each_link() -> None:
    # REQ-n refines REQ-n+1, 5,000 deep, never reviewed: every link is suspect and
    # every source has up to 4,999 dependants; each suspect names the nearest ones
    depth = 5_000
    ids = [f"REQ-{n:05d}" for n in range(depth)]
    graph = TraceGraph(
        item(ids[n], links=[("refines", ids[n + 1])] if n + 1 < depth else [])
        for n in range(depth)
    )
    suspects = suspect_links(graph, {}, excluded=())
    assert len(suspects) == depth - 1
    assert all(s.reason == "never reviewed" for s in suspects)
    assert all(len(s.downstream) <= DOWNSTREAM_SHOWN for s in suspects)
    deepest = suspects[-1]
    assert deepest.source == ids[-2]
    assert deepest.downstream == tuple(ids[-2 - DOWNSTREAM_SHOWN : -2])
    assert deepest.downstream_more
    assert suspects[1].downstream == (ids[0],)
    assert not suspects[1].downstream_more
