"""Duplicate detection: parsed resumes attach to the people they belong to, or make new ones.

Same email, or same phone, or same normalized name plus the same latest company, within one
recruiter's candidates (a recruiter only ever sees their own imports). The newer resume's data
wins field by field; what it lacks is kept from before.

A worker attaches a whole chunk of resumes at once (`attach_all`): one query finds every
existing candidate the chunk could belong to, the matching happens in Python, and skills are
written in bulk. Two resumes of one person in the same chunk attach to one candidate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from pipeline.models import ParsedResume
from storage.models import Candidate, CandidateSkill, Recruiter, Resume, table_of, utcnow

# these bulk statements touch no object loaded in the session: no identity-map search
NO_SYNC = {"synchronize_session": False}


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


class _People:
    """A recruiter's candidates that a chunk could belong to, growing as the chunk attaches."""

    def __init__(self, rows: Iterable[Candidate]) -> None:
        self.rows: list[Candidate] = []
        for row in rows:
            self.add(row)

    def add(self, candidate: Candidate) -> None:
        if candidate not in self.rows:
            self.rows.append(candidate)

    def find(self, parsed: ParsedResume) -> Candidate | None:
        email, phone, norm = _keys(parsed)
        for candidate in self.rows:  # email or phone alone identify a person
            if (email and candidate.email == email) or (phone and candidate.phone == phone):
                return candidate
        _, company = _latest(parsed)
        for candidate in self.rows:  # same name: needs one more thing in common
            if norm and candidate.normalized_name == norm and _same_company(
                    candidate.latest_company, company):
                return candidate
        return None


def _same_company(a: str | None, b: str | None) -> bool:
    return bool(a and b and normalize_name(a) == normalize_name(b))


def _load_people(session: Session, owner_id: int | None,
                 arrivals: list[Arrival]) -> list[Candidate]:
    """Every candidate of `owner_id` sharing an email, phone or name with the chunk."""
    emails, phones, names = (set(filter(None, column)) for column in
                             zip(*(_keys(a.parsed) for a in arrivals), strict=True))
    clauses = []
    if emails:
        clauses.append(Candidate.email.in_(sorted(emails)))
    if phones:
        clauses.append(Candidate.phone.in_(sorted(phones)))
    if names:
        clauses.append(Candidate.normalized_name.in_(sorted(names)))
    if not clauses:
        return []
    return list(session.scalars(
        select(Candidate).where(Candidate.owner_id == owner_id, or_(*clauses))
        .order_by(Candidate.id)
    ))


def find_existing(session: Session, owner_id: int | None,
                  parsed: ParsedResume) -> Candidate | None:
    """The candidate of `owner_id` this parsed resume belongs to, if there is one."""
    return _People(_load_people(session, owner_id, [Arrival(0, None, parsed)])).find(parsed)


def _files_held(session: Session, people: list[Candidate],
                arrivals: list[Arrival]) -> set[tuple[int, str]]:
    """(candidate id, sha256) of files already attached: the same file again is a duplicate."""
    ids = [c.id for c in people]
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


def _absorb(candidate: Candidate, arrival: Arrival) -> None:
    """Merge a newer resume into the candidate and refresh the columns searched on."""
    data = _merge(candidate.data or {}, arrival.json())
    title, company = _latest(arrival.parsed)
    candidate.data = data
    candidate.name = data.get("name")
    candidate.normalized_name = normalize_name(candidate.name)
    candidate.email = data["email"].lower() if data.get("email") else None
    candidate.phone = data.get("phone")
    candidate.location = data.get("location")
    candidate.latest_title = title or candidate.latest_title
    candidate.latest_company = company or candidate.latest_company
    candidate.updated_at = utcnow()


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
    held_new: set[tuple[int, str]] = set()  # (id(candidate), sha) within this chunk
    chosen: list[tuple[Candidate, str]] = []
    for arrival in arrivals:
        candidate = people.find(arrival.parsed)
        if candidate is None:
            candidate = Candidate(owner_id=owner_id, data={})
            session.add(candidate)
            outcome = "created"
        elif arrival.sha256 and ((candidate.id, arrival.sha256) in held
                                 or (id(candidate), arrival.sha256) in held_new):
            outcome = "duplicate"
        else:
            outcome = "updated"
        _absorb(candidate, arrival)
        people.add(candidate)
        if arrival.sha256:
            held_new.add((id(candidate), arrival.sha256))
        chosen.append((candidate, outcome))
    session.flush()  # new candidates get their ids (one multi-row INSERT)
    touched = list(dict.fromkeys(c for c, _ in chosen))
    _replace_skills(session, touched, {c.id for c in existing})
    return [(c.id, outcome) for c, outcome in chosen]


def _replace_skills(session: Session, candidates: list[Candidate], known: set[int]) -> None:
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
        current = have.get(candidate.id, {})
        stale += [row_id for skill, (row_id, _) in current.items() if skill not in wanted]
        for skill, category in wanted.items():
            if skill not in current:
                fresh.append({"candidate_id": candidate.id, "skill": skill,
                              "category": category})
            elif current[skill][1] != category:
                session.execute(update(CandidateSkill)
                                .where(CandidateSkill.id == current[skill][0])
                                .values(category=category), execution_options=NO_SYNC)
    if stale:
        session.execute(delete(CandidateSkill).where(CandidateSkill.id.in_(stale)),
                        execution_options=NO_SYNC)
    if fresh:
        session.connection().execute(insert(table_of(CandidateSkill)), fresh)
