"""Phone numbers: find them in the contact lines and write them as E.164.

A number printed without a country code ("139 1234 5678", "030 1234567") needs a region, and
guessing the United States for every résumé turns a Chinese mobile into "+1 39…". The region
is inferred from the résumé itself, strongest witness first: other numbers printed with a
country code, the country or city of the address, the document's language (ja → JP), places
named at the top; only with no clue at all is the configured default used
(`HOTGIGS_DEFAULT_PHONE_REGION`). A number that is not possible in that region is dropped
rather than forced into it.
"""

from __future__ import annotations

import re
from collections import Counter

import phonenumbers

from pipeline.parser import dates
from pipeline.parser.countries import country_of
from pipeline.parser.lines import Line
from pipeline.parser.places import REGIONS, US_STATES

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.I)
URL_RE = re.compile(r"(?:https?://|www\.)[^\s|,;<>()\"']+", re.I)
# a letter or digit of an alphabetic script (CJK text runs labels into numbers: "電話090…")
_W = r"[^\W\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF]"
PHONE_RE = re.compile(
    rf"(?<!{_W})(?<!\+)(?:\+|00)?\(?\d[\d ().\-–/]{{6,18}}\d"
    r"(?:\s*(?:ext\.?|x|extension|#)\s*\d{1,6})?"
    rf"(?!{_W}|/)",
    re.I,
)
_LABELLED = re.compile(
    r"(?i)\b(?:phone|mobile|mob|tel|cell|contact|telefon\w*|t[ée]l[ée]phone|portable|"
    r"tel[ée]fono|telefone|celular|telefoon|mobiel|cellulare|handy|mobil|komórka)\b|\+|"
    r"電話|携帯|手机|电话|联系方式|移动电话"
)
_COUNTRY_CODE = re.compile(r"(?<![\w+])\+\s?\(?(\d{1,3})\)?[\s.-]?\d[\d\s().\-–]{5,16}\d")
# where a language is written, most likely country first
LANGUAGE_REGIONS = {
    "ja": ("JP",), "zh": ("CN", "TW", "HK", "SG"), "ko": ("KR",), "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH", "CA"), "es": ("ES", "MX", "AR", "CO", "CL", "PE"),
    "pt": ("BR", "PT"), "it": ("IT", "CH"), "nl": ("NL", "BE"), "pl": ("PL",), "ru": ("RU",),
    "uk": ("UA",), "sv": ("SE",), "da": ("DK",), "nb": ("NO",), "fi": ("FI",), "cs": ("CZ",),
    "tr": ("TR",),
}
_INDIA = re.compile(r"\bindia\b|karnataka|maharashtra|tamil nadu|telangana|\bdelhi\b|pradesh|"
                    r"bengaluru|bangalore|hyderabad|chennai|mumbai|pune|kolkata|haryana")
_UK = re.compile(r"\bunited kingdom\b|\bengland\b|\blondon\b|\buk\b")


def place_region(place: str) -> str | None:
    """The country of an address or location line, or None when it names none."""
    parts = [p.strip() for p in re.split(r"[,·|]", place) if p.strip()]
    for p in reversed(parts):
        bare = " ".join(w for w in p.split() if not w.isdigit())
        if bare in US_STATES and bare not in {"ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB",
                                              "NL", "PE"}:
            return "US"
        if bare.lower() in REGIONS:
            return _region_country(bare.lower())
    return country_of(place)


def _region_country(region: str) -> str:
    if _INDIA.search(region) or region in {"assam", "bihar", "goa", "gujarat", "kerala",
                                           "odisha", "orissa", "punjab", "rajasthan"}:
        return "IN"
    if region in {"ontario", "quebec", "british columbia", "alberta", "manitoba",
                  "saskatchewan", "nova scotia", "new brunswick"}:
        return "CA"
    if region in {"england", "scotland", "wales", "northern ireland"}:
        return "GB"
    if region in {"new south wales", "victoria", "queensland", "tasmania"}:
        return "AU"
    return "US"


def infer_region(text: str, *, location: str | None, language: str | None,
                 default: str = "US") -> str:
    """The region for numbers printed without a country code, from the résumé's own clues."""
    return infer_regions(text, location=location, language=language, default=default)[0]


def infer_regions(text: str, *, location: str | None, language: str | None,
                  default: str = "US") -> list[str]:
    """Candidate regions, best first: the first is the inferred one; the others are where
    the document's language is also written (a number valid only there is read there)."""
    first = _first_region(text, location=location, language=language, default=default)
    more = LANGUAGE_REGIONS.get(language or "", ())
    return [first, *(r for r in more if r != first)]


def _first_region(text: str, *, location: str | None, language: str | None,
                  default: str) -> str:
    codes: Counter[str] = Counter()
    for m in _COUNTRY_CODE.finditer(text):
        code = phonenumbers.region_code_for_country_code(int(m.group(1)))
        if code and code != "ZZ":
            codes[code] += 1
    if codes:
        return codes.most_common(1)[0][0]
    if location and (region := place_region(location)):
        return region
    if language and language in LANGUAGE_REGIONS:
        return LANGUAGE_REGIONS[language][0]
    low = text.lower()
    if _INDIA.search(low):
        return "IN"
    if _UK.search(low):
        return "GB"
    return default


def candidates(text: str) -> list[str]:
    """Phone-looking substrings of a line (cells apart: a tab never joins two numbers)."""
    text = EMAIL_RE.sub(" ", URL_RE.sub(" ", text))
    out: list[str] = []
    for cell in text.split("\t"):
        out.extend(m.group(0) for m in PHONE_RE.finditer(cell))
    return out


def parse_phone(raw: str, region: str) -> str | None:
    """A printed phone number → E.164 (with ` ext. N`), or None when it is not a phone."""
    head = re.split(r"(?i)ext|x|#", raw)[0]
    digits = re.sub(r"\D", "", head)
    if not 7 <= len(digits) <= 15:
        return None
    groups = re.findall(r"\d+", head)
    if sum(bool(re.fullmatch(r"(19|20)\d\d", g)) for g in groups) >= 2 or dates.find_range(raw):
        return None  # a date range such as "2015.06 - 2016.11", not a phone
    if len(digits) < 10 and not raw.strip().startswith("+") and len(groups) < 2:
        return None
    try:
        num = phonenumbers.parse(raw.replace("–", "-"), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    if not phonenumbers.is_valid_number(num) and (
        len(digits) < 10
        or (not raw.lstrip().startswith(("+", "00"))
            and len(str(num.national_number)) < len(digits))
    ):
        # short numbers only when the region's plan knows them; and a leading digit read as
        # the region's trunk prefix must leave a valid number ("139 1234 5678" is not +1 39…)
        return None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    if num.extension:
        e164 += f" ext. {num.extension}"
    return e164


def _parse_in(raw: str, regions: list[str]) -> str | None:
    """Read in the first region; if not valid there, in the first other one where it is."""
    first = parse_phone(raw, regions[0])
    if first is None or not _valid(first):
        for region in regions[1:]:
            num = parse_phone(raw, region)
            if num and _valid(num):
                return num
    return first


def _valid(e164: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(e164.split(" ext.")[0]))


def find_phone(lines: list[Line], region: str | list[str]) -> str | None:
    """The first labelled phone number (else the first plain one) in the given lines.

    `region` is one region or candidate regions best first (`infer_regions`).
    """
    regions = [region] if isinstance(region, str) else region
    labelled: list[str] = []
    plain: list[str] = []
    for ln in lines:
        for cand in candidates(ln.text):
            num = _parse_in(cand, regions)
            if not num:
                continue
            if _LABELLED.search(ln.text):
                labelled.append(num)
            elif not re.search(r"(19|20)\d\d\s*[-–]\s*((19|20)\d\d|present)", ln.text, re.I):
                plain.append(num)
    found = labelled or plain
    return found[0] if found else None
