"""Rank candidates for a job without loading them all: the database short-lists, Python scores.

The job's query is its own words (idf-weighted) plus words associated with them in resumes
(`matching/data/associations.json.gz`, learned by `matching.build_data`), which weigh less.
The short list comes from `profile_keys`: for each of the job's skills (and the taxonomy's
related skills) and most telling query words, the candidates strongest on it, one index range
scan each; summed over the keys, the best few hundred are loaded and scored (a database where
no profile has keys yet is short-listed by skills alone, `candidate_skills`). A recruiter only
ever sees their own candidates: `owner_id` restricts every query.
"""

from __future__ import annotations

import gzip
import json
import math
from datetime import date
from functools import lru_cache
from importlib import resources

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session

from matching.analysis import JobAnalysis
from matching.feedback import add_feedback
from matching.index import corpus_stats
from matching.score import PROFILE_FIELDS, Candidate, Match, combine, parts_of, score, weighted
from matching.skill_occupations import with_inferred
from matching.text import idf, top_terms
from storage.models import Candidate as CandidateRow
from storage.models import CandidateProfile, CandidateSkill, ProfileKey

SHORTLIST = 200  # per pre-filter query; also the candidates scored from profile_keys
QUERY_TERMS = 400  # job terms BM25 scores with (all but the longest descriptions)
EXPAND_TERMS = 30  # the job's strongest terms whose associated words join the query
EXPANSION = 0.0  # an associated word weighs this share of the term it came from (x npmi)
LIST_EXPANSION = 0.3  # the same for jobs given as a skill list (its short list too)
KEY_PROBES = 24  # words probed in profile_keys
KEY_LIMIT = 150  # candidates read per probed key


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


@lru_cache(maxsize=1)
def associations() -> dict[str, list[tuple[str, float]]]:
    """stem -> [(associated stem, normalised PMI)], strongest first (shipped, built offline)."""
    path = resources.files("matching").joinpath("data", "associations.json.gz")
    doc = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return {t: [(o, float(w)) for o, w in pairs] for t, pairs in doc["terms"].items()}


def load_data() -> None:
    """Load the shipped tables matching reads lazily (associations, related skills, O*NET
    titles), for a worker to do once at start-up rather than in its first chunk."""
    from matching.occupation import occupation_of

    associations()
    _related_to()
    occupation_of("Software Engineer")


def expansion_terms(job: JobAnalysis) -> frozenset[str]:
    """Every word the job's query may be expanded with (for reading their statistics)."""
    return _associated(frozenset(job.terms))


@lru_cache(maxsize=1024)
def _associated(terms: frozenset[str]) -> frozenset[str]:
    """The shipped associations of `terms`: thousands of words for a job, asked again after
    every chunk a worker matches against the same open jobs."""
    table = associations()
    return frozenset(other for t in terms for other, _ in table.get(t, ()))


def query_weights(job: JobAnalysis, docs: int, dfs: dict[str, int], *,
                  expansion: float | None = None) -> dict[str, float]:
    """The job's most telling terms, weighted by idf and (damped) repetition, then the words
    associated with its strongest terms at `expansion` of their weight."""
    if expansion is None:
        expansion = LIST_EXPANSION if job.skill_list else EXPANSION
    weights = {t: idf(dfs.get(t, 0), docs) for t in job.terms if dfs.get(t, 0) > 0}
    chosen = top_terms(job.terms, weights, QUERY_TERMS)
    query = {t: weights[t] * (1 + math.log(job.terms[t])) for t in chosen}
    if expansion <= 0:
        return query
    table = associations()
    added: dict[str, float] = {}
    for term in sorted(query, key=lambda t: (-query[t], t))[:EXPAND_TERMS]:
        for other, npmi in table.get(term, ()):
            if other in query or dfs.get(other, 0) <= 0:
                continue
            weight = expansion * npmi * min(query[term], idf(dfs[other], docs))
            added[other] = max(added.get(other, 0.0), weight)
    return {**query, **added}


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


def _wanted_skills(job: JobAnalysis) -> dict[str, float]:
    """The job's skills with their weight in the short list; related skills weigh less."""
    wanted = {s: 1.0 for s in job.nice_skills}
    wanted.update({s: 2.0 for s in job.required_skills})
    for skill, weight in list(wanted.items()):
        for other in _related_to().get(skill, frozenset()):
            wanted.setdefault(other, weight / 2)
    return wanted


def _key_shortlist(session: Session, job: JobAnalysis, owner_id: int | None,
                   query: dict[str, float], limit: int) -> list[int] | None:
    """The `limit` candidates strongest on the job's keys; None when no profile has keys."""
    if session.scalar(select(ProfileKey.candidate_id).limit(1)) is None:
        return None
    ceiling = max(query.values(), default=1.0)
    probes = {f"s:{s}"[:100]: w * ceiling for s, w in _wanted_skills(job).items()}
    for term in sorted(query, key=lambda t: (-query[t], t))[:KEY_PROBES]:
        probes[f"w:{term}"[:100]] = query[term]
    parts = []
    params: dict[str, object] = {"n": KEY_LIMIT, "owner": owner_id}
    owner = "" if owner_id is None else " AND owner_id = :owner"
    for n, key in enumerate(sorted(probes)):
        params[f"k{n}"] = key
        parts.append(f"SELECT * FROM (SELECT candidate_id, key, impact FROM profile_keys "
                     f"WHERE key = :k{n}{owner} ORDER BY impact DESC LIMIT :n) AS p{n}")
    totals: dict[int, float] = {}
    for cid, key, impact in session.execute(text(" UNION ALL ".join(parts)), params):
        totals[int(cid)] = totals.get(int(cid), 0.0) + probes[key] * float(impact)
    return sorted(totals, key=lambda c: (-totals[c], c))[:limit]


def shortlist(session: Session, job: JobAnalysis, owner_id: int | None,
              query: dict[str, float], limit: int = SHORTLIST) -> list[int]:
    """Candidate ids worth scoring, found by the database (never the whole table)."""
    keyed = _key_shortlist(session, job, owner_id, query, limit) if query or job.required_skills \
        else None
    if keyed is not None:
        return keyed
    return _skill_shortlist(session, job, owner_id, limit)


def load(session: Session, ids: list[int]) -> list[Candidate]:
    """Scoring's view of these candidates, in one query (ids without a profile are absent)."""
    rows = session.execute(
        select(CandidateProfile.candidate_id, CandidateRow.name,
               *(getattr(CandidateProfile, name) for name in PROFILE_FIELDS))
        .join(CandidateRow, CandidateRow.id == CandidateProfile.candidate_id)
        .where(CandidateProfile.candidate_id.in_(ids))
    ).all()
    return [Candidate(*row) for row in rows]


def rank(session: Session, job: JobAnalysis, *, owner_id: int | None,
         top: int = 10) -> list[Match]:
    """The `top` candidates for `job`, best first; only `owner_id`'s when it is given."""
    job = with_inferred(session, [job])[0]
    query, avg_len = job_query(session, job)
    ids = shortlist(session, job, owner_id, query, max(SHORTLIST, top))
    if not ids:
        return []
    today = date.today()
    computed = [(cand, *parts_of(job, cand, query, avg_len, today))
                for cand in load(session, ids)]
    add_feedback(session, [(cand, parts) for cand, parts, _ in computed], avg_len)
    # Explanations are written for the `top` shown only.
    computed.sort(key=lambda row: (-weighted(job, row[1]), row[0].id))
    return [combine(job, cand, parts, facts) for cand, parts, facts in computed[:top]]


def job_query(session: Session, job: JobAnalysis) -> tuple[dict[str, float], float]:
    """(weighted query terms, average profile length): what scoring needs from the corpus.

    One read of `term_stats`; callers scoring many candidates for a job reuse the result.
    """
    return job_queries(session, [job])[0]


def job_queries(session: Session,
                jobs: list[JobAnalysis]) -> list[tuple[dict[str, float], float]]:
    """`job_query` for several jobs with one read of `term_stats` (their terms together)."""
    wanted = {t for job in jobs for t in (*job.terms, *expansion_terms(job))}
    docs, avg_len, dfs = corpus_stats(session, wanted)
    return [(query_weights(job, docs, dfs), avg_len) for job in jobs]


def score_candidate(session: Session, job: JobAnalysis, candidate_id: int) -> Match | None:
    """One candidate's score for one job, from scratch (after-parse matching batches this)."""
    job = with_inferred(session, [job])[0]
    query, avg_len = job_query(session, job)
    found = load(session, [candidate_id])
    if not found:
        return None
    return score(job, found[0], query, avg_len)
