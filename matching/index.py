"""Keep each candidate's matching profile and the corpus word statistics up to date.

`index_candidates` runs after every chunk of parsed resumes (through `find_matches_many`): it
rebuilds each candidate's row in `candidate_profiles` (the database's own full-text index
follows by trigger) and moves the document frequencies in `term_stats` by the difference, with
one upsert for the whole chunk, and the skill/occupation counts of `skill_occupations` the
same way. It also rewrites the candidates' rows in `profile_keys`: their
most telling words and their skills, each with a strength, which `matching.rank` reads to
short-list candidates with index range scans.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matching.profile import Profile, build_profile
from matching.score import FIELD_WEIGHTS, PROFILE_FIELDS, depth_factor, recency
from matching.score import Candidate as ScoredCandidate
from matching.skill_occupations import Row, counts_of
from matching.skill_occupations import bump as bump_skill_occupations
from matching.text import K1, B, idf, term_counts
from storage.bulk import add_counts, among, insert_rows
from storage.models import (
    Candidate,
    CandidateProfile,
    CandidateSkill,
    ProfileKey,
    TermStat,
    table_of,
    utcnow,
)

DOCS = "#docs"  # term_stats row: number of profiles
LENGTH = "#len"  # term_stats row: sum of profile lengths
TERM_CHARS = 100  # term_stats.term is a String(100)
KEY_WORDS = 30  # words per candidate in profile_keys (their titles' and skills' words first)


def bump_terms(session: Session, deltas: dict[str, int]) -> None:
    """Add `deltas` to document frequencies, in term order so concurrent writers never deadlock."""
    # Merged on the stored (cut) term so each row is written once, however the driver sends
    # the rows (PostgreSQL refuses a multi-row upsert that touches one row twice).
    merged: Counter[str] = Counter()
    for term, delta in deltas.items():
        merged[term[:TERM_CHARS]] += delta
    rows = [{"term": t, "df": d} for t, d in sorted(merged.items()) if d]
    # one statement of fixed text for a chunk's thousands of terms (storage.bulk)
    add_counts(session, table_of(TermStat), ["term"], "df", rows)


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


def key_impacts(built: Profile, counts: dict[str, int], avg_len: float, dfs: dict[str, int],
                docs: int, today: date) -> dict[str, float]:
    """A profile's `profile_keys`: `s:<skill>` by depth and recency, `w:<stem>` for its
    `KEY_WORDS` most telling words by saturated field-weighted frequency (BM25F's tf part)."""
    found: dict[str, float] = {}
    depth = built.evidence.get("depth", {})
    for skill, last in built.skills.items():
        months = int((depth.get(skill) or [0])[0] or 0)
        found[f"s:{skill}"[:TERM_CHARS]] = round(recency(last, today) * depth_factor(months), 4)
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / max(avg_len, 1.0))
    boosted = {term: float(tf) for term, tf in counts.items()}
    for name, weight in FIELD_WEIGHTS.items():  # a field's words count (weight - 1) more
        for term, tf in built.fields.get(name, {}).items():
            if term in boosted:
                boosted[term] += (weight - 1) * tf
    saturated = {term: tf / (tf + norm) for term, tf in boosted.items()}
    telling = heapq.nsmallest(KEY_WORDS, saturated, key=lambda t: (
        -saturated[t] * idf(dfs.get(t, 1), docs), t))
    for term in telling:
        found[f"w:{term}"[:TERM_CHARS]] = round(saturated[term], 4)
    return found


def _write_keys(session: Session, built: dict[int, tuple[Profile, dict[str, int]]],
                owners: dict[int, int | None], today: date) -> None:
    """Replace the candidates' `profile_keys` rows (one DELETE, one bulk INSERT)."""
    wanted = {t for _, counts in built.values() for t in counts}
    docs, avg_len, dfs = corpus_stats(session, wanted)
    keys = table_of(ProfileKey)  # a Core DELETE: no search of the session's objects
    session.execute(delete(keys).where(keys.c.candidate_id.in_(list(built))))
    rows = [{"candidate_id": cid, "key": key, "owner_id": owners[cid], "impact": impact}
            for cid, (profile, counts) in built.items()
            for key, impact in key_impacts(profile, counts, avg_len, dfs, docs, today).items()]
    insert_rows(session, table_of(ProfileKey), rows)  # ~45 rows a candidate: COPY


def _occupation_counts(profile: CandidateProfile) -> Counter[Row]:
    """What a stored profile counts in `skill_occupations` (`matching.skill_occupations`)."""
    evidence = profile.evidence or {}
    return counts_of(profile.skills or {}, list(evidence.get("occupations") or []),
                     list(evidence.get("title_words") or []))


def _rebuild(profile: CandidateProfile, candidate: Candidate, skills: list[str], *,
             new: bool, today: date | None
             ) -> tuple[Counter[str], Profile, Counter[str], Counter[Row]]:
    """Refill `profile` from `candidate`: (term_stats deltas of old -> new text, the built
    profile, its word counts, skill_occupations deltas of old -> new)."""
    built = build_profile(candidate.data or {}, skills, latest_title=candidate.latest_title,
                          location=candidate.location, today=today)
    counts = term_counts(built.doc)
    deltas: Counter[str] = Counter()
    occupation_deltas: Counter[Row] = Counter()
    if new:  # one more document in the corpus
        deltas[DOCS] += 1
    else:
        deltas.subtract(dict.fromkeys(profile.terms or {}, 1))
        deltas[LENGTH] -= profile.doc_len
        occupation_deltas.subtract(_occupation_counts(profile))
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
    profile.fields = built.fields
    profile.evidence = built.evidence
    profile.updated_at = utcnow()
    occupation_deltas.update(_occupation_counts(profile))
    return deltas, built, counts, occupation_deltas


def index_candidates(session: Session, candidate_ids: Iterable[int], *,
                     today: date | None = None) -> dict[int, CandidateProfile]:
    """(Re)build the candidates' profiles with three reads, one flush and one term upsert.

    Ids that name no candidate (erased meanwhile) are absent from the result; an id given twice
    is indexed once. The term statistics end up exactly as indexing one at a time would leave
    them, because each candidate's delta depends only on its own old and new profile.
    """
    return _index(session, candidate_ids, today)[0]


def index_for_scoring(session: Session, candidate_ids: Iterable[int]
                      ) -> tuple[dict[int, int | None], dict[int, ScoredCandidate]]:
    """`index_candidates`, returning each candidate's owner and scoring's view of the profile
    just written (as `matching.rank.load` would read it back), so matching after a chunk
    does not read the profiles again."""
    profiles, candidates = _index(session, candidate_ids, None)
    owners = {cid: p.owner_id for cid, p in profiles.items()}
    views = {cid: ScoredCandidate(cid, candidates[cid].name,
                                  *(getattr(p, name) for name in PROFILE_FIELDS))
             for cid, p in profiles.items()}
    return owners, views


def _index(session: Session, candidate_ids: Iterable[int], today: date | None
           ) -> tuple[dict[int, CandidateProfile], dict[int, Candidate]]:
    """`index_candidates`, also returning the candidates' rows it read."""
    ids = list(dict.fromkeys(candidate_ids))
    if not ids:
        return {}, {}
    candidates = {c.id: c for c in session.scalars(select(Candidate).where(Candidate.id.in_(ids)))}
    found = [cid for cid in ids if cid in candidates]
    skills = _skills_of(session, found)
    profiles = {p.candidate_id: p for p in session.scalars(
        select(CandidateProfile).where(CandidateProfile.candidate_id.in_(found)))}
    deltas: Counter[str] = Counter()
    occupation_deltas: Counter[Row] = Counter()
    built: dict[int, tuple[Profile, dict[str, int]]] = {}
    for cid in found:
        new = cid not in profiles
        if new:
            profiles[cid] = CandidateProfile(candidate_id=cid)
            session.add(profiles[cid])
        delta, profile, counts, occupation_delta = _rebuild(
            profiles[cid], candidates[cid], skills[cid], new=new, today=today)
        deltas.update(delta)
        occupation_deltas.update(occupation_delta)
        built[cid] = (profile, dict(counts))
    session.flush()
    bump_terms(session, dict(deltas))
    bump_skill_occupations(session, occupation_deltas)
    _write_keys(session, built, {cid: candidates[cid].owner_id for cid in found},
                today or date.today())
    return {cid: profiles[cid] for cid in found}, candidates


def index_candidate(session: Session, candidate_id: int, *,
                    today: date | None = None) -> CandidateProfile | None:
    """(Re)build one candidate's profile; None when the candidate no longer exists."""
    return index_candidates(session, [candidate_id], today=today).get(candidate_id)


def corpus_stats(session: Session, stems: Iterable[str]) -> tuple[int, float, dict[str, int]]:
    """(number of profiles, average length, df per stem) for BM25."""
    wanted = sorted({*stems, DOCS, LENGTH})
    rows = session.execute(select(TermStat.term, TermStat.df)
                           .where(among(session, TermStat.term, wanted)))
    found = {str(term): int(df) for term, df in rows}
    docs = max(found.pop(DOCS, 0), 0)
    total = found.pop(LENGTH, 0)
    return docs, (total / docs if docs else 0.0), found
