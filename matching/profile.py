"""What matching reads about a candidate, computed once per parse from the merged resume.

Years of experience come from the experience dates with overlapping roles merged (two jobs
at once are not two years per year). Each skill gets the last year it was used in a role and
the months of the roles it appears in (its depth), so long and recent use can weigh more than
a line in an old job. Titles and skills are kept as separate fields for field-weighted text
scoring, and the titles name O*NET occupations. Pure functions; no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matching.analysis import seniority_of, spell_out, title_words
from matching.occupation import occupation_of
from matching.text import term_counts
from pipeline.parser.skills import find_skills

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
TITLE_WORDS = 8  # role words of the latest title kept (a title longer than this is prose)


@dataclass
class Profile:
    titles: list[str] = field(default_factory=list)  # most recent first
    years: float | None = None
    skills: dict[str, int | None] = field(default_factory=dict)  # skill -> last year used
    location: str | None = None
    doc: str = ""
    # field -> stem -> count, for the fields that weigh more than the body ("title", "skill")
    fields: dict[str, dict[str, int]] = field(default_factory=dict)
    # "depth": skill -> [months used in roles, last year used or None]; "occupations": O*NET
    # codes of the titles, latest first; "level": seniority the latest title names;
    # "title_words": the latest title's role words (stems), counted in `skill_occupations`
    evidence: dict[str, Any] = field(default_factory=dict)


def month_index(value: str | None, *, today: date, end: bool) -> int | None:
    """Months since year 0 for "YYYY-MM", "YYYY" or "present"; None when unknown.

    A year alone is taken as mid-year, so "2015 – 2017" counts two years, not three.
    """
    if value is None:
        return None
    if value == "present":
        return today.year * 12 + today.month - 1
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month = int(match.group(1)), match.group(2)
    if month is None:
        return year * 12 + 6
    return year * 12 + int(month) - 1 + (1 if end else 0)


def years_of_experience(experience: list[dict[str, Any]], *, today: date) -> float | None:
    """Total years covered by the dated roles, overlaps merged; None when no role is dated."""
    spans = []
    for role in experience:
        start = month_index(role.get("start_date"), today=today, end=False)
        stop = month_index(role.get("end_date"), today=today, end=True)
        if start is None or stop is None or stop <= start:
            continue
        spans.append((start, min(stop, today.year * 12 + today.month)))
    if not spans:
        return None
    spans.sort()
    total, (cur_start, cur_stop) = 0, spans[0]
    for start, stop in spans[1:]:
        if start <= cur_stop:
            cur_stop = max(cur_stop, stop)
        else:
            total += cur_stop - cur_start
            cur_start, cur_stop = start, stop
    total += cur_stop - cur_start
    return round(total / 12, 1)


def _end_year(role: dict[str, Any], today: date) -> int | None:
    end = role.get("end_date")
    if end == "present":
        return today.year
    match = _DATE.match(str(end or "").strip())
    return int(match.group(1)) if match else None


def role_months(role: dict[str, Any], today: date) -> int:
    """Months a dated role lasted (0 when its dates are unknown)."""
    start = month_index(role.get("start_date"), today=today, end=False)
    stop = month_index(role.get("end_date"), today=today, end=True)
    if start is None or stop is None or stop <= start:
        return 0
    return min(stop, today.year * 12 + today.month) - start


def _by_recency(experience: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    def key(role: dict[str, Any]) -> int:
        return month_index(role.get("end_date") or role.get("start_date"), today=today,
                           end=True) or 0
    return sorted(experience, key=key, reverse=True)


def build_profile(data: dict[str, Any], skills: list[str], *, latest_title: str | None,
                  location: str | None, today: date | None = None) -> Profile:
    """A candidate's matching profile from the merged `ParsedResume` JSON and its skills."""
    today = today or date.today()
    experience = [r for r in data.get("experience") or [] if isinstance(r, dict)]
    roles = _by_recency(experience, today)
    titles = [t for t in [latest_title, *(r.get("title") for r in roles)] if t]
    last_used: dict[str, int | None] = {s: None for s in skills}
    months: dict[str, int] = {s: 0 for s in skills}
    for role in roles:
        year = _end_year(role, today)
        length = role_months(role, today)
        text = f"{role.get('title') or ''}\n{role.get('description') or ''}"
        for name in dict.fromkeys(name for name, _ in find_skills(text)):
            previous = last_used.get(name)
            if year is not None and (previous is None or year > previous):
                last_used[name] = year
            elif name not in last_used:
                last_used[name] = None
            months[name] = months.get(name, 0) + length
    distinct = list(dict.fromkeys(titles))
    occupations = [found[0] for found in (occupation_of(t) for t in distinct[:4]) if found]
    parts = [data.get("summary") or ""]
    for role in roles:
        parts += [role.get("title") or "", role.get("description") or ""]
    parts += [", ".join(skills), ", ".join(data.get("certifications") or [])]
    parts += [e.get("degree") or "" for e in data.get("education") or [] if isinstance(e, dict)]
    return Profile(
        titles=distinct,
        years=years_of_experience(experience, today=today),
        skills=last_used, location=location, doc="\n".join(p for p in parts if p),
        fields={"title": dict(term_counts(spell_out("\n".join(distinct[:6])))),
                "skill": dict(term_counts("\n".join(last_used)))},
        evidence={"depth": {s: [min(months.get(s, 0), 600), last_used[s]] for s in last_used},
                  "occupations": list(dict.fromkeys(occupations)),
                  "level": seniority_of(distinct[0]) if distinct else None,
                  "title_words": title_words(distinct[0])[:TITLE_WORDS] if distinct else []},
    )
