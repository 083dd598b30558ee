"""The generation time: SOURCE_DATE_EPOCH, else the commit time, else now."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from qmsdoc.errors import QmsError
from qmsdoc.vcs import SourceState
from qmsdoc.vcs.clock import generation_time

COMMITTED = SourceState(commit="a" * 40, commit_time=1_600_000_000, clean=True)
OUTSIDE_GIT = SourceState(commit=None, commit_time=None, clean=None)


def test_source_date_epoch_wins_over_the_commit_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    when = generation_time(COMMITTED)
    assert when == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert when.tzinfo is UTC
    assert generation_time(OUTSIDE_GIT) == when


def test_source_date_epoch_with_surrounding_blanks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 0 ")
    assert generation_time(COMMITTED) == datetime(1970, 1, 1, tzinfo=UTC)


def test_commit_time_without_source_date_epoch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert generation_time(COMMITTED) == datetime.fromtimestamp(1_600_000_000, tz=UTC)


def test_a_blank_source_date_epoch_counts_as_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "  ")
    assert generation_time(COMMITTED) == datetime.fromtimestamp(1_600_000_000, tz=UTC)


def test_now_outside_git(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = int(time.time())
    when = generation_time(OUTSIDE_GIT)
    after = int(time.time())
    assert before <= when.timestamp() <= after
    assert when.microsecond == 0
    assert when.tzinfo is UTC


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "1e9", "0x10", "12 34"])
def test_a_non_numeric_source_date_epoch_is_an_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(QmsError) as caught:
        generation_time(COMMITTED)
    assert str(caught.value) == (
        f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds"
    )
    assert caught.value.exit_code == 2


def test_a_superscript_digit_is_not_a_whole_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "²")
    with pytest.raises(QmsError):
        generation_time(COMMITTED)


def test_an_out_of_range_source_date_epoch_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    with pytest.raises(QmsError):
        generation_time(COMMITTED)
