"""Rank candidates for a job without loading them all: the database short-lists, Python scores.

The short list is the union of two database queries: candidates holding the job's skills (or
skills related to them) through the `candidate_skills` index, and the best full-text hits on
the job's most telling words (PostgreSQL `tsvector` + GIN, SQLite FTS5). Only those few
hundred are loaded and scored. A recruiter only ever sees their own candidates: `owner_id`
restricts both queries.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session

from matching.analysis import JobAnalysis
from matching.index import corpus_stats
from matching.score import Candidate, Match, score
from matching.text import idf, top_terms
from storage.models import Candidate as CandidateRow
from storage.models import CandidateProfile, CandidateSkill

SHORTLIST = 200  # per pre-filter query
QUERY_WORDS = 12  # words sent to the full-text index
QUERY_TERMS = 400  # job terms BM25 scores with (all but the longest descriptions)


@lru_cache(maxsize=1)
def _related_to() -> dict[str, frozenset[str]]:
    """skill -> skills that name it as related (the taxonomy stores one direction)."""
    doc = json.loads(resources.files("pipeline").joinpath("data", "skills.json")
                     .read_text(encoding="utf-8"))
    reverse: dict[str, set[str]] = {}
    for entry in doc["skills"]:
        for other in entry.get("related", ()):
            reverse.setdefault(other, set()).add(entry["name"])
            reverse.setdefault(entry["name"], set()).add(other)
    return {k: frozenset(v) for k, v in reverse.items()}


def query_weights(job: JobAnalysis, docs: int, dfs: dict[str, int]) -> dict[str, float]:
    """The job's most telling terms, each weighted by idf and (damped) repetition."""
    weights = {t: idf(dfs.get(t, 0), docs) for t in job.terms if dfs.get(t, 0) > 0}
    chosen = top_terms(job.terms, weights, QUERY_TERMS)
    return {t: weights[t] * (1 + math.log(job.terms[t])) for t in chosen}


def _skill_shortlist(session: Session, job: JobAnalysis, owner_id: int | None,
                     limit: int) -> list[int]:
    required = set(job.required_skills)
    wanted = required | set(job.nice_skills)
    for skill in list(wanted):
        wanted |= _related_to().get(skill, frozenset())
    if not wanted:
        return []
    hits = func.sum(case((CandidateSkill.skill.in_(sorted(required)), 2), else_=1))
    query = (select(CandidateSkill.candidate_id)
             .where(CandidateSkill.skill.in_(sorted(wanted)))
             .group_by(CandidateSkill.candidate_id)
             .order_by(hits.desc(), CandidateSkill.candidate_id).limit(limit))
    if owner_id is not None:
        query = query.join(CandidateRow, CandidateRow.id == CandidateSkill.candidate_id).where(
            CandidateRow.owner_id == owner_id)
    return list(session.scalars(query))


def _text_shortlist(session: Session, words: list[str], owner_id: int | None,
                    limit: int) -> list[int]:
    words = [w for w in (re.sub(r"[^a-z0-9]", "", w) for w in words) if w]
    if not words:
        return []
    owner = "" if owner_id is None else " AND p.owner_id = :owner"
    params: dict[str, object] = {"limit": limit, "owner": owner_id}
    if session.get_bind().dialect.name == "postgresql":
        params["q"] = " | ".join(words)
        sql = ("SELECT p.candidate_id FROM candidate_profiles p, "
               "to_tsquery('english', :q) q WHERE p.tsv @@ q" + owner +
               " ORDER BY ts_rank(p.tsv, q) DESC, p.candidate_id LIMIT :limit")
    else:
        params["q"] = " OR ".join(f'"{w}"' for w in words)
        sql = ("SELECT p.candidate_id FROM candidate_fts f JOIN candidate_profiles p "
               "ON p.candidate_id = f.rowid WHERE candidate_fts MATCH :q" + owner +
               " ORDER BY bm25(candidate_fts), p.candidate_id LIMIT :limit")
    return [int(row[0]) for row in session.execute(text(sql), params)]


def shortlist(session: Session, job: JobAnalysis, owner_id: int | None,
              query: dict[str, float], limit: int = SHORTLIST) -> list[int]:
    """Candidate ids worth scoring, found by the database (never the whole table)."""
    stems = top_terms(job.terms, query, QUERY_WORDS)
    words = [job.words.get(s, s) for s in stems]
    ids = dict.fromkeys(_skill_shortlist(session, job, owner_id, limit))
    ids.update(dict.fromkeys(_text_shortlist(session, words, owner_id, limit)))
    return list(ids)


def load(session: Session, ids: list[int]) -> list[Candidate]:
    """Scoring's view of these candidates, in one query (ids without a profile are absent)."""
    rows = session.execute(
        select(CandidateProfile.candidate_id, CandidateRow.name, CandidateProfile.titles,
               CandidateProfile.years, CandidateProfile.skills, CandidateProfile.location,
               CandidateProfile.terms, CandidateProfile.doc_len)
        .join(CandidateRow, CandidateRow.id == CandidateProfile.candidate_id)
        .where(CandidateProfile.candidate_id.in_(ids))
    ).all()
    return [Candidate(*row) for row in rows]


def rank(session: Session, job: JobAnalysis, *, owner_id: int | None,
         top: int = 10) -> list[Match]:
    """The `top` candidates for `job`, best first; only `owner_id`'s when it is given."""
    query, avg_len = job_query(session, job)
    ids = shortlist(session, job, owner_id, query, max(SHORTLIST, top))
    if not ids:
        return []
    matches = [score(job, cand, query, avg_len) for cand in load(session, ids)]
    matches.sort(key=lambda m: (-m.score, m.candidate_id))
    return matches[:top]


def job_query(session: Session, job: JobAnalysis) -> tuple[dict[str, float], float]:
    """(weighted query terms, average profile length): what scoring needs from the corpus.

    One read of `term_stats`; callers scoring many candidates for a job reuse the result.
    """
    return job_queries(session, [job])[0]


def job_queries(session: Session,
                jobs: list[JobAnalysis]) -> list[tuple[dict[str, float], float]]:
    """`job_query` for several jobs with one read of `term_stats` (their terms together)."""
    docs, avg_len, dfs = corpus_stats(session, {t for job in jobs for t in job.terms})
    return [(query_weights(job, docs, dfs), avg_len) for job in jobs]


def score_candidate(session: Session, job: JobAnalysis, candidate_id: int) -> Match | None:
    """One candidate's score for one job, from scratch (after-parse matching batches this)."""
    query, avg_len = job_query(session, job)
    found = load(session, [candidate_id])
    if not found:
        return None
    return score(job, found[0], query, avg_len)
