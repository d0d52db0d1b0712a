"""CLICS time strings: one writer for the board, the endpoints and clarifications."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.scoring.times import abstime, parse_abstime, parse_reltime, reltime


@pytest.mark.parametrize(
    ("delta", "text"),
    [(timedelta(0), "0:00:00.000"), (timedelta(hours=5, seconds=1.5), "5:00:01.500"),
     (timedelta(seconds=59.9996), "0:01:00.000"),  # rounds up into the minute, never ".1000"
     (timedelta(minutes=-90), "-1:30:00.000"), (timedelta(hours=123), "123:00:00.000")],
)  # fmt: skip
def test_reltime_writes_and_reads_back(delta, text):
    assert reltime(delta) == text
    assert parse_reltime(text) == timedelta(milliseconds=round(delta.total_seconds() * 1000))


def test_abstime_writes_milliseconds_and_utc_and_reads_any_offset():
    moment = datetime(2026, 3, 1, 9, 5, 7, 123456)
    assert abstime(moment) == "2026-03-01T09:05:07.123+00:00"
    assert parse_abstime("2026-03-01T10:05:07.123+01") == moment.replace(microsecond=123000)
    assert parse_abstime("2026-03-01T09:05:07Z") == moment.replace(microsecond=0)
