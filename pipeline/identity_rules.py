"""When two resumes are one person: the proof a merge needs, and what is only a suspicion.

A merge needs the same email, or the same phone, or a confident name (the parser was sure of
it, and it is shaped like a person's name, not a heading, skill or title) plus at least two
agreeing facts: the same latest employer (not a placeholder such as "Company Name"), the same
latest title, a role with the same start date, the same location, the same school. Anything
weaker that still points at one person (a confident name alone, a doubtful name with a fact)
is a *possible duplicate*, left for a recruiter to decide. Pure functions over the parser's
JSON (`ParsedResume` dumps and merged candidate data), so they are tested without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pipeline.parser.lines import fold
from pipeline.parser.names import name_shape

# the parser's name confidence from which a name may count as proof (with two facts)
CONFIDENT_NAME = 0.8
FACTS_NEEDED = 2
# words of the anonymised values résumé sets and templates print instead of the real one
_PLACEHOLDER_WORDS = {
    "company", "name", "city", "state", "country", "university", "college", "school",
    "institution", "employer", "organization", "organisation", "confidential", "client",
    "various", "self", "employed", "freelance", "n", "a", "na", "none", "the", "inc", "ltd",
    "location", "address", "zip", "xyz", "abc", "your",
}

Verdict = Literal["same", "possible", "different"]


def words(value: object) -> tuple[str, ...]:
    """A value's words, folded (case, accents) and sorted: word order is not identity."""
    if not isinstance(value, str):
        return ()
    return tuple(sorted(re.findall(r"[^\W_]+", fold(value))))


def key(value: object) -> str | None:
    """A comparable form of a company, title, place or school; None for a placeholder.

    Digits and one- or two-letter pieces do not count ("Company Name ï¼ City" read from a
    PDF's full-width comma is still the placeholder)."""
    found = [w for w in words(value) if len(w) > 2 and not w.isdigit()]
    if not found or all(w in _PLACEHOLDER_WORDS for w in found):
        return None
    return " ".join(found)


@dataclass(frozen=True)
class Facts:
    """What identifies a person in one parse (or one candidate's merged data)."""

    email: str | None
    phone: str | None
    name: str | None  # normalized (folded, sorted words)
    name_confident: bool
    name_plausible: bool  # shaped like a person's name (confident or not)
    company: str | None
    title: str | None
    starts: frozenset[str]  # start dates of roles ("YYYY-MM" / "YYYY")
    location: str | None
    schools: frozenset[str]


def _latest_role(experience: list[dict[str, Any]]) -> dict[str, Any]:
    """The most recent role: a current one first, else the first listed (as candidates.py)."""
    current = [e for e in experience if e.get("end_date") == "present"]
    return (current or experience or [{}])[0]


def _own_title_or_skill(name: str, experience: list[dict[str, Any]],
                        skills: list[Any]) -> bool:
    """A "name" that is one of the resume's own job titles or skills ("PATIENT ADVOCATE"
    heading a patient advocate's resume) is not the person's name."""
    mine = set(words(name))
    others = [e.get("title") for e in experience] + list(skills)
    return any(mine == set(words(other)) for other in others if isinstance(other, str))


def facts_of(data: dict[str, Any]) -> Facts:
    """The identifying facts of a parsed resume or a candidate's data (JSON)."""
    name = data.get("name") if isinstance(data.get("name"), str) else None
    meta = data.get("meta") or {}
    confidence = float((meta.get("confidence") or {}).get("name") or 0.0)
    experience = [e for e in data.get("experience") or [] if isinstance(e, dict)]
    shaped = bool(name) and name_shape(str(name)) and not _own_title_or_skill(
        str(name), experience, data.get("skills") or [])
    role = _latest_role(experience)
    schools = {k for e in data.get("education") or [] if isinstance(e, dict)
               if (k := key(e.get("institution")))}
    email = data.get("email")
    return Facts(
        email=email.lower() if isinstance(email, str) and email else None,
        phone=data.get("phone") or None,
        name=" ".join(words(name)) or None,
        name_confident=shaped and confidence >= CONFIDENT_NAME,
        name_plausible=shaped,
        company=key(role.get("company")),
        title=key(role.get("title")),
        starts=frozenset(str(e["start_date"]) for e in experience if e.get("start_date")),
        location=key(data.get("location")),
        schools=frozenset(schools),
    )


@dataclass(frozen=True)
class Judgement:
    """Whether two records are one person, and the evidence a recruiter is shown."""

    verdict: Verdict
    same: tuple[str, ...] = ()  # what agrees: email, phone, name, company, title, …
    differs: tuple[str, ...] = ()  # contact details both have and that differ
    details: dict[str, str] = field(default_factory=dict)  # fact -> the shared value

    def evidence(self) -> dict[str, Any]:
        """The JSON stored with a link (values of employer, title, place, school only)."""
        return {"same": list(self.same), "differs": list(self.differs),
                "values": dict(self.details)}


_NOTHING = Judgement("different")


def agreeing_facts(a: Facts, b: Facts) -> dict[str, str]:
    """The facts besides contact and name on which `a` and `b` agree, with their values."""
    found: dict[str, str] = {}
    if a.company and a.company == b.company:
        found["company"] = a.company
    if a.title and a.title == b.title:
        found["title"] = a.title
    shared_starts = sorted(a.starts & b.starts)
    if shared_starts:
        found["role dates"] = shared_starts[0]
    if a.location and a.location == b.location:
        found["location"] = a.location
    schools = sorted(a.schools & b.schools)
    if schools:
        found["education"] = schools[0]
    return found


def judge(old: Facts, new: Facts) -> Judgement:
    """Whether `new` is the person of `old` ("same"), might be ("possible"), or not."""
    if old.email and old.email == new.email:
        return Judgement("same", ("email",))
    if old.phone and old.phone == new.phone:
        return Judgement("same", ("phone",))
    if not (old.name and old.name == new.name and old.name_plausible and new.name_plausible):
        return _NOTHING  # a missing name, or a heading/skill read as one, proves nothing
    facts = agreeing_facts(old, new)
    differs = tuple(kind for kind, x, y in (("email", old.email, new.email),
                                            ("phone", old.phone, new.phone)) if x and y)
    same = ("name", *facts)
    if old.name_confident and new.name_confident and len(facts) >= FACTS_NEEDED \
            and not differs:
        return Judgement("same", same, (), facts)
    if (old.name_confident and new.name_confident) or facts:
        return Judgement("possible", same, differs, facts)
    return _NOTHING

