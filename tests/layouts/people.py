"""Seeded synthetic people for the layout-invariance suite, with their ground truth.

`people(n, seed)` always returns the same people for the same arguments. A `Person` holds what
is printed (phone in its local format, bullets, summary) and `truth()` gives the subset the
shared scorer checks (see shared/bench/score_parse.py), so every layout of one person is scored
against one and the same truth.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from tests.layouts.pools import COUNTRIES, DEGREES, INDUSTRIES, SCHOOLS, SUMMARIES, Country

LAST_YEAR = 2025


@dataclass(frozen=True)
class Role:
    """One job; `start`/`end` are schema dates ("YYYY-MM", "YYYY", "present") or None."""

    title: str
    company: str
    start: str | None
    end: str | None
    bullets: tuple[str, ...]


@dataclass(frozen=True)
class School:
    degree: str
    institution: str
    year: str | None


@dataclass(frozen=True)
class Person:
    """One invented candidate; `key` is a stable file-name stem, `region` the phone's country."""

    key: str
    region: str
    name: str
    email: str
    phone: str
    location: str
    summary: str
    roles: tuple[Role, ...]
    schools: tuple[School, ...]
    skills: tuple[str, ...]

    def truth(self) -> dict[str, Any]:
        """The person in the scorer's truth format (unknown dates are left out)."""
        def dated(d: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in d.items() if v is not None}
        return {
            "name": self.name, "email": self.email, "phone": self.phone,
            "location": self.location,
            "experience": [dated({"title": r.title, "company": r.company,
                                  "start_date": r.start, "end_date": r.end})
                           for r in self.roles],
            "education": [dated({"degree": s.degree, "institution": s.institution,
                                 "graduation_date": s.year}) for s in self.schools],
            "skills": list(self.skills),
        }


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L")
                                   .replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
                                   .replace("ı", "i").replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c in " -.'")).lower()


def _name(rng: random.Random, country: Country) -> tuple[str, str]:
    """(printed name, e-mail handle): plain, middle initial, initials only, or native script."""
    if country.native:
        return rng.choice(country.native)
    given, family = rng.choice(country.given), rng.choice(country.family)
    style = rng.random()
    if style < 0.12:
        initials = f"{given[0]}. {rng.choice('ABCDEJKLMRST')}."
        name = f"{initials} {family}"
    elif style < 0.3:
        name = f"{given} {rng.choice('ABCDEJKLMRST')}. {family}"
    else:
        name = f"{given} {family}"
    handle = f"{_ascii(given).split()[0]}.{_ascii(family).replace(' ', '').replace(chr(39), '')}"
    return name, handle.replace("--", "-")


def _phone(rng: random.Random, country: Country) -> str:
    return "".join(str(rng.randint(0, 9)) if c == "#" else c for c in rng.choice(country.phones))


def _roles(rng: random.Random, industry: str) -> tuple[Role, ...]:
    """1-6 roles, newest first: open current role, year-only and undated roles mixed in."""
    titles, companies, _, bullets = INDUSTRIES[industry]
    count = min(len(companies), rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)))
    year, month = LAST_YEAR - rng.randint(0, 2), rng.randint(1, 12)
    out: list[Role] = []
    used: set[str] = set()
    for i in range(count):
        months = rng.randint(8, 50)
        start_m = year * 12 + month - 1 - months
        sy, sm = divmod(start_m, 12)
        precision = rng.random()
        open_ended = i == 0 and rng.random() < 0.7
        end: str | None = "present" if open_ended else f"{year}-{month:02d}"
        start: str | None = f"{sy}-{sm + 1:02d}"
        if precision < 0.2:  # printed as years only
            start, end = str(sy), (end if end == "present" else str(year))
        elif precision < 0.28 and i > 0:  # no dates printed at all
            start = end = None
        company = rng.choice([c for c in companies if c not in used])
        used.add(company)
        out.append(Role(rng.choice(titles), company, start, end,
                        tuple(rng.sample(bullets, rng.randint(1, 2)))))
        gap = rng.randint(0, 4)
        year, month = divmod(start_m - gap, 12)
        month += 1
    return tuple(out)


def _schools(rng: random.Random, first_job_year: int) -> tuple[School, ...]:
    picks = rng.sample(range(len(DEGREES)), rng.choice((1, 1, 2)))
    year = first_job_year
    out = []
    for i, k in enumerate(picks):
        printed = str(year) if rng.random() < 0.85 else None
        out.append(School(DEGREES[k], rng.choice(SCHOOLS), printed))
        year -= 2 if i == 0 else 0
    return tuple(sorted(out, key=lambda s: s.year or "", reverse=True))


def person(index: int, seed: int = 0) -> Person:
    """The index-th person of a seeded population (countries taken in turn, then at random)."""
    rng = random.Random(f"{seed}:{index}")
    country = COUNTRIES[index % len(COUNTRIES)] if index < len(COUNTRIES) else rng.choice(
        COUNTRIES)
    industry = rng.choice(sorted(INDUSTRIES))
    name, handle = _name(rng, country)
    roles = _roles(rng, industry)
    first = min((int(r.start[:4]) for r in roles if r.start), default=LAST_YEAR - 3)
    pool = INDUSTRIES[industry][2]
    skills = tuple(rng.sample(pool, min(len(pool), rng.randint(3, 6))))
    domain = rng.choice(("example.com", "example.org", "example.net",
                         f"mail.example.{country.tld}"))
    return Person(
        key=f"p{index:03d}-{_ascii(handle).replace('.', '-')}", region=country.region,
        name=name, email=f"{handle}@{domain}", phone=_phone(rng, country),
        location=rng.choice(country.cities), summary=rng.choice(SUMMARIES), roles=roles,
        schools=_schools(rng, first), skills=skills)


def people(n: int = 40, seed: int = 0) -> list[Person]:
    """The first n people of the population for this seed."""
    return [person(i, seed) for i in range(n)]
