"""Read a job description once, when it is saved: what it requires, what it would like, for whom.

Required and nice-to-have skills are canonical names from the parser's taxonomy, sorted by the
section or line they appear in ("Requirements", "Must have", "Nice to have", "… is a plus");
skills in the duties count as required when the requirements name fewer than three.
Also: minimum years ("5+ years of experience"), seniority from the title, the title's O*NET
occupation, location/remote, and the description's word counts for text relevance. Pure
functions; no database.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, Field

from matching.occupation import occupation_of
from matching.text import stem, term_counts, words
from pipeline.parser.skills import find_skills, skill_info

ANALYSIS_VERSION = 4  # 2: the O*NET occupation of the title; 3: a skill list read as a list;
# 4: duties count as requirements when those name fewer than `THIN_REQUIREMENTS` skills

_NICE = re.compile(
    r"\b(nice[- ]to[- ]haves?|preferred|preferably|bonus|a plus|is a plus|are a plus|plus if|"
    r"desirable|good to have|would be great|ideally|not required|optional)\b", re.I)
_REQUIRED = re.compile(
    r"\b(requirements?|required|must[- ]haves?|must|minimum qualifications|basic qualifications|"
    r"qualifications|what you need|what you'll need|what we're looking for|you have|"
    r"essential|mandatory|we expect)\b", re.I)
_NEUTRAL = re.compile(
    r"\b(responsibilities|what you'?ll do|the role|about (us|the job|the role|the company)|"
    r"benefits|perks|we offer|why join|duties|overview|description|who we are)\b", re.I)
_YEARS = re.compile(
    r"(?:at least|minimum(?: of)?|over|more than)?\s*(\d{1,2})\s*(?:\+|plus)?\s*"
    r"(?:(?:-|–|to)\s*\d{1,2}\s*\+?\s*)?(?:years?|yrs?)['’]?\s+(?:of\s+)?"
    r"(?:[\w/&,+-]+\s+){0,5}?(?:experience|exp\b)", re.I)
_REMOTE = re.compile(r"\b(fully remote|remote[- ]first|100% remote|remote (role|position|job|"
                     r"work|friendly|ok)|work from home|wfh|anywhere)\b", re.I)
_ONSITE = re.compile(r"\b(on-?site|in[- ]office|in the office)\b", re.I)

# Fewer skills than this in a job's requirements leave its duties' skills as required too. Set
# once by judgement (one or two soft skills say nothing of the job), not tuned.
THIN_REQUIREMENTS = 3
TITLE_WORD_CHARS = 14  # a title word as `skill_occupations` keeps it ("t:" + 14 characters)

# Seniority levels, lowest first; the word that names each in a title.
LEVELS = ("intern", "junior", "mid", "senior", "lead", "head")
_LEVEL_WORDS = {
    "intern": "intern", "internship": "intern", "trainee": "intern", "apprentice": "intern",
    "junior": "junior", "jr": "junior", "entry": "junior", "graduate": "junior",
    "associate": "junior", "assistant": "junior",
    "mid": "mid", "intermediate": "mid",
    "senior": "senior", "sr": "senior", "experienced": "senior",
    "lead": "lead", "principal": "lead", "staff": "lead", "architect": "lead",
    "head": "head", "director": "head", "vp": "head", "chief": "head", "cto": "head",
}
_TITLE_NOISE = frozenset({"ii", "iii", "iv", "level", "remote", "hybrid", "time", "full",
                          "part", "contract", "temporary", "m/f", "f/m"})


class JobAnalysis(BaseModel):
    """What matching knows about a job; stored as `jobs.analysis` JSON."""

    version: int = ANALYSIS_VERSION
    title: str
    title_terms: list[str] = Field(default_factory=list)
    seniority: str | None = None
    occupation: str | None = None  # O*NET-SOC code the title names
    # Without one: O*NET code -> 0–1, the occupations the job's skills are typical of among
    # the candidates (`matching.skill_occupations`); filled when ranking, never stored.
    inferred: dict[str, float] = Field(default_factory=dict, exclude=True)
    # Skill -> weight in skill coverage, by how rare the skill is among the candidates
    # (`matching.skill_occupations.specificity`); filled when ranking, never stored.
    skill_weights: dict[str, float] = Field(default_factory=dict, exclude=True)
    # Without a title: title word (stem) -> 0–1, the role words the job's skills are typical of
    # in the candidates' latest titles; filled when ranking, never stored.
    title_words: dict[str, float] = Field(default_factory=dict, exclude=True)
    skill_list: bool = False  # given only as a list of skills (no title, no prose)
    required_skills: list[str] = Field(default_factory=list)
    nice_skills: list[str] = Field(default_factory=list)
    min_years: int | None = None
    location: str | None = None
    remote: bool = False
    terms: dict[str, int] = Field(default_factory=dict)  # stem -> count in title + description
    words: dict[str, str] = Field(default_factory=dict)  # stem -> a word that produced it


@lru_cache(maxsize=65536)  # scoring asks it for every candidate's latest title, per job
def seniority_of(title: str | None) -> str | None:
    """The level a title names ("Senior Data Engineer" -> "senior"), None when it names none."""
    if not title:
        return None
    found = [_LEVEL_WORDS[w] for w in re.findall(r"[a-z]+", title.lower()) if w in _LEVEL_WORDS]
    return max(found, key=LEVELS.index) if found else None


def spell_out(title: str) -> str:
    """A title with "IT" written out: in a title it names the field, never the pronoun."""
    return re.sub(r"\bit\b", "information technology", title, flags=re.I)


def title_terms(title: str | None) -> list[str]:
    """Stems of a title's role words, without level words ("Senior Accountant" -> account);
    an adjective meets its noun ("Financial Advisor" and "Finance Manager" share financ)."""
    if not title:
        return []
    kept = [w for w in words(spell_out(title)) if w not in _LEVEL_WORDS and w not in _TITLE_NOISE]
    stems = (stem(w) for w in kept)
    return list(dict.fromkeys(re.sub(r"(ial|al|e)$", "", s) if len(s) > 5 else s
                              for s in stems))


def title_words(title: str | None) -> list[str]:
    """A title's role words as `matching.skill_occupations` counts them: `title_terms`, each
    cut to `TITLE_WORD_CHARS` (the column holds "t:" and the word in 16 characters)."""
    return list(dict.fromkeys(w[:TITLE_WORD_CHARS] for w in title_terms(title)))


def _heading_kind(line: str) -> str | None:
    """'required', 'nice' or 'neutral' for a line that reads as a section heading, else None."""
    stripped = line.strip()
    if stripped[:1] in ("-", "*", "•", "·", "▪", "◦", "–"):  # a list item, not a heading
        return None
    text = stripped.strip("#:").strip()
    words_in = len(text.split())
    if not text or text.endswith(".") or words_in > 7 or (words_in > 4 and ":" not in stripped):
        return None
    if _NICE.search(text):
        return "nice"
    if _REQUIRED.search(text) or re.search(r"\b(skills|experience|you bring)\b", text, re.I):
        return "required"
    if _NEUTRAL.search(text):
        return "neutral"
    return None


def _blocks(description: str) -> list[tuple[str, str]]:
    """(kind, text) per line: the kind of the section it sits in, or of the line's own cue."""
    section = "neutral"
    out: list[tuple[str, str]] = []
    for line in description.splitlines():
        heading = _heading_kind(line)
        if heading is not None and not line.rstrip().endswith((",", ";")):
            section = heading
            # "Must have: Python, SQL" carries its items on the heading line itself
            _, _, rest = line.partition(":")
            if rest.strip():
                out.append((section, rest))
            continue
        kind = section
        if _NICE.search(line):
            kind = "nice"
        elif re.search(r"\b(required|must|mandatory|essential)\b", line, re.I):
            kind = "required"
        out.append((kind, line))
    return out


def min_years(text: str) -> int | None:
    """The largest "N+ years of experience" lower bound the text asks for (capped at 20)."""
    found = [int(m.group(1)) for m in _YEARS.finditer(text)]
    found = [n for n in found if 0 < n <= 20]
    return max(found) if found else None


def is_skill_list(title: str, description: str) -> bool:
    """True for a job given as "Required skills: a, b, c" (lines of short items, no title)."""
    if title.strip():
        return False
    lines = [ln.partition(":")[2] if ":" in ln else ln for ln in description.splitlines()]
    items = [i for ln in lines for i in re.split(r"[,;|•]", ln) if i.strip()]
    return bool(items) and all(len(i.split()) <= 4 for i in items)


def free_text_title(text: str) -> str:
    """The title of a job typed as free text: its first line when short, "" when the text is
    a skill list ("Required skills: a, b", "Python, SQL") so it is ranked as one.

    A list needs a "label:" or items at least half of which are known skills, so a one-line
    title ("Senior Accountant", "Accountant, Berlin") stays a title.
    """
    first = text.strip().partition("\n")[0]
    if is_skill_list("", text):
        items = [i.strip() for i in re.split(r"[,;|•]", first.partition(":")[2] or first)
                 if i.strip()]
        known = sum(skill_info(i) is not None for i in items)
        if ":" in first or (len(items) >= 2 and 2 * known >= len(items)):
            return ""
    return first if len(first.split()) <= 10 else ""


def analyze_job(title: str, description: str, *, location: str | None = None,
                remote: bool | None = None) -> JobAnalysis:
    """Analyse a job once; `remote=None` lets the description say whether it is remote."""
    by_kind: dict[str, list[str]] = {"required": [], "nice": [], "neutral": []}
    for kind, line in _blocks(description):
        by_kind[kind].append(line)
    skill_list = is_skill_list(title, description)
    skills: dict[str, dict[str, None]] = {k: {} for k in by_kind}
    for kind, lines in by_kind.items():
        # A job given as a skill list is one: "Communication" alone there is a skill.
        for name, _category in find_skills("\n".join(lines), list_context=skill_list):
            skills[kind][name] = None
    required = dict(skills["required"])
    nice = dict(skills["nice"])
    # Skills in the body (the duties) count as required when the requirements name too few to
    # say what the job is ("strong communication skills" and prose): what the job does is then
    # the best account of what it needs.
    body = nice if len(skills["required"]) >= THIN_REQUIREMENTS else required
    for name in skills["neutral"]:
        body[name] = None
    nice = {k: None for k in nice if k not in required}
    title_found = {name: None for name, _ in find_skills(title)}
    required = {**title_found, **required}
    if remote is None:
        remote = bool(_REMOTE.search(description)) and not _ONSITE.search(description)
    full = f"{title}\n{description}"
    counts = term_counts(full)
    surface: dict[str, str] = {}
    for word in words(full):
        surface.setdefault(stem(word), word)
    years = min_years(description)
    level = seniority_of(title)
    if level is None and years is not None and years >= 7:
        level = "senior"
    found = occupation_of(title.strip())
    return JobAnalysis(
        title=title.strip(), title_terms=title_terms(title), seniority=level,
        occupation=found[0] if found else None,
        skill_list=skill_list,
        required_skills=list(required), nice_skills=list(nice), min_years=years,
        location=(location or None), remote=bool(remote), terms=dict(counts), words=surface,
    )
