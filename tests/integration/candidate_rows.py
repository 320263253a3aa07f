"""Candidates written straight into the database, with their parsed data and skills, for
ranking tests that need exact control over titles, roles and dates (no parse in between)."""

from __future__ import annotations

from typing import Any

from storage.models import Candidate, CandidateSkill

Role = tuple[str, str, str]  # start date, end date, description


def add_candidate(session: Any, name: str, roles: list[Role], *, title: str,
                  skills: list[str]) -> int:
    """A candidate whose every role carries `title` at Acme; returns its id."""
    data = {"name": name, "summary": f"{title}.", "skills": skills, "experience": [
        {"title": title, "company": "Acme", "start_date": s, "end_date": e,
         "description": d} for s, e, d in roles]}
    cand = Candidate(name=name, latest_title=title, data=data)
    session.add(cand)
    session.flush()
    session.add_all(CandidateSkill(candidate_id=cand.id, skill=s) for s in skills)
    session.flush()
    return int(cand.id)
