"""Name the O*NET occupation of a job title or a resume's title, and how close two of them are.

A title is compared word by word (stems, rare words counting more, the title's last word —
its head noun, "accountant" in "Senior Tax Accountant" — counting double) with the 1,016
O*NET occupation titles shipped in `matching/data/occupations.json`. Closeness follows the
SOC code's hierarchy: the same occupation, the same broad group ("13-201x": accountants and
auditors, tax examiners), the same minor group ("13-2": financial specialists), the same major
group. Pure functions; the list is read once.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources

from matching.text import STOPWORDS

MIN_FIT = 0.45  # below this a title names no occupation we can tell
# Abbreviations written in titles where the occupation list spells the words out.
_ABBREVIATIONS = {
    "it": "information technology computer", "backend": "software",
    "technology": "technology computer", "software": "software computer",
    "hr": "human resources", "vp": "vice president", "cfo": "chief financial officer",
    "cto": "chief technology officer", "ceo": "chief executive", "rn": "registered nurse",
    "qa": "quality assurance", "ar": "accounts receivable", "ap": "accounts payable",
    "sr": "", "jr": "",
}
_NOISE = frozenset({"senior", "junior", "lead", "principal", "staff", "intern", "internship",
                    "trainee", "assistant", "associate", "ii", "iii", "iv", "i", "level",
                    "summer", "remote", "hybrid", "entry", "head", "chief", "director",
                    "manager", "specialist", "company", "name", "city", "state", "inc", "llc"})
# Role words that still tell the occupation when they are the only ones ("Finance Manager").
_ROLE = frozenset({"manager", "director", "specialist", "assistant", "chief"})


@lru_cache(maxsize=1)
def _table() -> tuple[list[tuple[str, str, dict[str, float], frozenset[str]]], dict[str, float]]:
    doc = json.loads(resources.files("matching").joinpath("data", "occupations.json")
                     .read_text(encoding="utf-8"))
    rows = [(code, title, _keys(title), _heads(title)) for code, title in doc["occupations"]]
    df: dict[str, int] = {}
    for _, _, keys, _ in rows:
        for k in keys:
            df[k] = df.get(k, 0) + 1
    idf = {k: math.log(1 + len(rows) / n) for k, n in df.items()}
    return rows, idf


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _key(word: str) -> str:
    """A word's comparison key: singular, adjective ending cut (finance ~ financial)."""
    return re.sub(r"(ial|al|e)$", "", _singular(word)) or word


# Titles in common use that O*NET words differently.
_PHRASES = {"software engineer": "software developer", "developer advocate": "advocate",
            "bookkeeper": "bookkeeping clerk", "cpa": "accountant"}


def _words(title: str) -> list[str]:
    out: list[str] = []
    lowered = title.lower()
    for phrase, replacement in _PHRASES.items():
        lowered = re.sub(rf"\b{phrase}\b", replacement, lowered)
    for word in re.findall(r"[a-z][a-z0-9&+#]*", lowered):
        out += _ABBREVIATIONS.get(word, word).split()
    return [w for w in out if w not in STOPWORDS and len(w) > 1]


def _heads(title: str) -> frozenset[str]:
    """Head nouns of an occupation title: the last word of each part ("X and Y, Z")."""
    parts = re.split(r",| and | or |/", title.lower())
    heads = set()
    for part in parts:
        found = [w for w in _words(part) if w not in ("all", "other", "except")]
        if found:
            heads.add(_singular(found[-1]))
    return frozenset(heads)


def _keys(title: str) -> dict[str, float]:
    return {_key(w): (0.3 if w in _NOISE and w not in _ROLE else 1.0) for w in _words(title)}


def _head_of(title: str) -> str | None:
    """The head noun of a job or resume title ("Senior Tax Accountant" -> accountant)."""
    core = [w for w in _words(re.split(r"[,(\-–|]| at ", title.lower())[0])
            if w not in _NOISE or w in _ROLE]
    return _singular(core[-1]) if core else None


@lru_cache(maxsize=65536)
def occupation_of(title: str | None) -> tuple[str, str] | None:
    """(O*NET-SOC code, occupation title) a title names, or None when no occupation fits."""
    if not title or len(title) > 120:
        return None
    mine = _keys(title)
    head = _head_of(title)
    if not mine:
        return None
    rows, idf = _table()
    own = sum(w * idf.get(k, 1.0) for k, w in mine.items())
    best, best_fit = None, 0.0
    for code, name, theirs, heads in rows:
        shared = mine.keys() & theirs.keys()
        if not shared:
            continue
        overlap = sum(mine[k] * theirs[k] * idf[k] for k in shared)
        total = sum(theirs[k] * idf[k] for k in theirs)
        fit = overlap / math.sqrt(own * total)
        fit *= 1.0 if head is not None and head in heads else 0.5
        if fit > best_fit:
            best, best_fit = (code, name), fit
    return best if best_fit >= MIN_FIT else None


def closeness(a: str, b: str) -> float:
    """How close two O*NET-SOC codes are (1 same occupation … 0 unrelated).

    Occupations in different groups whose titles share words ("Computer and Information
    Systems Managers", "Computer Network Support Specialists") count part.
    """
    if a == b:
        return 1.0
    words_a, words_b = _keys_of(a), _keys_of(b)
    shared = 0.5 * len(words_a & words_b) / max(1, len(words_a | words_b))
    if a[:6] == b[:6]:  # broad occupation, e.g. 13-201
        return 0.8
    if a[:4] == b[:4]:  # minor group, e.g. 13-2
        return 0.6
    if a[:2] == b[:2]:  # major group, e.g. 13
        return max(0.3, shared)
    return shared


@lru_cache(maxsize=4096)
def _keys_of(code: str) -> frozenset[str]:
    """The full-weight title keys of an occupation (level words left out)."""
    rows, _ = _table()
    for found, _, keys, _ in rows:
        if found == code:
            return frozenset(k for k, w in keys.items() if w == 1.0 and k not in ("all", "other"))
    return frozenset()


@lru_cache(maxsize=4096)  # every explanation names one or two occupations
def title_of(code: str) -> str | None:
    """The O*NET title of a code (for explanations)."""
    rows, _ = _table()
    return next((title for found, title, _, _ in rows if found == code), None)
