"""Words for matching: one tokenizer and light stemmer, and BM25 over a candidate's text.

The same `terms()` runs on job descriptions and resumes, so "Accountant", "accounting" and
"accounts" meet on one stem. Corpus statistics (document frequencies, average length) come
from the `term_stats` table; this module only does the arithmetic.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

K1 = 1.2
B = 0.75

_WORD = re.compile(r"[a-z][a-z0-9+#]*")
# Longest first; a stem keeps at least four letters so "sales" stays "sale", not "s".
_SUFFIXES = (
    ("ations", ""), ("ation", ""), ("ments", ""), ("ment", ""), ("ings", ""), ("ing", ""),
    ("ants", ""), ("ant", ""), ("ies", "y"), ("ied", "y"), ("ness", ""), ("ed", ""),
    ("es", ""), ("s", ""),
)
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each etc
    few for from further had has have having he her here hers him his how i if in into is it
    its itself just me more most my no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who whom
    why will with would you your yours within per via including include includes across
    well new must may able ability using use used within upon among""".split()  # noqa: SIM905
)


@lru_cache(maxsize=65536)  # a corpus repeats its words: each is stemmed once per process
def stem(word: str) -> str:
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + replacement
    return word


def words(text: str) -> list[str]:
    """Lower-case words of `text` that carry meaning (no stopwords, no single letters)."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOPWORDS]


def terms(text: str) -> list[str]:
    """The stems of `text`'s meaningful words, in order (repeats kept)."""
    return [stem(w) for w in words(text)]


def term_counts(text: str) -> Counter[str]:
    return Counter(terms(text))


def idf(df: int, docs: int) -> float:
    """BM25's inverse document frequency, never negative (Lucene's variant)."""
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def bm25(query: Mapping[str, float], doc: Mapping[str, int], doc_len: int,
         avg_len: float) -> float:
    """BM25 of one document; `query` maps each query term to its weight (usually its idf)."""
    norm = K1 * (1 - B + B * doc_len / max(avg_len, 1.0))
    score = 0.0
    for term, weight in query.items():
        tf = doc.get(term, 0)
        if tf:
            score += weight * tf * (K1 + 1) / (tf + norm)
    return score


def bm25f(query: Mapping[str, float], doc: Mapping[str, int],
          fields: Mapping[str, Mapping[str, int]], field_weights: Mapping[str, float],
          doc_len: int, avg_len: float) -> float:
    """BM25F (simple form): a word in a field counts `field_weights[field]` times.

    `doc` counts every word of the resume once (fields included), so a field adds its weight
    less one; length normalisation is the body's, as short fields barely change it.
    """
    norm = K1 * (1 - B + B * doc_len / max(avg_len, 1.0))
    shared = (query.keys() & doc.keys()) if len(query) < len(doc) else (doc.keys() & query.keys())
    extras = [(fields.get(name) or {}, extra - 1.0) for name, extra in field_weights.items()]
    score = 0.0
    for term in shared:
        tf = float(doc[term])
        for counts, extra in extras:
            if term in counts:
                tf += extra * counts[term]
        score += query[term] * tf * (K1 + 1) / (tf + norm)
    return score


def bm25_ceiling(query: Mapping[str, float]) -> float:
    """The score a document would reach with every query term saturated (for 0–1 scaling)."""
    return sum(query.values()) * (K1 + 1)


def top_terms(counts: Mapping[str, int], weights: Mapping[str, float], n: int) -> list[str]:
    """The `n` terms of a text that say most about it: frequent in it, rare elsewhere."""
    ranked = sorted(counts, key=lambda t: (-(1 + math.log(counts[t])) * weights.get(t, 0.0), t))
    return [t for t in ranked[:n] if weights.get(t, 0.0) > 0]


def surface_words(text: str, stems: Iterable[str]) -> dict[str, str]:
    """For each stem, the first word of `text` that produced it (for database text queries)."""
    wanted = set(stems)
    found: dict[str, str] = {}
    for word in words(text):
        s = stem(word)
        if s in wanted and s not in found:
            found[s] = word
    return found
