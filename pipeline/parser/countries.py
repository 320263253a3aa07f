"""Which country a place names: country names in many languages and major cities, from CLDR.

Phone numbers printed without a country code need a region, and the résumé's address is the
best witness. Country names come from Babel's territory names in each language we read
("Germany", "Deutschland", "Allemagne", "ドイツ", "德国"); cities are the cities naming
CLDR's time zones ("Berlin", "Tokyo", "Sao Paulo") with their names in those languages
("Wien", "Lisboa", "東京"), each mapped to its territory. Names that
are also common given names or US places ("Jordan", "Georgia", "Jersey") are left out: a
wrong country is worse than none. Tables are built on first use (~0.15 s once per process),
not at import.
"""

from __future__ import annotations

import functools
import re

from babel import Locale
from babel.core import get_global

from pipeline.parser.lines import fold

NAME_LOCALES = ("en", "de", "fr", "es", "pt", "it", "nl", "pl", "zh", "ja", "ko", "ru")
_AMBIGUOUS = {
    "jordan", "chad", "georgia", "jersey", "guernsey", "israel", "man", "isle of man",
    "victoria", "lima", "santiago", "cordoba", "cordova", "dominica", "mali", "niger", "guinea",
    "norfolk", "christmas island", "turkey", "reunion", "nauru", "palau", "wake", "midway",
    "eu", "un", "world", "europe", "latin america", "americas", "asia", "africa", "oceania",
    "indiana", "indianapolis", "phoenix", "denver", "chicago", "detroit", "boise",
    "los angeles", "new york", "anchorage", "juneau", "honolulu", "louisville", "knox",
}
# US state abbreviations, state names and the other first-level regions of places.py mean
# their own countries; the caller checks them first
_CJK = re.compile(r"[\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]")


@functools.cache
def _tables() -> tuple[dict[str, str], re.Pattern[str]]:
    names: dict[str, str] = {}
    for loc in NAME_LOCALES:
        for code, name in Locale.parse(loc).territories.items():
            if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "ZZ"}:
                key = fold(name)
                if key not in _AMBIGUOUS and len(key) >= 2:
                    names.setdefault(key, code)
    for zone, code in get_global("zone_territories").items():
        city = fold(zone.rsplit("/", 1)[-1].replace("_", " "))
        if "/" in zone and city not in _AMBIGUOUS and len(code) == 2 and len(city) > 3:
            names.setdefault(city, code)
    zones = get_global("zone_territories")
    for loc in NAME_LOCALES[1:]:
        # the cities' own-language names where they differ ("Lisboa", "Wien", "東京")
        for zone, info in Locale.parse(loc).time_zones.items():
            city, code = info.get("city"), zones.get(zone)
            if city and code and len(code) == 2 and fold(city) not in _AMBIGUOUS:
                names.setdefault(fold(city), code)
    names.update({"usa": "US", "u.s.a": "US", "uk": "GB", "u.k": "GB", "uae": "AE",
                  "england": "GB", "scotland": "GB", "wales": "GB", "bengaluru": "IN",
                  "bangalore": "IN", "mumbai": "IN", "delhi": "IN", "new delhi": "IN",
                  "hyderabad": "IN", "chennai": "IN", "pune": "IN", "beijing": "CN",
                  "北京": "CN", "上海": "CN", "深圳": "CN", "广州": "CN", "東京": "JP",
                  "大阪": "JP", "東京都": "JP"})
    latin = sorted((k for k in names if not _CJK.search(k)), key=len, reverse=True)
    cjk = sorted((k for k in names if _CJK.search(k)), key=len, reverse=True)
    rx = re.compile(
        r"(?<![^\W\d_])(" + "|".join(re.escape(k) for k in latin) + r")(?![^\W\d_])"
        + "|(" + "|".join(re.escape(k) for k in cjk) + ")"
    )
    return names, rx


def country_names() -> set[str]:
    """Every country's name in the languages we read (casefolded, accents dropped), cities
    and the ambiguous names left out: for `places.is_region`."""
    out: set[str] = set()
    for loc in NAME_LOCALES:
        for code, name in Locale.parse(loc).territories.items():
            key = fold(name)
            if len(code) == 2 and code.isalpha() and len(key) > 3 and key not in _AMBIGUOUS:
                out.add(key)
    return out


def country_of(text: str) -> str | None:
    """The ISO 3166 code of the last country or city named in `text` ("Riehen, Schweiz")."""
    names, rx = _tables()
    found = [m.group(0) for m in rx.finditer(fold(text))]
    return names[found[-1]] if found else None
