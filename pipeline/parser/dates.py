"""Date and date-range recognition for résumé entries.

Output follows DESIGN.md: "YYYY-MM" when a month is printed, "YYYY" for a bare year,
"present" for a current role, None when unknown. A season or a bare year never becomes a
month: inventing precision would corrupt tenure calculations downstream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
       r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_SEASON = r"(?:spring|summer|fall|autumn|winter)"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_PRESENT = r"(?:present|current(?:ly)?|now|today|ongoing|till\s+date|to\s+date|date)"

# one date: month-name year | season year | mm/yyyy | yyyy.mm | yyyy-mm | yyyy
DATE = (
    rf"(?:{_MON}\s*[,']?\s*(?:{_YEAR}|'\d\d)"
    rf"|{_SEASON}\s*,?\s*{_YEAR}"
    rf"|(?:0?[1-9]|1[0-2])\s*[/.-]\s*{_YEAR}"
    rf"|{_YEAR}\s*[./-]\s*(?:0[1-9]|1[0-2])(?![\d])"
    rf"|{_YEAR})"
)
_SEP = r"\s*(?:-|–|—|‒|−|~|to|till|until|through|thru)\s*"
RANGE_RE = re.compile(
    rf"(?<![\w/.-])(?P<start>{DATE}){_SEP}(?P<end>{DATE}|{_PRESENT}|\d\d(?![\d/.]))(?![\w/])",
    re.I,
)
SINGLE_RE = re.compile(rf"(?<![\w/.-])(?P<d>{DATE})(?![\w/])", re.I)
PRESENT_RE = re.compile(rf"^{_PRESENT}$", re.I)


@dataclass(frozen=True)
class DateRange:
    start: str | None
    end: str | None
    span: tuple[int, int]


def normalize(token: str, *, century_from: str | None = None) -> str | None:
    """One printed date → "YYYY-MM" / "YYYY" / "present" / None."""
    t = token.strip().lower().rstrip(".")
    if not t:
        return None
    if PRESENT_RE.match(t):
        return "present"
    if re.fullmatch(r"\d\d", t) and century_from:
        # "2017–19": the end borrows the start's century
        return f"{century_from[:2]}{t}"
    m = re.fullmatch(rf"({_MON})\s*[,']?\s*({_YEAR}|'\d\d)", t, re.I)
    if m:
        month = MONTHS[m.group(1).rstrip(".").lower()]
        year = m.group(2)
        if year.startswith("'"):
            year = ("20" if int(year[1:]) < 50 else "19") + year[1:]
        return f"{year}-{month:02d}"
    m = re.fullmatch(rf"{_SEASON}\s*,?\s*({_YEAR})", t, re.I)
    if m:
        return m.group(1)
    m = re.fullmatch(rf"(0?[1-9]|1[0-2])\s*[/.-]\s*({_YEAR})", t)
    if m:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.fullmatch(rf"({_YEAR})\s*[./-]\s*(0[1-9]|1[0-2])", t)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    if re.fullmatch(_YEAR, t):
        return t
    return None


def find_range(text: str) -> DateRange | None:
    """The first date range in a line ("Jan 2019 – Present", "2017–19", "2017.11 – now")."""
    m = RANGE_RE.search(text)
    if m:
        start = normalize(m.group("start"))
        end = normalize(m.group("end"), century_from=(start or "")[:4] or None)
        if start and end and (end == "present" or end[:4] >= start[:4]):
            return DateRange(start, end, m.span())
    return None


def find_single(text: str) -> DateRange | None:
    """A lone date on a line (a graduation date, a one-off role)."""
    m = SINGLE_RE.search(text)
    if m:
        d = normalize(m.group("d"))
        if d:
            return DateRange(d, None, m.span())
    return None


def strip_dates(text: str) -> str:
    """The line with its dates removed, tidied of leftover separators."""
    text = RANGE_RE.sub("\t", text)
    text = SINGLE_RE.sub("\t", text)
    return tidy(text)


def tidy(text: str) -> str:
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
    # tabs survive: they separate fields ("Engineer<tab>Acme")
    text = re.sub(r"[ \r\n]+", " ", text)
    text = re.sub(r" ?\t[\t ]*", "\t", text)
    return text.strip(" ,|·•-–—:;/\t()")
