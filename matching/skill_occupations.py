"""Which O*NET occupations a set of skills points at, learned from the candidates themselves.

A job given only as "Required skills: a, b, c" has no title to name its occupation, and skill
coverage alone ties everyone who lists the skills. The candidates know more: each one's latest
title names an occupation (`matching.occupation`) and their profile lists skills, so the
candidate base tells which occupations hold which skills more often than chance ("Yardi" and
"Accounting" sit with accountants, "Recruiting" with HR specialists). `skill_occupations`
keeps those counts, moved by the difference of a candidate's old and new profile when it is
indexed, as `term_stats` is for words; nothing is shipped or downloaded, and the counts follow
each deployment's own candidates.

`infer` scores each occupation by the job's skills over-represented in it (normalised PMI,
positive part, pairs seen at least `MIN_TOGETHER` times), each skill weighed by how specific it
is over candidates (idf: "Communication" says little, "Yardi" much); the best scores 1.
`infer_title_words` does the same for the words of the candidates' latest titles (counted
beside the occupations), so a job without a title gets the role words its skills are typical
of. `specificity` is that idf on its own: skill coverage weighs each asked skill by it, for
every job, read in the same query.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import not_, or_, select
from sqlalchemy.orm import Session

from matching.analysis import JobAnalysis
from storage.bulk import add_counts, among
from storage.models import SkillOccupation, table_of

ALL = SkillOccupation.ALL  # the other column of a total row: (skill, ALL), (ALL, occ), (ALL, ALL)
TITLE_WORD = SkillOccupation.TITLE_WORD  # a title word's prefix in the occupation column
SKILL_CHARS = 100  # skill_occupations.skill is a String(100)
# Fewer candidates holding a skill in an occupation tell nothing. Set by looking at all dev
# skill lists (1 did clearly worse; 2, 3 and 5 about the same), not tuned per half.
MIN_TOGETHER = 3
# The same for a title word, a finer and noisier group than an occupation: as many candidates
# as two words must share to count as associated (`matching.build_data.MIN_TOGETHER`). Chosen
# after seeing all dev skill lists (3: P@10 0.636/0.658 on the halves, 4: 0.672/0.683,
# 5: 0.668/0.679), not tuned per half.
MIN_TITLE_WORD = 4

Row = tuple[str, str]


def counts_of(skills: Iterable[str], occupations: Sequence[str],
              title_words: Iterable[str] = ()) -> Counter[Row]:
    """The rows one profile counts in (`SkillOccupation.counted`)."""
    return SkillOccupation.counted(skills, occupations, title_words)


def bump(session: Session, deltas: Mapping[Row, int]) -> None:
    """Add `deltas` to the counts, in key order (concurrent writers never deadlock)."""
    rows = [{"skill": s, "occupation": o, "n": n} for (s, o), n in sorted(deltas.items()) if n]
    add_counts(session, table_of(SkillOccupation), ["skill", "occupation"], "n", rows)


def job_skills(job: JobAnalysis) -> list[str]:
    """The skills an occupation is inferred from: the required ones, else the nice-to-have."""
    return list(job.required_skills or job.nice_skills)


def infer(counts: Mapping[Row, int], skills: Iterable[str]) -> dict[str, float]:
    """O*NET code -> 0–1: how typical `skills` are of the occupation (pure; see the module)."""
    return _typical(counts, skills, title_words=False)


def infer_title_words(counts: Mapping[Row, int], skills: Iterable[str]) -> dict[str, float]:
    """Title word (stem) -> 0–1: how typical `skills` are of candidates whose latest title holds
    the word, the same way as `infer`.

    Finer than an occupation: "Customer Service" points at titles reading "advocate" as well
    as "representative", which O*NET files under one occupation or none.
    """
    return {o.removeprefix(TITLE_WORD): v
            for o, v in _typical(counts, skills, title_words=True).items()}


def _typical(counts: Mapping[Row, int], skills: Iterable[str], *,
             title_words: bool) -> dict[str, float]:
    """Group -> 0–1 for the occupations, or else the title words, of `counts` (see the module)."""
    total = counts.get((ALL, ALL), 0)
    if total <= 0:
        return {}
    per_group = {o: n for (s, o), n in counts.items()
                 if s == ALL and o != ALL and n > 0 and o.startswith(TITLE_WORD) == title_words}
    scores: dict[str, float] = {}
    for skill in dict.fromkeys(s[:SKILL_CHARS] for s in skills):
        holders = counts.get((skill, ALL), 0)
        if holders <= 0 or holders >= total:
            continue
        specific = math.log(total / holders)
        for group, members in per_group.items():
            both = counts.get((skill, group), 0)
            if both < (MIN_TITLE_WORD if title_words else MIN_TOGETHER) or both >= total:
                continue
            pmi = math.log(both * total / (holders * members))
            if pmi > 0:
                npmi = pmi / -math.log(both / total)
                scores[group] = scores.get(group, 0.0) + specific * npmi
    top = max(scores.values(), default=0.0)
    return {o: round(v / top, 4) for o, v in sorted(scores.items())} if top > 0 else {}


def specificity(counts: Mapping[Row, int], skills: Iterable[str]) -> dict[str, float]:
    """Skill -> how telling it is among the candidates: log(1 + N / (1 + holders)).

    "Communication", listed by half the candidates, weighs about a third of "General Ledger",
    listed by a few; a skill no candidate holds weighs most (whoever has it stands out). Empty
    without counts (no candidates yet): every skill then weighs the same.
    """
    total = counts.get((ALL, ALL), 0)
    if total <= 0:
        return {}
    return {skill: round(math.log(1 + total / (1 + counts.get((skill[:SKILL_CHARS], ALL), 0))),
                         4)
            for skill in dict.fromkeys(skills)}


def read_counts(session: Session, skills: Iterable[str], *, occupations: bool = True,
                title_words: bool = True) -> dict[Row, int]:
    """The rows `infer`, `infer_title_words` and `specificity` need for `skills`, in one query:
    the skills' totals and the grand total always; their pairs with occupations and every
    occupation's total only with `occupations`, the same for title words with `title_words`.

    A title word pairs with every skill of every candidate holding it: thousands of rows that
    a chunk matched against described jobs (which have a title) would read for nothing.
    """
    wanted = sorted({ALL, *(s[:SKILL_CHARS] for s in skills)})
    query = select(SkillOccupation.skill, SkillOccupation.occupation, SkillOccupation.n).where(
        among(session, SkillOccupation.skill, wanted))
    is_word = SkillOccupation.occupation.startswith(TITLE_WORD)
    if not occupations:
        query = query.where(or_(SkillOccupation.occupation == ALL, is_word))
    if not title_words:
        query = query.where(not_(is_word))
    return {(str(s), str(o)): int(n) for s, o, n in session.execute(query)}


def with_inferred(session: Session, jobs: list[JobAnalysis]) -> list[JobAnalysis]:
    """The jobs with what the candidates' counts tell about their skills, in one read: how
    telling each skill is (`JobAnalysis.skill_weights`, for skill coverage) and, for a job
    whose title names no occupation, the occupations its skills point at
    (`JobAnalysis.inferred`); for a job without a title, the title words they point at
    (`JobAnalysis.title_words`)."""
    wanted = {s for job in jobs for s in (*job.required_skills, *job.nice_skills)}
    if not wanted:
        return jobs
    counts = read_counts(
        session, wanted,
        occupations=any(not job.occupation and job_skills(job) for job in jobs),
        title_words=any(not job.title_terms and job_skills(job) for job in jobs))
    out = []
    for job in jobs:
        update: dict[str, object] = {
            "skill_weights": specificity(counts, [*job.required_skills, *job.nice_skills])}
        if not job.occupation and job_skills(job):
            update["inferred"] = infer(counts, job_skills(job))
        if not job.title_terms and job_skills(job):
            update["title_words"] = infer_title_words(counts, job_skills(job))
        out.append(job.model_copy(update=update))
    return out
