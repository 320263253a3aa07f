"""Word lists that tell a job title from a company, a degree from a school.

Kept in one place because several stages ask the same questions (is this piece a title? an
organisation? a degree?) and must answer them the same way.
"""

from __future__ import annotations

import re

from pipeline.parser import vocab_i18n

TITLE_WORDS = {
    "engineer", "developer", "manager", "analyst", "consultant", "specialist", "coordinator",
    "executive", "lead", "director", "intern", "associate", "architect", "officer",
    "administrator", "admin", "technician", "representative", "assistant", "accountant",
    "designer", "scientist", "programmer", "tester", "president", "vp", "head", "supervisor",
    "advisor", "adviser", "auditor", "clerk", "cashier", "teacher", "professor", "lecturer",
    "researcher", "nurse", "physician", "attorney", "lawyer", "paralegal", "agent", "owner",
    "founder", "cofounder", "co-founder", "ceo", "cto", "cfo", "coo", "partner", "principal",
    "trainee", "apprentice", "fellow", "member", "operator", "writer", "editor", "producer",
    "marketer", "strategist", "planner", "buyer", "recruiter", "sales", "salesperson",
    "receptionist", "secretary", "bookkeeper", "controller", "chef", "cook", "driver",
    "mechanic", "electrician", "therapist", "pharmacist", "instructor", "tutor", "trainer",
    "mentor", "volunteer", "contractor", "freelancer", "freelance", "sde", "swe", "qa",
    "devops", "sre", "staff", "senior", "sr", "junior", "jr", "chief", "dba", "investigator",
    "inspector", "surveyor", "counselor", "counsellor", "worker", "expert", "leader",
    "superintendent", "foreman", "handler", "estimator", "underwriter", "teller", "banker",
    "broker", "economist", "statistician", "librarian", "photographer", "artist", "merchandiser",
}
ORG_WORDS = {
    "inc", "llc", "ltd", "limited", "corp", "corporation", "company", "co", "plc", "gmbh",
    "pvt", "private", "technologies", "technology", "solutions", "services", "systems",
    "group", "holdings", "bank", "labs", "consulting", "partners", "associates",
    "enterprises", "industries", "international", "global", "software", "infotech", "infosys",
    "networks", "communications", "financial", "foundation", "agency", "studio", "studios",
    "hospital", "clinic", "institute", "university", "college", "school", "academy",
    "department", "ministry", "council", "authority", "bureau", "firm", "llp", "s.a.",
    "ag", "bv", "pty", "media", "motors", "pharma", "pharmaceuticals", "healthcare", "energy",
    "entertainment", "management", "capital", "insurance", "retail", "store", "stores",
    "restaurant", "hotel", "airlines", "logistics", "manufacturing",
}
INSTITUTION_WORDS = {
    "university", "college", "institute", "school", "academy", "polytechnic", "vidyalaya",
    "vidyapeeth", "vidyapith", "iit", "nit", "iiit", "iim", "universidad", "université",
    "universität", "hochschule", "conservatory", "seminary", "mahavidyalaya", "campus",
    "faculty", "board",
}
DEGREE_RE = re.compile(
    r"\b(?:bachelor'?s?|master'?s?|doctor(?:ate)? of|ph\.?\s?d|m\.?b\.?a\b|b\.?\s?tech|"
    r"m\.?\s?tech|b\.?\s?sc\b|m\.?\s?sc\b|b\.?\s?com\b|m\.?\s?com\b|bca|mca|bba|llb|llm|"
    r"associate'?s? (?:degree|of)|diploma|certificate in|high school|ged|a-levels?|gcse|"
    r"matriculation|higher secondary|senior secondary|post ?graduate|pgdm|pgdbm|"
    r"undergraduate|bachelors|masters|engineering degree|12th|10th|class\s+(?:x|xii)\b)",
    re.I,
)
# short degree abbreviations only count in capitals ("BE", "B.S.", "MS") to spare ordinary words
DEGREE_ABBR_RE = re.compile(
    r"(?<![\w.])(?:B\.?\s?E|M\.?\s?E|B\.?\s?A|M\.?\s?A|B\.?\s?S|M\.?\s?S|A\.?\s?A|A\.?\s?S|"
    r"BSc|MSc|BTech|MTech|BEng|MEng|MD|PhD|HSC|SSC|SSLC|PUC|XII|AAS|BFA|MFA|JD|EdD)\.?(?![\w])"
)
NOT_NAME_WORDS = {
    "resume", "curriculum", "vitae", "cv", "profile", "summary", "objective", "contact",
    "experience", "education", "skills", "references", "page", "phone", "email", "address",
    "mobile", "linkedin", "github", "portfolio", "declaration", "details",
    "information", "personal", "professional", "career", "work", "history", "projects",
    "certifications", "languages", "interests", "hobbies", "india", "usa", "present",
    "current", "available", "upon", "request", "full", "time", "logo", "the", "and", "of",
    "for", "in", "at", "to", "with", "technical", "key", "core", "areas",
}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z][a-z\-]*", text.lower()))


# a compound ending in a title word is a title too: "Physiotherapist", "Webdeveloper",
# "Projektmanager" (long endings only: "lead" would find "unleaded")
_LONG_TITLES = "|".join(sorted((w for w in TITLE_WORDS if len(w) >= 6), key=len, reverse=True))
_TITLE_ENDINGS = re.compile(rf"[a-z]{{3,}}(?:{_LONG_TITLES})$")


def has_title_word(text: str) -> bool:
    words = _words(text)
    return bool(words & TITLE_WORDS) or any(_TITLE_ENDINGS.match(w) for w in words) \
        or vocab_i18n.has_title_word(text)


def has_org_word(text: str) -> bool:
    return bool(_words(text) & ORG_WORDS) or bool(re.search(r"\b(?:Inc|Ltd|LLC|Corp)\b", text)) \
        or vocab_i18n.has_org_word(text)


def has_institution_word(text: str) -> bool:
    return bool(_words(text) & INSTITUTION_WORDS) or vocab_i18n.has_institution_word(text)


def has_degree_word(text: str) -> bool:
    undotted = re.sub(r"(?<=[A-Z])\.(?=[A-Z])", "", text)
    return bool(DEGREE_RE.search(text) or DEGREE_ABBR_RE.search(undotted)) \
        or vocab_i18n.has_degree_word(text)


def starts_with_institution_word(text: str) -> bool:
    """'College (Anna University)' — the tail of a name wrapped from the line above."""
    words = re.findall(r"[a-z]+", text.lower())
    return bool(words) and words[0] in INSTITUTION_WORDS and not re.match(
        r"(?i)^\s*\w+\s+of\b", text)
