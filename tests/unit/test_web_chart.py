"""The dashboard chart's layout and the pages' time elements: pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hotgigs.web.chart import layout, nice_top
from hotgigs.web.signin import safe_next
from hotgigs.web.timefmt import when


def test_the_y_axis_ends_on_a_round_count_with_at_most_five_steps() -> None:
    assert nice_top(0) == (1, 1)
    assert nice_top(3) == (3, 1)
    assert nice_top(7) == (8, 2)
    assert nice_top(23) == (25, 5)
    assert nice_top(480) == (500, 100)
    for peak in range(1, 2000, 7):
        top, step = nice_top(peak)
        assert top >= peak and top % step == 0 and top // step <= 5


def test_bars_stack_failures_on_parsed_and_days_are_labelled() -> None:
    days = [{"day": f"2026-12-{d:02d}", "imports": d % 4, "failures": d % 2}
            for d in range(1, 15)]
    chart = layout(days)
    assert [t["value"] for t in chart["ticks"]] == [0, 1, 2, 3]
    assert chart["ticks"][0]["y"] == chart["base"]
    assert len(chart["labels"]) == 7 and chart["labels"][-1]["text"] == "14 Dec"
    for bar in chart["bars"]:
        assert bar["ok_y"] + bar["ok_h"] == chart["base"]  # parsed sits on the axis
        assert round(bar["failed_y"] + bar["failed_h"], 1) == bar["ok_y"]  # failed on top


def test_times_are_time_elements_in_utc_with_a_readable_fallback() -> None:
    moment = datetime(2026, 12, 5, 4, 57, 6, 153654, tzinfo=UTC)
    assert str(when(moment)) == ('<time datetime="2026-12-05T04:57:06+00:00">'
                                 "5 Dec 2026, 04:57 UTC</time>")
    assert str(when("2026-12-05T04:57:06.153654+00:00")) == str(when(moment))
    plus_two = moment.astimezone(timezone(timedelta(hours=2)))
    assert str(when(plus_two)) == str(when(moment))
    assert str(when(None, "never")) == "never" and str(when("<b>")) == "&lt;b&gt;"


def test_signing_in_lands_only_on_this_site() -> None:
    assert safe_next("/candidates?q=x") == "/candidates?q=x"
    for bad in ("//evil.test", "https://evil.test", "/\\evil.test", "", None, "/a\nb"):
        assert safe_next(bad) == "/"
