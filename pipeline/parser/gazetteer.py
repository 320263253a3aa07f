"""World city names from GeoNames, for telling places from people.

A résumé's top lines hold a name and a place side by side, both capitalised words: "Los
Angeles", "West Chester" or "Hong Kong" look like names to a shape rule. Cities are
open-ended, so instead of a hand list we read GeoNames' cities with 15,000 people or more
(about 32,000 cities, every country), prepared by `build_cities` into a small file and loaded
once per process. The data is CC BY 4.0 (see `pipeline/data/ATTRIBUTION.md`).

`is_city(text)` matches a city's own name (used to refuse a person's name that is exactly a
city); `alternates=True` also matches its other names in Latin and CJK script (used to accept
a location such as "München" or "上海").
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from pipeline.parser import lines

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "cities.txt.gz"


def fold(text: str) -> str:
    """`lines.fold` with spaces collapsed: the key names are looked up by."""
    return " ".join(lines.fold(text).replace("’", "'").split())


@cache
def _cities() -> tuple[frozenset[str], frozenset[str]]:
    own: list[str] = []
    other: list[str] = []
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as fh:
        for line in fh:
            kind, _, name = line.rstrip("\n").partition("\t")
            (own if kind == "1" else other).append(name)
    return frozenset(own), frozenset(own + other)


def load() -> None:
    """Read the file now (a worker does this at start, before it forks or takes work)."""
    _cities()


def is_city(text: str, *, alternates: bool = False) -> bool:
    """Whether `text`, as a whole, names a city."""
    key = fold(text.strip(" ,.;:"))
    return key in _cities()[1 if alternates else 0]
