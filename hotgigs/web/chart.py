"""The admin dashboard's "imports per day" chart, laid out on the server as inline SVG.

Stacked bars (parsed or pending, and failed) over a y-axis with round counts and an x-axis with
day labels. Laid out here rather than drawn by a script library so the page works without
JavaScript and nothing is fetched from elsewhere; the SVG scales to the page's width.
"""

from __future__ import annotations

from datetime import date
from typing import Any

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 34  # room for the axes' labels


def nice_top(peak: int) -> tuple[int, int]:
    """(axis top, tick step): the smallest 1-2-5 step giving at most 5 ticks above 0."""
    if peak <= 0:
        return 1, 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            candidate = step * factor
            if candidate * 5 >= peak:
                top = -(-peak // candidate) * candidate
                return top, candidate
        step *= 10


def _label(day: str) -> str:
    parsed = date.fromisoformat(day)
    return f"{parsed.day} {parsed:%b}"


def layout(per_day: list[dict[str, Any]]) -> dict[str, Any]:
    """Coordinates of bars, ticks and labels for `per_day` (dashboard.per_day's rows)."""
    peak = max((d["imports"] for d in per_day), default=0)
    top, step = nice_top(peak)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(per_day), 1)
    bar_w = max(slot * 0.7, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h - plot_h * value / top, 1)

    bars, labels = [], []
    every = 1 if len(per_day) <= 7 else 2  # keep day labels apart, even on a phone
    for index, d in enumerate(per_day):
        x = round(LEFT + index * slot + (slot - bar_w) / 2, 1)
        ok = d["imports"] - d["failures"]
        bars.append({"x": x, "w": round(bar_w, 1), "day": d["day"], "imports": d["imports"],
                     "failures": d["failures"],
                     "ok_y": y(ok), "ok_h": round(y(0) - y(ok), 1),
                     "failed_y": y(d["imports"]), "failed_h": round(y(ok) - y(d["imports"]), 1)})
        if (len(per_day) - 1 - index) % every == 0:  # today always has its label
            labels.append({"x": round(x + bar_w / 2, 1), "text": _label(d["day"])})
    ticks = [{"value": v, "y": y(v)} for v in range(0, top + 1, step)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
            "base": y(0), "top": TOP, "bars": bars, "ticks": ticks, "labels": labels,
            "label_y": HEIGHT - BOTTOM + 16}
