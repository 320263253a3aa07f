"""Date and date-range recognition for résumé entries, in every language we read.

Output follows DESIGN.md: "YYYY-MM" when a month is printed, "YYYY" for a bare year,
"present" for a current role, None when unknown. A season or a bare year never becomes a
month: inventing precision would corrupt tenure calculations downstream. The words (month
names from CLDR, "present" and "since" in each language) live in `dates_i18n`; the printed
shapes (Jan 2019, 03/2019, 2019.03, 2019年7月, 令和3年4月) are written once here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.parser.dates_i18n import (
    ERAS,
    MONTHS,
    PRESENT_WORDS,
    RANGE_MARKS,
    RANGE_WORDS,
    SEASON_WORDS,
    SINCE_WORDS,
    alternation,
    era_year,
    month_number,
)

__all__ = ["MONTHS", "DateRange", "find_range", "find_single", "normalize", "strip_dates"]

_MON = alternation(MONTHS) + r"\.?"
_SEASON = alternation(SEASON_WORDS)
_YEAR = r"(?:19\d\d|20[0-4]\d)"
_MM = r"(?:1[0-2]|0?[1-9])"
_ERA = alternation(k for k in ERAS if len(k) > 1)
_PRESENT = alternation(PRESENT_WORDS)
# a letter or digit of an alphabetic script: CJK text has no spaces, so a Han character
# next to a date ("至1841.03", "2019年7月入社") is not part of it
_W = r"[^\W\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]"

# one date: 令和3年4月 | 2019年7月 | month-name year | season year | mm/yyyy | yyyy.mm | yyyy
DATE = (
    rf"(?:{_ERA}\s*(?:\d{{1,2}}|元)\s*年(?:\s*{_MM}\s*月)?"
    rf"|{_YEAR}\s*年(?:\s*{_MM}\s*月)?"
    rf"|{_MON}\s*(?:de\s+|del\s+)?[,']?\s*(?:{_YEAR}|'\d\d)"
    rf"|{_SEASON}\s*,?\s*{_YEAR}"
    rf"|(?:0?[1-9]|1[0-2])\s*[/.-]\s*{_YEAR}"
    rf"|{_YEAR}\s*[./-]\s*(?:0[1-9]|1[0-2])(?!\d)"
    rf"|{_YEAR}\s*[./]\s*[1-9](?![\d])"
    rf"|{_YEAR})"
)
_SEP = rf"\s*(?:[{RANGE_MARKS}]|{alternation(RANGE_WORDS)}(?!{_W}))\s*"
_BEFORE = rf"(?<!{_W})(?<![/.-])"
_AFTER = rf"(?!{_W}|/)"
RANGE_RE = re.compile(
    rf"{_BEFORE}(?P<start>{DATE}){_SEP}(?P<end>{DATE}|{_PRESENT}\.?|\d\d(?![\d/.])){_AFTER}",
    re.I,
)
# "seit 2020", "since May 2019", "desde 2019": started then, not ended
SINCE_RE = re.compile(rf"(?<!{_W}){alternation(SINCE_WORDS)}\s+(?P<start>{DATE}){_AFTER}",
                      re.I)
# "2019 –" (nothing after the dash) or "2018年04月～": a start and no end printed
OPEN_RE = re.compile(rf"{_BEFORE}(?P<start>{DATE})\s*[{RANGE_MARKS}]\s*$", re.I)
SINGLE_RE = re.compile(rf"{_BEFORE}(?P<d>{DATE}){_AFTER}", re.I)
PRESENT_RE = re.compile(rf"^{_PRESENT}$", re.I)

_SHAPES = (
    (re.compile(rf"({_ERA})\s*(\d{{1,2}}|元)\s*年(?:\s*({_MM})\s*月)?"), "era"),
    (re.compile(rf"({_YEAR})\s*年(?:\s*({_MM})\s*月)?"), "cjk"),
    (re.compile(rf"({_MON})\s*(?:de\s+|del\s+)?[,']?\s*({_YEAR}|'\d\d)", re.I), "month"),
    (re.compile(rf"{_SEASON}\s*,?\s*({_YEAR})", re.I), "season"),
    (re.compile(rf"(0?[1-9]|1[0-2])\s*[/.-]\s*({_YEAR})"), "mm/yyyy"),
    (re.compile(rf"({_YEAR})\s*[./-]\s*(0?[1-9]|1[0-2])"), "yyyy.mm"),
    (re.compile(_YEAR), "year"),
)
# full-width digits and punctuation (２０１９年７月) read as ASCII; one character for one, so
# spans found in the translated text are spans of the original
_WIDE = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {
    "\u3000": " "})


@dataclass(frozen=True)
class DateRange:
    start: str | None
    end: str | None
    span: tuple[int, int]


def normalize(token: str, *, century_from: str | None = None) -> str | None:
    """One printed date → "YYYY-MM" / "YYYY" / "present" / None."""
    t = token.translate(_WIDE).strip().rstrip(".")
    if not t:
        return None
    if PRESENT_RE.match(t):
        return "present"
    if re.fullmatch(r"\d\d", t) and century_from:
        # "2017–19": the end borrows the start's century
        return f"{century_from[:2]}{t}"
    for rx, shape in _SHAPES:
        m = rx.fullmatch(t)
        if m:
            return _from_match(m, shape)
    return None


def _from_match(m: re.Match[str], shape: str) -> str | None:
    if shape == "era":
        year, month = str(era_year(m.group(1), m.group(2))), m.group(3)
    elif shape == "cjk":
        year, month = m.group(1), m.group(2)
    elif shape == "month":
        year, num = m.group(2), month_number(m.group(1))
        if year.startswith("'"):
            year = ("20" if int(year[1:]) < 50 else "19") + year[1:]
        month = str(num) if num else None
    elif shape == "mm/yyyy":
        year, month = m.group(2), m.group(1)
    elif shape == "yyyy.mm":
        year, month = m.group(1), m.group(2)
    else:
        year, month = m.group(1) if shape == "season" else m.group(0), None
    return f"{year}-{int(month):02d}" if month else year


def find_range(text: str) -> DateRange | None:
    """The first date range in a line ("Jan 2019 – Present", "2017–19", "seit 2020").

    An open range ("2019 –" ending the line, "2018年04月～") has a start and no end.
    """
    text = text.translate(_WIDE)
    m = RANGE_RE.search(text)
    if m:
        start = normalize(m.group("start"))
        end = normalize(m.group("end"), century_from=(start or "")[:4] or None)
        if start and end and (end == "present" or end[:4] >= start[:4]):
            return DateRange(start, end, m.span())
    m = SINCE_RE.search(text)
    if m and (start := normalize(m.group("start"))):
        return DateRange(start, "present", m.span())
    m = OPEN_RE.search(text)
    if m and (start := normalize(m.group("start"))):
        return DateRange(start, None, m.span())
    return None


def find_single(text: str) -> DateRange | None:
    """A lone date on a line (a graduation date, a one-off role)."""
    m = SINGLE_RE.search(text.translate(_WIDE))
    if m:
        d = normalize(m.group("d"))
        if d:
            return DateRange(d, None, m.span())
    return None


def strip_dates(text: str) -> str:
    """The line with its dates removed, tidied of leftover separators."""
    text = text.translate(_WIDE)
    text = RANGE_RE.sub("\t", text)
    text = SINCE_RE.sub("\t", text)
    text = SINGLE_RE.sub("\t", text)
    return tidy(text)


def tidy(text: str) -> str:
    text = re.sub(r"\(\s*\)|\[\s*\]|（\s*）", " ", text)
    # tabs survive: they separate fields ("Engineer<tab>Acme")
    text = re.sub(r"[ \r\n]+", " ", text)
    text = re.sub(r" ?\t[\t ]*", "\t", text)
    return text.strip(" ,|·•-–—:;/\t()~〜～")
