"""Every printed date form maps to YYYY-MM / YYYY / present, never to an invented month."""

from __future__ import annotations

import pytest

from pipeline.parser.dates import find_range, normalize


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Jan 2019 – Present", "2019-01", "present"),
        ("01/2019 - now", "2019-01", "present"),
        ("2017–19", "2017", "2019"),
        ("Summer 2020 - Fall 2021", "2020", "2021"),
        ("2017.11 – present", "2017-11", "present"),
        ("November 2017 to Present", "2017-11", "present"),
        ("2015 - 2018", "2015", "2018"),
        ("Oct. 2021 – Current", "2021-10", "present"),
        ("Sept 2012 — Jun 2014", "2012-09", "2014-06"),
        ("Engineer | Acme | 3/2016 - 11/2018", "2016-03", "2018-11"),
        ("Feb 2022 - Jul 2025 · 3 yrs 6 mos", "2022-02", "2025-07"),
    ],
)
def test_date_ranges(text: str, start: str, end: str) -> None:
    rng = find_range(text)
    assert rng is not None
    assert (rng.start, rng.end) == (start, end)


def test_season_and_year_keep_their_precision() -> None:
    assert normalize("Summer 2020") == "2020"
    assert normalize("2019") == "2019"
    assert normalize("March 2019") == "2019-03"


def test_backwards_range_is_not_a_range() -> None:
    assert find_range("2019 - 2015") is None


def test_phone_like_numbers_are_not_dates() -> None:
    assert find_range("call 555-0134") is None
