"""When a digest is due and which stretch of time it covers, in the recipient's own timezone.

Pure functions over an explicit `now` (tests pass a fixed clock). A digest is named by the
recipient's local date; it is due from its send hour until that local day ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOOKBACK_LIMIT = timedelta(days=7)  # a digest never reaches further back than a week
DAY = timedelta(days=1)


def zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    """The IANA zone `name` (or `default` when empty); ValueError names a bad one."""
    wanted = (name or "").strip() or default
    try:
        return ZoneInfo(wanted)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {wanted!r} (use an IANA name such as "
                         "Europe/Berlin)") from None


@dataclass(frozen=True)
class When:
    """A recipient's digest timing: its timezone and local send hour."""

    tz: ZoneInfo
    hour: int = 8

    def local_date(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def scheduled(self, day: date) -> datetime:
        """The moment (UTC) the digest of local `day` is due."""
        local = datetime.combine(day, time(self.hour), tzinfo=self.tz)
        return local.astimezone(UTC)

    def due(self, now: datetime) -> date | None:
        """The local date whose digest is due at `now`, or None before today's send hour."""
        day = self.local_date(now)
        return day if now >= self.scheduled(day) else None


def window(when: When, day: date, now: datetime,
           previous_end: datetime | None) -> tuple[datetime, datetime]:
    """[start, end) of what the digest of `day` reports.

    It ends now for today's digest (so nothing waits a day for the next one) and at the
    scheduled time for a past day's; it starts where the recipient's previous digest ended,
    so nothing is reported twice or missed, but never more than a week back.
    """
    end = now if day >= when.local_date(now) else min(now, when.scheduled(day))
    start = end - DAY
    if previous_end is not None and end - LOOKBACK_LIMIT <= previous_end < end:
        start = previous_end
    return start, end


def week_buckets(end: datetime, tz: ZoneInfo, days: int = 7) -> list[tuple[datetime, datetime]]:
    """The week chart's bars, oldest first: `days - 1` whole local days, then today so far
    (from local midnight to `end`), so each bar holds the imports of the day it is named after
    (a bar of the 24 hours before an 08:00 digest held mostly yesterday's, under its name)."""
    local_end = end.astimezone(tz)
    today = datetime.combine(local_end.date(), time(0), tzinfo=tz)
    starts = [datetime.combine(today.date() - timedelta(days=n), time(0), tzinfo=tz)
              for n in range(days - 1, -1, -1)]  # midnight in tz, DST-safe per day
    bounds = [*starts, end]
    return [(bounds[i].astimezone(UTC), bounds[i + 1].astimezone(UTC)) for i in range(days)]
