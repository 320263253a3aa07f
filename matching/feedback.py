"""Pseudo-relevance feedback: resumes like the best first-pass matches for a job rank higher.

The short list is scored once with a fixed hand-set prior (`FIRST_PASS`); the words and the
titles the `FEEDBACK_DOCS` best share become a second query, and each candidate's closeness to
it is one more score part ("feedback" for words, "peer_title" for titles). For a job given
only as a skill list this stands in for the title it lacks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from sqlalchemy.orm import Session

from matching.index import corpus_stats
from matching.score import FIELD_WEIGHTS, TEXT_SCALE, Candidate
from matching.text import bm25_ceiling, bm25f, idf

# The first pass that picks the feedback resumes: a fixed prior set by hand, never tuned.
FIRST_PASS = {"required": 35.0, "nice": 10.0, "text": 25.0, "title": 20.0, "occupation": 10.0,
              "years": 10.0, "level": 5.0, "location": 5.0}
FEEDBACK_DOCS = 10  # best first-pass resumes whose words make the feedback query
FEEDBACK_TERMS = 60  # words in the feedback query
PEER_TITLE_WORDS = 4  # title words of the best first-pass resumes a title is compared with


def first_pass(parts: Mapping[str, float]) -> float:
    return sum(FIRST_PASS.get(p, 0.0) * v for p, v in parts.items())


def feedback_query(top: list[Candidate], dfs: Mapping[str, int], docs: int) -> dict[str, float]:
    """Pseudo-relevance feedback: the words the best first-pass resumes share, idf-weighted.

    Each resume gives its words' field-weighted frequency share times idf; summed over the
    resumes, the `FEEDBACK_TERMS` strongest make a query that favours resumes like them.
    """
    summed: dict[str, float] = {}
    for cand in top:
        length = max(cand.doc_len, 1)
        for term, tf in cand.terms.items():
            boosted = tf + sum((w - 1) * cand.fields.get(f, {}).get(term, 0)
                               for f, w in FIELD_WEIGHTS.items())
            weight = boosted / length * idf(dfs.get(term, 0), docs)
            summed[term] = summed.get(term, 0.0) + weight
    best = sorted(summed, key=lambda t: (-summed[t], t))[:FEEDBACK_TERMS]
    if not best:
        return {}
    scale = summed[best[0]]
    return {t: summed[t] / scale for t in best}


def feedback_titles(top: list[Candidate], dfs: Mapping[str, int],
                    docs: int) -> dict[str, float]:
    """The title words most of the best first-pass resumes share, idf-weighted: a stand-in
    title for jobs given without one (a skill list) and a check on the job's own."""
    seen: dict[str, int] = {}
    for cand in top:
        for term in cand.fields.get("title", {}):
            seen[term] = seen.get(term, 0) + 1
    weights = {t: n * idf(dfs.get(t, 0), docs) for t, n in seen.items() if n >= 2}
    best = sorted(weights, key=lambda t: (-weights[t], t))[:PEER_TITLE_WORDS]
    return {t: weights[t] for t in best}


def peer_title_part(peer: Mapping[str, float], cand: Candidate) -> float:
    """Share of the peer title words (by weight) found in the candidate's titles."""
    total = sum(peer.values())
    if not total:
        return 0.0
    titles = cand.fields.get("title", {})
    return sum(w for t, w in peer.items() if t in titles) / total


def feedback_part(fb_query: Mapping[str, float], cand: Candidate, avg_len: float) -> float:
    ceiling = bm25_ceiling(fb_query)
    if ceiling <= 0:
        return 0.0
    raw = bm25f(fb_query, cand.terms, cand.fields, FIELD_WEIGHTS, cand.doc_len, avg_len)
    return 1 - math.exp(-raw / (TEXT_SCALE * ceiling))


def add_feedback(session: Session, scored: list[tuple[Candidate, dict[str, float]]],
                 avg_len: float) -> None:
    """Add the "feedback" part to each candidate's parts: closeness to the best first-pass
    resumes (`feedback_query`); one read of `term_stats` for their words."""
    if len(scored) <= FEEDBACK_DOCS:
        return  # too few candidates to tell the best from the rest
    best = sorted(scored, key=lambda pair: (-first_pass(pair[1]), pair[0].id))[:FEEDBACK_DOCS]
    top = [cand for cand, _ in best]
    docs, _, dfs = corpus_stats(session, {t for cand in top for t in cand.terms})
    fb_query = feedback_query(top, dfs, docs)
    fb_titles = feedback_titles(top, dfs, docs)
    for cand, parts in scored:
        parts["feedback"] = feedback_part(fb_query, cand, avg_len)
        parts["peer_title"] = peer_title_part(fb_titles, cand)
