"""Duplicate detection: parsed resumes attach to the people they belong to, or make new ones.

Within one recruiter's candidates (a recruiter only ever sees their own imports), a resume
joins a candidate only with proof: the same file, or (`pipeline.identity_rules`) the same
email, the same phone, or a confident name plus two agreeing facts. A weaker resemblance
makes a new candidate and a *possible duplicate* link for the recruiter to decide
(`pipeline.links`). The newer resume's data wins field by field; what it lacks is kept.

A worker attaches a whole chunk of resumes at once (`attach_all`): one query finds every
existing candidate the chunk could belong to, the matching happens in Python, and skills are
written in bulk. Two resumes of one person in the same chunk attach to one candidate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from pipeline import links
from pipeline.identity_rules import Facts, Judgement, facts_of, judge
from pipeline.models import ParsedResume
from storage.bulk import insert_rows, reserve_ids
from storage.models import (
    NO_SYNC,
    Candidate,
    CandidateSkill,
    Recruiter,
    Resume,
    table_of,
    utcnow,
)


@dataclass(frozen=True)
class Arrival:
    """One parsed resume to attach: its row id, its bytes' hash, what the parser read (and
    the same as JSON, made once by the caller, which also stores it)."""

    resume_id: int
    sha256: str | None
    parsed: ParsedResume
    data: dict[str, Any] | None = None

    def json(self) -> dict[str, Any]:
        return self.data if self.data is not None else self.parsed.model_dump(mode="json")


def normalize_name(name: str | None) -> str | None:
    """Case, accents, punctuation and word order of a name do not make another person."""
    if not name:
        return None
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = sorted(re.findall(r"[a-z]+", ascii_name.lower()))
    return " ".join(words) or None


def _latest(parsed: ParsedResume) -> tuple[str | None, str | None]:
    """(title, company) of the most recent role: a current one first, else the first listed."""
    if not parsed.experience:
        return None, None
    current = [e for e in parsed.experience if e.end_date == "present"]
    role = current[0] if current else parsed.experience[0]
    return role.title, role.company


def _keys(parsed: ParsedResume) -> tuple[str | None, str | None, str | None]:
    """(email, phone, normalized name): what identifies a person across resumes."""
    return (parsed.email.lower() if parsed.email else None, parsed.phone,
            normalize_name(parsed.name))


@dataclass
class _Person:
    """A candidate as duplicate detection sees it: a plain row, not an ORM object (for a chunk
    of resumes the ORM's per-object bookkeeping cost more than the statements)."""

    id: int | None  # None until this chunk inserts them
    name: str | None = None
    normalized_name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    latest_title: str | None = None
    latest_company: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # facts_of(data), kept with the dict it was made from: a chunk judges every arrival
    # against every person so far (64 × 64 / 2 judgements), each person's facts made once
    _facts: tuple[dict[str, Any], Facts] | None = field(default=None, repr=False,
                                                        compare=False)

    @property
    def saved_id(self) -> int:
        """The row id, once `_save` has inserted a new candidate."""
        if self.id is None:
            raise RuntimeError("this candidate has not been saved yet")
        return self.id

    def facts(self) -> Facts:
        """What identifies them (`identity_rules`), from their merged data (`_absorb` puts a
        new dict there, never changes it in place)."""
        if self._facts is None or self._facts[0] is not self.data:
            self._facts = (self.data, facts_of(self.data or {}))
        return self._facts[1]

    def columns(self) -> dict[str, Any]:
        """What the candidates row holds (everything but its id and timestamps)."""
        return {name: getattr(self, name) for name in _COLUMNS}


# as named in candidates
_COLUMNS = tuple(f.name for f in fields(_Person) if f.name not in ("id", "_facts"))


class _People:
    """A recruiter's candidates that a chunk could belong to, growing as the chunk attaches."""

    def __init__(self, rows: Iterable[_Person]) -> None:
        self.rows: list[_Person] = []
        for row in rows:
            self.add(row)

    def add(self, person: _Person) -> None:
        if all(person is not row for row in self.rows):
            self.rows.append(person)

    def find(self, arrival: Arrival) -> tuple[_Person | None, Judgement | None,
                                              list[tuple[_Person, Judgement]]]:
        """The person `arrival` is proven to be (with the proof), and the people it only
        resembles (possible duplicates, with the evidence)."""
        new = facts_of(arrival.json())
        suspects: list[tuple[_Person, Judgement]] = []
        for person in self.rows:
            judgement = judge(person.facts(), new)
            if judgement.verdict == "same":
                return person, judgement, []
            if judgement.verdict == "possible":
                suspects.append((person, judgement))
        return None, None, suspects


def _load_people(session: Session, owner_id: int | None,
                 arrivals: list[Arrival]) -> list[_Person]:
    """Every candidate of `owner_id` sharing an email, phone, name or file with the chunk."""
    emails, phones, names = (set(filter(None, column)) for column in
                             zip(*(_keys(a.parsed) for a in arrivals), strict=True))
    clauses = []
    if emails:
        clauses.append(Candidate.email.in_(sorted(emails)))
    if phones:
        clauses.append(Candidate.phone.in_(sorted(phones)))
    if names:
        clauses.append(Candidate.normalized_name.in_(sorted(names)))
    shas = sorted({a.sha256 for a in arrivals if a.sha256})
    if shas:  # these exact bytes, already attached: the same person whatever they say
        clauses.append(Candidate.id.in_(
            select(Resume.candidate_id).where(Resume.sha256.in_(shas),
                                              Resume.id.not_in([a.resume_id for a in arrivals]),
                                              Resume.candidate_id.is_not(None))))
    if not clauses:
        return []
    table = table_of(Candidate)
    rows = session.execute(select(table.c.id, *(table.c[name] for name in _COLUMNS))
                           .where(table.c.owner_id == owner_id, or_(*clauses))
                           .order_by(table.c.id))
    return [_Person(**row._asdict()) for row in rows]


def find_existing(session: Session, owner_id: int | None,
                  parsed: ParsedResume) -> _Person | None:
    """The candidate of `owner_id` this parsed resume belongs to, if there is one."""
    arrival = Arrival(0, None, parsed)
    return _People(_load_people(session, owner_id, [arrival])).find(arrival)[0]


def _files_held(session: Session, people: list[_Person],
                arrivals: list[Arrival]) -> set[tuple[int, str]]:
    """(candidate id, sha256) of files already attached: the same file again is a duplicate."""
    ids = [p.id for p in people if p.id is not None]
    shas = sorted({a.sha256 for a in arrivals if a.sha256})
    if not ids or not shas:
        return set()
    rows = session.execute(
        select(Resume.candidate_id, Resume.sha256)
        .where(Resume.candidate_id.in_(ids), Resume.sha256.in_(shas),
               Resume.id.not_in([a.resume_id for a in arrivals]))
    )
    return {(cid, sha) for cid, sha in rows if cid is not None and sha}


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Newer wins field by field; empty values never erase known ones."""
    merged = dict(old)
    for key, value in new.items():
        if value not in (None, "", [], {}):
            merged[key] = value
    return merged


def _absorb(person: _Person, arrival: Arrival) -> None:
    """Merge a newer resume into the candidate and refresh the columns searched on."""
    data = _merge(person.data or {}, arrival.json())
    title, company = _latest(arrival.parsed)
    person.data = data
    person.name = data.get("name")
    person.normalized_name = normalize_name(person.name)
    person.email = data["email"].lower() if data.get("email") else None
    person.phone = data.get("phone")
    person.location = data.get("location")
    person.latest_title = title or person.latest_title
    person.latest_company = company or person.latest_company


def attach_all(session: Session, owner_id: int | None,
               arrivals: list[Arrival]) -> list[tuple[int, str]]:
    """Create or update the candidate of each arrival, in order, in the caller's transaction.

    Returns (candidate id, outcome) per arrival; outcome is created, updated, or duplicate
    (these exact bytes were already attached to that candidate).
    """
    if owner_id is not None:
        # Serialise merges per recruiter (a row lock on PostgreSQL, the write lock on SQLite),
        # so two workers parsing the same person at once cannot both create them.
        session.execute(update(Recruiter).where(Recruiter.id == owner_id).values(id=Recruiter.id),
                        execution_options=NO_SYNC)
    existing = _load_people(session, owner_id, arrivals)
    people = _People(existing)
    held: set[tuple[int, str]] = _files_held(session, existing, arrivals)
    held_new: set[tuple[int, str]] = set()  # (id(person), sha) within this chunk
    chosen: list[tuple[_Person, str]] = []
    found: list[tuple[str, _Person, _Person, Judgement, int]] = []  # links, once saved
    by_file = {sha: person for person in existing for cid, sha in held if person.id == cid}
    for arrival in arrivals:
        person: _Person | None
        proof: Judgement | None
        suspects: list[tuple[_Person, Judgement]]
        if arrival.sha256 in by_file:  # these bytes are theirs already: proof enough
            person, proof, suspects = by_file[arrival.sha256], None, []
        else:
            person, proof, suspects = people.find(arrival)
        if person is None:
            person = _Person(id=None)
            outcome = "created"
        elif arrival.sha256 and ((person.id, arrival.sha256) in held
                                 or (id(person), arrival.sha256) in held_new):
            outcome = "duplicate"
        else:
            outcome = "updated"
            if proof is not None:  # remembered with its proof, so it can be split again
                found.append(("merged", person, person, proof, arrival.resume_id))
        _absorb(person, arrival)
        found += [("possible", suspect, person, why, arrival.resume_id)
                  for suspect, why in suspects if suspect is not person]
        people.add(person)
        if arrival.sha256:
            held_new.add((id(person), arrival.sha256))
            by_file.setdefault(arrival.sha256, person)
        chosen.append((person, outcome))
    touched = list({id(p): p for p, _ in chosen}.values())
    _save(session, owner_id, touched)
    _replace_skills(session, touched, {p.id for p in existing if p.id is not None})
    links.record(session, owner_id, [
        links.Found(kind, old.saved_id, new.saved_id, why.evidence(), resume_id)
        for kind, old, new, why, resume_id in found])
    return [(p.saved_id, outcome) for p, outcome in chosen]


def _save(session: Session, owner_id: int | None, people: list[_Person]) -> None:
    """Insert the new candidates (one multi-row INSERT … RETURNING gives their ids, in order)
    and update the others (one UPDATE each, sent together)."""
    table = table_of(Candidate)
    now = utcnow()
    new = [p for p in people if p.id is None]
    known = [p for p in people if p.id is not None]
    if new:
        rows = [{**p.columns(), "owner_id": owner_id, "created_at": now, "updated_at": now}
                for p in new]
        ids = reserve_ids(session, table, len(new))
        if ids is None:  # SQLite: a multi-row INSERT … RETURNING gives the ids
            ids = list(session.connection().execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                rows).scalars().all())
        else:  # PostgreSQL: ids from the sequence, rows by COPY (no statement of 64 rows)
            insert_rows(session, table, [{"id": i, **row} for i, row in zip(ids, rows,
                                                                              strict=True)])
        for person, new_id in zip(new, ids, strict=True):
            person.id = new_id
    if known:
        session.connection().execute(
            update(table).where(table.c.id == bindparam("pid"))
            .values({**{name: bindparam(name) for name in _COLUMNS}, "updated_at": now}),
            [{**p.columns(), "pid": p.id} for p in known])


def _replace_skills(session: Session, candidates: list[_Person], known: set[int]) -> None:
    """Make candidate_skills hold exactly each candidate's merged skills (bulk statements)."""
    have: dict[int, dict[str, tuple[int, str | None]]] = {}
    if known:
        for row_id, cid, skill, category in session.execute(
                select(CandidateSkill.id, CandidateSkill.candidate_id, CandidateSkill.skill,
                       CandidateSkill.category)
                .where(CandidateSkill.candidate_id.in_(sorted(known)))):
            have.setdefault(cid, {})[skill] = (row_id, category)
    stale: list[int] = []
    fresh: list[dict[str, Any]] = []
    for candidate in candidates:
        data = candidate.data or {}
        categories = (data.get("meta") or {}).get("skill_categories") or {}
        wanted = {skill: categories.get(skill) for skill in data.get("skills") or []}
        current = have.get(candidate.saved_id, {})
        stale += [row_id for skill, (row_id, _) in current.items() if skill not in wanted]
        for skill, category in wanted.items():
            if skill not in current:
                fresh.append({"candidate_id": candidate.saved_id, "skill": skill,
                              "category": category})
            elif current[skill][1] != category:
                session.execute(update(CandidateSkill)
                                .where(CandidateSkill.id == current[skill][0])
                                .values(category=category), execution_options=NO_SYNC)
    if stale:
        session.execute(delete(CandidateSkill).where(CandidateSkill.id.in_(stale)),
                        execution_options=NO_SYNC)
    if fresh:
        insert_rows(session, table_of(CandidateSkill), fresh)


def rebuild(session: Session, owner_id: int | None, candidate_id: int | None,
            arrivals: list[Arrival]) -> int:
    """Make a candidate hold exactly what its resumes say, oldest first (newer wins field by
    field): after a merge, a split or a re-parse. `candidate_id` None makes a new candidate;
    returns its id."""
    person = _Person(id=candidate_id)
    for arrival in arrivals:
        _absorb(person, arrival)
    _save(session, owner_id, [person])
    _replace_skills(session, [person], {candidate_id} if candidate_id is not None else set())
    return person.saved_id


def resemblance(session: Session, owner_id: int | None, arrival: Arrival,
                exclude: int) -> tuple[int | None, Judgement | None, list[tuple[int, Judgement]]]:
    """Against the owner's candidates other than `exclude`: the one `arrival` is proven to be
    (with the proof), and those it only resembles (after a re-parse of `exclude`'s resume)."""
    people = _People(p for p in _load_people(session, owner_id, [arrival]) if p.id != exclude)
    person, proof, suspects = people.find(arrival)
    return (person.saved_id if person else None, proof,
            [(suspect.saved_id, why) for suspect, why in suspects])
