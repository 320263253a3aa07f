"""Keep each candidate's matching profile and the corpus word statistics up to date.

`index_candidate` runs after every parse (through `find_matches`): it rebuilds the
candidate's row in `candidate_profiles` (the database's own full-text index follows by
trigger) and moves the document frequencies in `term_stats` by the difference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from matching.profile import build_profile
from matching.text import term_counts
from storage.models import Candidate, CandidateProfile, CandidateSkill, TermStat, utcnow

DOCS = "#docs"  # term_stats row: number of profiles
LENGTH = "#len"  # term_stats row: sum of profile lengths


def bump_terms(session: Session, deltas: dict[str, int]) -> None:
    """Add `deltas` to document frequencies, in term order so concurrent writers never deadlock."""
    rows = [{"term": t[:100], "df": d} for t, d in sorted(deltas.items()) if d]
    if not rows:
        return
    bind = session.get_bind()
    insert = pg_insert if bind.dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(rows), 2000):
        stmt = insert(TermStat).values(rows[start:start + 2000])
        stmt = stmt.on_conflict_do_update(
            index_elements=[TermStat.term], set_={"df": TermStat.df + stmt.excluded.df}
        )
        session.execute(stmt)


def index_candidate(session: Session, candidate_id: int, *,
                    today: date | None = None) -> CandidateProfile | None:
    """(Re)build a candidate's profile; None when the candidate no longer exists."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        return None
    skills = list(session.scalars(
        select(CandidateSkill.skill).where(CandidateSkill.candidate_id == candidate_id)
        .order_by(CandidateSkill.id)))
    built = build_profile(candidate.data or {}, skills, latest_title=candidate.latest_title,
                          location=candidate.location, today=today)
    counts = term_counts(built.doc)
    profile = session.get(CandidateProfile, candidate_id)
    deltas: Counter[str] = Counter()
    if profile is None:
        profile = CandidateProfile(candidate_id=candidate_id)
        session.add(profile)
        deltas[DOCS] += 1
    else:
        deltas.subtract(dict.fromkeys(profile.terms or {}, 1))
        deltas[LENGTH] -= profile.doc_len
    deltas.update(dict.fromkeys(counts, 1))
    deltas[LENGTH] += sum(counts.values())
    profile.owner_id = candidate.owner_id
    profile.titles = built.titles
    profile.years = built.years
    profile.skills = dict(built.skills)
    profile.location = built.location
    profile.doc = built.doc
    profile.terms = dict(counts)
    profile.doc_len = sum(counts.values())
    profile.updated_at = utcnow()
    session.flush()
    bump_terms(session, dict(deltas))
    return profile


def corpus_stats(session: Session, stems: Iterable[str]) -> tuple[int, float, dict[str, int]]:
    """(number of profiles, average length, df per stem) for BM25."""
    wanted = sorted({*stems, DOCS, LENGTH})
    rows = session.execute(select(TermStat.term, TermStat.df).where(TermStat.term.in_(wanted)))
    found = {str(term): int(df) for term, df in rows}
    docs = max(found.pop(DOCS, 0), 0)
    total = found.pop(LENGTH, 0)
    return docs, (total / docs if docs else 0.0), found
