"""When digests fall due and what stretch they cover, per recipient timezone (fixed clocks)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from digests.schedule import When, week_buckets, window, zone


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_digest_is_due_from_the_local_send_hour() -> None:
    utc = When(zone("UTC"), 8)
    assert utc.due(at("2026-12-01T07:59")) is None
    assert utc.due(at("2026-12-01T08:00")) == date(2026, 12, 1)
    assert utc.due(at("2026-12-01T23:30")) == date(2026, 12, 1)


def test_the_same_instant_is_a_different_day_and_hour_around_the_world() -> None:
    now = at("2026-12-01T23:30")  # Tokyo: Dec 2, 08:30; Los Angeles: Dec 1, 15:30
    assert When(zone("Asia/Tokyo"), 8).due(now) == date(2026, 12, 2)
    assert When(zone("America/Los_Angeles"), 8).due(now) == date(2026, 12, 1)
    assert When(zone("America/Los_Angeles"), 16).due(now) is None
    assert When(zone("Asia/Kolkata"), 5).due(now) == date(2026, 12, 2)  # 05:00, half-hour zone


def test_the_send_hour_follows_daylight_saving_time() -> None:
    berlin = When(zone("Europe/Berlin"), 8)
    assert berlin.scheduled(date(2026, 7, 1)) == at("2026-07-01T06:00")  # CEST, UTC+2
    assert berlin.scheduled(date(2026, 12, 1)) == at("2026-12-01T07:00")  # CET, UTC+1
    assert berlin.due(at("2026-12-01T06:30")) is None
    assert berlin.due(at("2026-07-01T06:30")) == date(2026, 7, 1)


def test_unknown_timezones_are_refused_with_their_name() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        zone("Mars/Olympus")
    assert zone(None).key == "UTC" and zone("", "Europe/Paris").key == "Europe/Paris"


def test_todays_window_ends_now_and_starts_where_the_last_digest_ended() -> None:
    when = When(zone("UTC"), 8)
    now = at("2026-12-01T09:15")
    today = date(2026, 12, 1)
    assert window(when, today, now, None) == (now - timedelta(days=1), now)
    previous = at("2026-11-30T08:02")
    assert window(when, today, now, previous) == (previous, now)
    # a digest older than a week does not stretch the window further back
    assert window(when, today, now, at("2026-11-01T08:00")) == (now - timedelta(days=1), now)


def test_a_past_days_window_ends_at_its_scheduled_time() -> None:
    when = When(zone("Asia/Tokyo"), 9)
    start, end = window(when, date(2026, 11, 28), at("2026-12-01T12:00"), None)
    assert end == at("2026-11-28T00:00") and start == at("2026-11-27T00:00")


def test_the_week_chart_is_six_local_days_and_today_so_far() -> None:
    end = at("2026-12-01T08:00")  # 08:00 UTC, a Tuesday
    buckets = week_buckets(end, zone("UTC"))
    assert len(buckets) == 7 and buckets[-1] == (at("2026-12-01T00:00"), end)  # today
    assert buckets[0][0] == at("2026-11-25T00:00")
    assert all(a[1] == b[0] for a, b in pairwise(buckets))
    # in Tokyo it is 17:00 on Tuesday: today began at 15:00 UTC on Monday
    tokyo = week_buckets(end, zone("Asia/Tokyo"))
    assert tokyo[-1] == (at("2026-11-30T15:00"), end)
