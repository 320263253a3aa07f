"""The 0–100 score of a candidate for a job, from parts a recruiter can check one by one.

Parts: required and nice-to-have skills (each weighed by how long and how recently it was used
in a role, and by how few of the recruiter's candidates hold it), focus (how much of the
candidate's skill set is what the job asks, `focus`), text relevance (BM25F: title
and skill words weigh more than body text, over the job's words and the words associated with
them), title fit (for a job without a title, against the title words its skills are typical
of), occupation (O*NET occupation of the job title against the candidate's titles;
without one, the occupations the job's skills are typical of, `matching.skill_occupations`),
years against the minimum, seniority, and location/remote, and closeness to the best
first-pass resumes (`matching.feedback`). A part the job says nothing about (no minimum years,
no location) is left out and the others share its weight, so a score always means "how much
of what this job asks for".
The weights were chosen on half of the dev jobs and checked on the other half
(`benchmarks/match_quality.py`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from matching.analysis import LEVELS, TITLE_WORD_CHARS, JobAnalysis, seniority_of, title_terms
from matching.explain import explain
from matching.occupation import closeness
from matching.text import bm25_ceiling, bm25f
from pipeline.parser.skills import skill_info

# Chosen by `benchmarks/match_quality.py` on all 50 dev jobs (each half's own figures come
# from weights tuned on the other half). Title evidence dominates on that set; required skills
# always count (a floor of 5, a product rule). A part at 0 is left out of score and reasons.
WEIGHTS = {"required": 5.0, "nice": 0.0, "text": 0.0, "title": 100.0, "occupation": 2.0,
           "years": 75.0, "level": 20.0, "location": 5.0, "feedback": 2.0, "peer_title": 0.0,
           "focus": 35.0}
# Jobs given only as a skill list have no title or prose parts to lean on: their own weights.
# Their title is the one their skills are typical of (title words, `JobAnalysis.title_words`),
# their occupation too (`matching.skill_occupations`).
LIST_WEIGHTS = {"required": 5.0, "nice": 10.0, "text": 0.0, "title": 75.0,
                "occupation": 15.0, "years": 10.0, "level": 5.0, "location": 5.0,
                "feedback": 0.0, "peer_title": 5.0, "focus": 5.0}
RELATED_CREDIT = 0.5  # a related skill (PostgreSQL for SQL) counts half
TEXT_SCALE = 0.25  # a resume at a quarter of the BM25 ceiling scores ~63% on text
FIELD_WEIGHTS = {"title": 3.0, "skill": 2.0}  # BM25F: a title or skill word counts 3x / 2x
DEPTH_MONTHS = 48  # a skill used this long in roles gets full depth credit


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
    fields: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)


# The `candidate_profiles` columns a `Candidate` is made of, in its order after id and name:
# read back by `matching.rank.load`, or taken from profiles just built (`matching.index`).
PROFILE_FIELDS = ("titles", "years", "skills", "location", "terms", "doc_len", "fields",
                  "evidence")


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


def depth_factor(months: int | None) -> float:
    """Weight of a skill by the months of the roles it was used in (None: unknown, full)."""
    if months is None:
        return 1.0
    return 0.75 + 0.25 * min(1.0, months / DEPTH_MONTHS)


def _credit(skill: str, have: Mapping[str, int | None], today: date,
            depth: Mapping[str, Any] | None) -> float:
    months = None
    if depth is not None:
        months = int((depth.get(skill) or [0])[0] or 0)
    return recency(have[skill], today) * depth_factor(months)


def coverage(wanted: list[str], have: Mapping[str, int | None], today: date,
             depth: Mapping[str, Any] | None = None,
             weights: Mapping[str, float] | None = None) -> tuple[float, dict[str, Any]]:
    """Share of `wanted` skills the candidate has, related skills counting part.

    Each skill counts by when it was last used (`recency`) and, when `depth` (skill ->
    [months in roles, last year]) is known, by how long it was used (`depth_factor`). With
    `weights` (`JobAnalysis.skill_weights`) a skill few candidates hold counts more than one
    most hold, so "General Ledger" tells more than "Communication"; a skill without a weight
    counts 1.
    """
    matched, partial, missing = [], [], []
    used: dict[str, dict[str, Any]] = {}
    pointing: dict[str, list[str]] | None = None  # skill -> held skills that name it related
    credit = 0.0
    weights = weights or {}
    total = 0.0
    for skill in wanted:
        weight = weights.get(skill, 1.0)
        total += weight
        if skill in have:
            credit += weight * _credit(skill, have, today, depth)
            matched.append(skill)
            if depth is not None and skill in depth:
                used[skill] = {"months": int(depth[skill][0] or 0), "last": have[skill]}
            continue
        if pointing is None:  # once per call, and only when a skill is missing
            pointing = {}
            for held in have:
                for other in _related(held):
                    pointing.setdefault(other, []).append(held)
        via = sorted({s for s in _related(skill) if s in have}.union(pointing.get(skill, ())))
        if via:
            credit += weight * RELATED_CREDIT * max(_credit(s, have, today, depth)
                                                    for s in via)
            partial.append({"skill": skill, "via": via[0]})
        else:
            missing.append(skill)
    old = [s for s in matched if have[s] is not None and today.year - int(have[s] or 0) > 7]
    detail = {"matched": matched, "partial": partial, "missing": missing, "not_recent": old,
              "used": used}
    return (credit / total if total > 0 else 0.0), detail


def focus(wanted: list[str], have: Mapping[str, int | None]) -> float:
    """How much of the candidate's skill set is what the job asks: the cosine of the two sets,
    |asked ∩ held| / sqrt(|asked| · |held|).

    Coverage alone ties a profile built around the asked skills with one that lists them
    among sixty others; this tells them apart (an accountant's short list of ledger skills
    against a generalist's long one).
    """
    if not wanted or not have:
        return 0.0
    return _cosine(asked_held(wanted, have), len(set(wanted)), len(have))


def asked_held(wanted: list[str], have: Mapping[str, int | None]) -> int:
    """How many of the asked skills (each once) the candidate holds."""
    return sum(1 for skill in dict.fromkeys(wanted) if skill in have)


def _cosine(shared: int, asked: int, held: int) -> float:
    return shared / math.sqrt(asked * held)


@lru_cache(maxsize=65536)
def _title_stems(title: str) -> frozenset[str]:
    return frozenset(title_terms(title))


def title_fit(job: JobAnalysis, titles: list[str]) -> tuple[float, str | None]:
    """Share of the job title's role words found in the candidate's titles (latest counts most).

    A job without a title (a skill list) is compared through the title words its skills are
    typical of (`job.title_words`): a title scores the mean weight of its role words, so
    "Customer Service Advocate" fits a list of customer-service skills, and a title that adds
    unrelated words fits less.
    """
    wanted = set(job.title_terms)
    best, best_title = 0.0, None
    for rank, title in enumerate(titles[:6]):
        have = _title_stems(title)
        if wanted:
            fit = len(wanted & have) / len(wanted)
        else:
            fit = (sum(job.title_words.get(s[:TITLE_WORD_CHARS], 0.0) for s in have) / len(have)
                   if have else 0.0)
        fit *= 1.0 if rank == 0 else 0.8
        if fit > best:
            best, best_title = fit, title
    level, theirs = job.seniority, seniority_of(titles[0]) if titles else None
    if level and theirs and abs(LEVELS.index(level) - LEVELS.index(theirs)) >= 2:
        best *= 0.8
    return best, best_title or (titles[0] if titles else None)


def occupation_fit(job: JobAnalysis, occupations: list[str]) -> tuple[float, str | None]:
    """How close the candidate's occupations (latest first) are to the job's; the code used.

    A job whose title names no occupation is compared through the occupations its skills are
    typical of (`job.inferred`, filled by `matching.skill_occupations.with_inferred`).
    """
    if not job.occupation and not job.inferred:
        return 0.0, None
    best, best_code = 0.0, None
    for n, code in enumerate(occupations[:3]):
        near = closeness(job.occupation, code) if job.occupation else job.inferred.get(code, 0.0)
        fit = near * (1.0 if n == 0 else 0.8)
        if fit > best:
            best, best_code = fit, code
    return best, best_code


def level_fit(job: JobAnalysis, level: str | None, years: float | None) -> float:
    """Seniority: the latest title's level (or, without one, years) against the job's level."""
    if not job.seniority:
        return 0.0
    wanted = LEVELS.index(job.seniority)
    if level is None and years is not None:
        level = "junior" if years < 2 else "mid" if years < 5 else "senior"
    if level is None:
        return 0.5
    gap = abs(LEVELS.index(level) - wanted)
    return 1.0 if gap == 0 else 0.7 if gap == 1 else 0.3 if gap == 2 else 0.0


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


def counted(job: JobAnalysis) -> frozenset[str]:
    """The parts with a weight for this job: all a score without feedback needs."""
    return frozenset(p for p, w in weights_for(job).items() if w > 0)


def parts_of(job: JobAnalysis, cand: Candidate, query: Mapping[str, float], avg_len: float,
             today: date, only: Collection[str] | None = None
             ) -> tuple[dict[str, float], dict[str, Any]]:
    """Each part's 0–1 value for this candidate, and the facts the explanation tells.

    `only`: compute just these parts (`counted(job)`), where nothing but the weighted score
    reads them: matching after a parse scores every candidate against every open job, and a
    part the weights give 0 (text relevance and nice-to-have on described jobs) would be a
    quarter of that work for nothing. None computes every part (first-pass feedback and the
    weight tuner read them all).
    """
    def wanted(part: str) -> bool:
        return only is None or part in only

    parts: dict[str, float] = {}
    facts: dict[str, Any] = {}
    depth = cand.evidence.get("depth") if cand.evidence else None
    if job.required_skills and wanted("required"):
        parts["required"], facts["required"] = coverage(job.required_skills, cand.skills, today,
                                                        depth, job.skill_weights)
    if job.required_skills and cand.skills and wanted("focus"):
        shared = asked_held(job.required_skills, cand.skills)  # `focus`, counted once
        parts["focus"] = _cosine(shared, len(set(job.required_skills)), len(cand.skills))
        facts["focus"] = (shared, len(cand.skills))
    if job.nice_skills and wanted("nice"):
        parts["nice"], facts["nice"] = coverage(job.nice_skills, cand.skills, today, depth,
                                                job.skill_weights)
    ceiling = bm25_ceiling(query)
    if ceiling > 0 and wanted("text"):
        raw = bm25f(query, cand.terms, cand.fields, FIELD_WEIGHTS, cand.doc_len, avg_len)
        parts["text"] = 1 - math.exp(-raw / (TEXT_SCALE * ceiling))
    if (job.title_terms or job.title_words) and wanted("title"):
        fit, shown = title_fit(job, cand.titles)
        parts["title"], facts["title"] = fit, (fit, shown)
    if (job.occupation or job.inferred) and wanted("occupation"):
        fit, code = occupation_fit(job, list(cand.evidence.get("occupations") or []))
        parts["occupation"], facts["occupation"] = fit, (fit, code)
    if job.min_years and wanted("years"):
        parts["years"] = years_fit(job.min_years, cand.years)
    if job.seniority and wanted("level"):
        level = cand.evidence.get("level") if cand.evidence else None
        parts["level"] = level_fit(job, level, cand.years)
        facts["level"] = level
    if (job.location or job.remote) and wanted("location"):
        parts["location"] = location_fit(job, cand.location)
    return parts, facts


def weights_for(job: JobAnalysis) -> Mapping[str, float]:
    return LIST_WEIGHTS if job.skill_list else WEIGHTS


def score(job: JobAnalysis, cand: Candidate, query: Mapping[str, float], avg_len: float,
          *, today: date | None = None, weights: Mapping[str, float] | None = None) -> Match:
    """Score one candidate; `query` is the job's terms weighted by idf over all candidates."""
    today = today or date.today()
    parts, facts = parts_of(job, cand, query, avg_len, today)
    return combine(job, cand, parts, facts, weights)


def weighted(job: JobAnalysis, parts: Mapping[str, float],
             weights: Mapping[str, float] | None = None) -> float:
    """The 0–100 score of computed parts (what `combine` reports, without the explanation)."""
    weights = weights_for(job) if weights is None else weights
    total = sum(weights.get(p, 0.0) for p in parts)
    return round(100 * sum(weights.get(p, 0.0) * v for p, v in parts.items()) / total, 1) \
        if total else 0.0


def combine(job: JobAnalysis, cand: Candidate, parts: dict[str, float], facts: dict[str, Any],
            weights: Mapping[str, float] | None = None) -> Match:
    """The weighted 0–100 score of computed parts, with its explanation."""
    weights = weights_for(job) if weights is None else weights
    # Only parts that count are scored and explained: a reason never names an uncounted fact.
    parts = {p: v for p, v in parts.items() if weights.get(p, 0.0) > 0}
    facts = {k: v for k, v in facts.items() if k in parts}
    total_weight = sum(weights[p] for p in parts)
    value = (100 * sum(weights[p] * v for p, v in parts.items()) / total_weight
             if total_weight else 0.0)
    explanation = explain(job, cand.name, cand.years, cand.location, parts, facts)
    explanation["parts"] = {
        p: {"score": round(v, 3), "weight": round(100 * weights[p] / total_weight, 1)}
        for p, v in parts.items()
    }
    return Match(cand.id, round(value, 1), explanation)
