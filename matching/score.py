"""The 0–100 score of a candidate for a job, from parts a recruiter can check one by one.

Parts and their weights: required skills, nice-to-have skills, text relevance (BM25 of the
resume against the description), title fit, years against the minimum, location/remote. A part
the job says nothing about (no minimum years, no location) is left out and the others share
its weight, so a score always means "how much of what this job asks for".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from matching.analysis import LEVELS, JobAnalysis, seniority_of, title_terms
from matching.explain import explain
from matching.text import bm25, bm25_ceiling
from pipeline.parser.skills import skill_info

WEIGHTS = {"required": 35.0, "nice": 10.0, "text": 25.0, "title": 20.0, "years": 10.0,
           "location": 5.0}
RELATED_CREDIT = 0.5  # a related skill (PostgreSQL for SQL) counts half
TEXT_SCALE = 0.25  # a resume at a quarter of the BM25 ceiling scores ~63% on text


@dataclass
class Candidate:
    """One candidate as scoring sees it (built from `candidate_profiles`)."""

    id: int
    name: str | None
    titles: list[str]
    years: float | None
    skills: Mapping[str, int | None]
    location: str | None
    terms: Mapping[str, int]
    doc_len: int


@dataclass
class Match:
    candidate_id: int
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def _related(skill: str) -> frozenset[str]:
    info = skill_info(skill)
    return frozenset(info.related) if info else frozenset()


def recency(last_used: int | None, today: date) -> float:
    """Weight of a skill by when it was last used in a role (None: listed, not in a role)."""
    if last_used is None:
        return 0.85
    age = today.year - last_used
    return 1.0 if age <= 3 else 0.85 if age <= 7 else 0.7


def coverage(wanted: list[str], have: Mapping[str, int | None],
             today: date) -> tuple[float, dict[str, Any]]:
    """Share of `wanted` skills the candidate has, related skills counting part."""
    matched, partial, missing = [], [], []
    credit = 0.0
    for skill in wanted:
        if skill in have:
            credit += recency(have[skill], today)
            matched.append(skill)
            continue
        via = sorted(s for s in have if skill in _related(s) or s in _related(skill))
        if via:
            credit += RELATED_CREDIT * max(recency(have[s], today) for s in via)
            partial.append({"skill": skill, "via": via[0]})
        else:
            missing.append(skill)
    old = [s for s in matched if have[s] is not None and today.year - int(have[s] or 0) > 7]
    detail = {"matched": matched, "partial": partial, "missing": missing, "not_recent": old}
    return (credit / len(wanted) if wanted else 0.0), detail


def title_fit(job: JobAnalysis, titles: list[str]) -> tuple[float, str | None]:
    """Share of the job title's role words found in the candidate's titles (latest counts most)."""
    wanted = set(job.title_terms)
    best, best_title = 0.0, None
    for rank, title in enumerate(titles[:6]):
        have = set(title_terms(title))
        fit = len(wanted & have) / len(wanted) * (1.0 if rank == 0 else 0.8)
        if fit > best:
            best, best_title = fit, title
    level, theirs = job.seniority, seniority_of(titles[0]) if titles else None
    if level and theirs and abs(LEVELS.index(level) - LEVELS.index(theirs)) >= 2:
        best *= 0.8
    return best, best_title or (titles[0] if titles else None)


def years_fit(minimum: int, years: float | None) -> float:
    if years is None:
        return 0.3
    return min(1.0, years / minimum)


def location_fit(job: JobAnalysis, location: str | None) -> float:
    if job.remote:
        return 1.0
    if location is None:
        return 0.5
    job_parts = [p.strip().lower() for p in (job.location or "").split(",") if p.strip()]
    theirs = location.lower()
    if job_parts and job_parts[0] in theirs:
        return 1.0
    return 0.6 if any(p in theirs for p in job_parts[1:]) else 0.0


def score(job: JobAnalysis, cand: Candidate, query: Mapping[str, float], avg_len: float,
          *, today: date | None = None) -> Match:
    """Score one candidate; `query` is the job's terms weighted by idf over all candidates."""
    today = today or date.today()
    parts: dict[str, float] = {}
    facts: dict[str, Any] = {}
    if job.required_skills:
        parts["required"], facts["required"] = coverage(job.required_skills, cand.skills, today)
    if job.nice_skills:
        parts["nice"], facts["nice"] = coverage(job.nice_skills, cand.skills, today)
    ceiling = bm25_ceiling(query)
    if ceiling > 0:
        raw = bm25(query, cand.terms, cand.doc_len, avg_len)
        parts["text"] = 1 - math.exp(-raw / (TEXT_SCALE * ceiling))
    if job.title_terms:
        fit, shown = title_fit(job, cand.titles)
        parts["title"], facts["title"] = fit, (fit, shown)
    if job.min_years:
        parts["years"] = years_fit(job.min_years, cand.years)
    if job.location or job.remote:
        parts["location"] = location_fit(job, cand.location)
    total_weight = sum(WEIGHTS[p] for p in parts)
    value = 100 * sum(WEIGHTS[p] * v for p, v in parts.items()) / total_weight if parts else 0.0
    explanation = explain(job, cand.name, cand.years, cand.location, parts, facts)
    explanation["parts"] = {
        p: {"score": round(v, 3), "weight": round(100 * WEIGHTS[p] / total_weight, 1)}
        for p, v in parts.items()
    }
    return Match(cand.id, round(value, 1), explanation)
