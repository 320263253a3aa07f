"""Keep each candidate's matching profile and the corpus word statistics up to date.

`index_candidates` runs after every chunk of parsed resumes (through `find_matches_many`): it
rebuilds each candidate's row in `candidate_profiles` (the database's own full-text index
follows by trigger) and moves the document frequencies in `term_stats` by the difference, with
one upsert for the whole chunk.
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
TERM_CHARS = 100  # term_stats.term is a String(100)


def bump_terms(session: Session, deltas: dict[str, int]) -> None:
    """Add `deltas` to document frequencies, in term order so concurrent writers never deadlock."""
    # Merged on the stored (cut) term so each row is written once, however the driver sends
    # the rows (PostgreSQL refuses a multi-row upsert that touches one row twice).
    merged: Counter[str] = Counter()
    for term, delta in deltas.items():
        merged[term[:TERM_CHARS]] += delta
    rows = [{"term": t, "df": d} for t, d in sorted(merged.items()) if d]
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(TermStat)
    stmt = stmt.on_conflict_do_update(
        index_elements=[TermStat.term], set_={"df": TermStat.df + stmt.excluded.df})
    # One statement run over all rows: it compiles once and is cached, where a VALUES list of
    # a chunk's thousands of terms was rebuilt and recompiled on every call.
    session.execute(stmt, rows)


def _skills_of(session: Session, candidate_ids: list[int]) -> dict[int, list[str]]:
    """Each candidate's skill names in the order they were stored (the profile keeps it)."""
    found: dict[int, list[str]] = {cid: [] for cid in candidate_ids}
    rows = session.execute(
        select(CandidateSkill.candidate_id, CandidateSkill.skill)
        .where(CandidateSkill.candidate_id.in_(candidate_ids))
        .order_by(CandidateSkill.candidate_id, CandidateSkill.id))
    for cid, skill in rows:
        found[cid].append(skill)
    return found


def _rebuild(profile: CandidateProfile, candidate: Candidate, skills: list[str], *,
             new: bool, today: date | None) -> Counter[str]:
    """Refill `profile` from `candidate`; returns the term_stats deltas of its old -> new text."""
    built = build_profile(candidate.data or {}, skills, latest_title=candidate.latest_title,
                          location=candidate.location, today=today)
    counts = term_counts(built.doc)
    deltas: Counter[str] = Counter()
    if new:  # one more document in the corpus
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
    return deltas


def index_candidates(session: Session, candidate_ids: Iterable[int], *,
                     today: date | None = None) -> dict[int, CandidateProfile]:
    """(Re)build the candidates' profiles with three reads, one flush and one term upsert.

    Ids that name no candidate (erased meanwhile) are absent from the result; an id given twice
    is indexed once. The term statistics end up exactly as indexing one at a time would leave
    them, because each candidate's delta depends only on its own old and new profile.
    """
    ids = list(dict.fromkeys(candidate_ids))
    if not ids:
        return {}
    candidates = {c.id: c for c in session.scalars(select(Candidate).where(Candidate.id.in_(ids)))}
    found = [cid for cid in ids if cid in candidates]
    skills = _skills_of(session, found)
    profiles = {p.candidate_id: p for p in session.scalars(
        select(CandidateProfile).where(CandidateProfile.candidate_id.in_(found)))}
    deltas: Counter[str] = Counter()
    for cid in found:
        new = cid not in profiles
        if new:
            profiles[cid] = CandidateProfile(candidate_id=cid)
            session.add(profiles[cid])
        deltas.update(_rebuild(profiles[cid], candidates[cid], skills[cid], new=new,
                               today=today))
    session.flush()
    bump_terms(session, dict(deltas))
    return {cid: profiles[cid] for cid in found}


def index_candidate(session: Session, candidate_id: int, *,
                    today: date | None = None) -> CandidateProfile | None:
    """(Re)build one candidate's profile; None when the candidate no longer exists."""
    return index_candidates(session, [candidate_id], today=today).get(candidate_id)


def corpus_stats(session: Session, stems: Iterable[str]) -> tuple[int, float, dict[str, int]]:
    """(number of profiles, average length, df per stem) for BM25."""
    wanted = sorted({*stems, DOCS, LENGTH})
    rows = session.execute(select(TermStat.term, TermStat.df).where(TermStat.term.in_(wanted)))
    found = {str(term): int(df) for term, df in rows}
    docs = max(found.pop(DOCS, 0), 0)
    total = found.pop(LENGTH, 0)
    return docs, (total / docs if docs else 0.0), found
