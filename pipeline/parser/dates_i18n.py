"""The words of dates in the languages résumés arrive in: month names, "present", "since".

Month names come from CLDR through Babel (wide and abbreviated, format and stand-alone forms,
with and without accents), so no language's calendar is typed by hand. CLDR has no words for
"present", "since" or the seasons in a CV's sense, and those lists are short: they are written
here, one line per language. Everything is built once at import into regex alternations that
`dates.py` compiles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from babel.dates import get_month_names

from pipeline.parser.lines import fold

# languages whose month names résumés print in Latin script (CJK months are numeric: 7月)
MONTH_LOCALES = ("en", "de", "fr", "es", "pt", "it", "nl", "pl")

PRESENT_WORDS = (
    # en
    "present", "current", "currently", "now", "today", "ongoing", "till date", "to date",
    "date", "till now", "so far",
    # es / pt
    "actualidad", "la actualidad", "actualmente", "presente", "el presente", "hoy",
    "hoy en día", "la fecha", "atualmente", "atual", "hoje", "o momento", "o presente",
    "momento atual",
    # fr
    "aujourd'hui", "aujourd’hui", "auj", "présent", "actuel", "en cours", "ce jour",
    "maintenant",
    # de
    "heute", "jetzt", "aktuell", "derzeit", "dato", "gegenwart", "laufend",
    # nl
    "heden", "nu", "huidig", "tegenwoordig",
    # it
    "oggi", "ad oggi", "attuale", "in corso", "tuttora",
    # pl
    "obecnie", "teraz", "nadal", "dziś", "dzisiaj", "chwili obecnej", "obecna",
    # zh / ja
    "至今", "今", "现在", "現在", "目前", "現在に至る", "在職中", "在职",
)
# "since 2019": a start date and a role that has not ended
SINCE_WORDS = ("since", "seit", "desde", "depuis", "dal", "dall'", "sinds", "od", "dès",
               "a partir de", "à partir de")
# words between two dates ("de 2019 a 2020", "von 2019 bis 2020", "2015.09 至 2019.06")
RANGE_WORDS = ("to", "till", "until", "through", "thru", "bis", "au", "à", "a", "al",
               "hasta", "até", "ate", "tot", "t/m", "do", "fino a", "jusqu'à", "jusqu’à")
RANGE_MARKS = "-–—‒−‐‑~〜～至到－"
SEASON_WORDS = (
    "spring", "summer", "fall", "autumn", "winter",
    "frühling", "frühjahr", "sommer", "herbst", "printemps", "été", "automne", "hiver",
    "primavera", "verano", "otoño", "invierno", "verão", "outono", "inverno", "estate",
    "autunno", "lente", "zomer", "herfst", "wiosna", "lato", "jesień", "zima",
    "sommersemester", "wintersemester",
)


def _month_table() -> dict[str, int]:
    out: dict[str, int] = {}
    for loc in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for num, name in get_month_names(width, context, loc).items():
                    name = name.strip(".").casefold()
                    if len(name) < 3 or not name.isalpha():
                        continue
                    for key in (name, fold(name)):
                        # first language wins: English "mar" is March, so is Spanish "mar"
                        out.setdefault(key, num)
    out.setdefault("sept", 9)
    out.setdefault("mrz", 3)  # German short form outside CLDR
    return out


MONTHS: dict[str, int] = _month_table()


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so 'march' beats 'mar')."""
    items = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items) + ")"


def month_number(word: str) -> int | None:
    key = word.strip().rstrip(".").casefold()
    return MONTHS.get(key) or MONTHS.get(fold(key))


# Japanese era names → the Gregorian year before the era's first year (平成1 = 1989)
ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018,
        "M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}


def era_year(era: str, year: str) -> int:
    return ERAS[era] + (1 if year == "元" else int(year))
