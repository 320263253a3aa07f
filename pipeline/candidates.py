"""Duplicate detection: a parsed resume attaches to the person it belongs to, or makes one.

Same email, or same phone, or same normalized name plus one of email/phone/latest company,
within one recruiter's candidates (a recruiter only ever sees their own imports). The newer
resume's data wins field by field; what it lacks is kept from before.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from pipeline.models import ParsedResume
from storage.models import Candidate, CandidateSkill, Recruiter, Resume, utcnow


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


def _same_company(a: str | None, b: str | None) -> bool:
    return bool(a and b and normalize_name(a) == normalize_name(b))


def find_existing(
    session: Session, owner_id: int | None, parsed: ParsedResume
) -> Candidate | None:
    email = parsed.email.lower() if parsed.email else None
    phone = parsed.phone
    norm = normalize_name(parsed.name)
    clauses = []
    if email:
        clauses.append(Candidate.email == email)
    if phone:
        clauses.append(Candidate.phone == phone)
    if norm:
        clauses.append(Candidate.normalized_name == norm)
    if not clauses:
        return None
    rows = session.scalars(
        select(Candidate)
        .where(Candidate.owner_id == owner_id, or_(*clauses))
        .order_by(Candidate.id)
    ).all()
    _, company = _latest(parsed)
    for candidate in rows:
        if (email and candidate.email == email) or (phone and candidate.phone == phone):
            return candidate
    for candidate in rows:  # same name: needs one more thing in common
        if candidate.normalized_name == norm and _same_company(candidate.latest_company, company):
            return candidate
    return None


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Newer wins field by field; empty values never erase known ones."""
    merged = dict(old)
    for key, value in new.items():
        if value not in (None, "", [], {}):
            merged[key] = value
    return merged


def attach(session: Session, resume: Resume, owner_id: int | None,
           parsed: ParsedResume) -> tuple[Candidate, str]:
    """Create or update the candidate for `resume`; returns it and created/updated/duplicate."""
    if owner_id is not None:
        # Serialise merges per recruiter (a row lock on PostgreSQL, the write lock on SQLite),
        # so two workers parsing the same person at once cannot both create them.
        session.execute(update(Recruiter).where(Recruiter.id == owner_id).values(id=Recruiter.id))
    candidate = find_existing(session, owner_id, parsed)
    data = parsed.model_dump(mode="json")
    title, company = _latest(parsed)
    if candidate is None:
        candidate = Candidate(owner_id=owner_id, data={})
        session.add(candidate)
        outcome = "created"
    else:
        same_bytes = session.scalar(
            select(Resume.id).where(Resume.candidate_id == candidate.id,
                                    Resume.sha256 == resume.sha256, Resume.id != resume.id)
        )
        outcome = "duplicate" if same_bytes else "updated"
    candidate.data = _merge(candidate.data or {}, data)
    merged = ParsedResume.model_validate(candidate.data)
    candidate.name = merged.name
    candidate.normalized_name = normalize_name(merged.name)
    candidate.email = merged.email.lower() if merged.email else None
    candidate.phone = merged.phone
    candidate.location = merged.location
    candidate.latest_title = title or candidate.latest_title
    candidate.latest_company = company or candidate.latest_company
    candidate.updated_at = utcnow()
    session.flush()
    resume.candidate_id = candidate.id
    _replace_skills(session, candidate, merged)
    return candidate, outcome


def _replace_skills(session: Session, candidate: Candidate, parsed: ParsedResume) -> None:
    categories = parsed.meta.skill_categories
    wanted = {skill: categories.get(skill) for skill in parsed.skills}
    existing = {s.skill: s for s in candidate.skills}
    for skill, row in existing.items():
        if skill not in wanted:
            session.delete(row)
    for skill, category in wanted.items():
        if skill in existing:
            existing[skill].category = category
        else:
            session.add(CandidateSkill(candidate_id=candidate.id, skill=skill, category=category))
