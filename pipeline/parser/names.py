"""The candidate's name: which short line at the top of the résumé is a person's name.

A name is judged by its shape in any script (capitalised words of letters with their
particles and initials, all caps, `SURNAME, Given`, a CJK name), never by an ASCII pattern,
and it must not be something else a résumé prints large near the top: a heading, a skill
from the taxonomy, a job title, a degree's subject, a table header, a place. Among the
pieces that pass, layout (largest text, bold, first block, top of the page) and the email's
local part choose one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from pipeline.parser import gazetteer, sections, vocab
from pipeline.parser.lines import Line, ParseState, fold
from pipeline.parser.places import is_region
from pipeline.parser.skills import canonical_skill

PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "dei", "di", "da", "das", "dos", "du",
    "la", "le", "bin", "binti", "bint", "al", "el", "ibn", "ben", "ten", "ter", "y", "e", "zu",
    "af", "av", "st", "mac", "lo", "degli",
}
_HONORIFIC = re.compile(r"(?i)^(?:mr|mrs|ms|miss|mx|dr|prof|sir|shri|smt|sri|herr|frau)\.?\s+")
# "Jane Doe, MBA, PMP" / "Jane Doe PhD": credentials after a name are not part of it
_CRED_WORDS = {
    "mba", "phd", "md", "cpa", "pmp", "rn", "cfa", "msc", "bsc", "ma", "ba", "ms", "bs",
    "jd", "esq", "pe", "cissp", "shrm", "cp", "scp", "lpn", "dds", "ceng", "frcs", "acca",
    "cma", "cia", "csm", "mph", "msn", "bsn", "np", "pa", "ii", "iii", "iv", "jr", "sr",
    "phr", "sphr", "ccna", "ccnp", "mcse", "itil", "lssbb", "ea", "cfp", "ot", "pt", "dpt",
}
_LABEL = re.compile(r"(?i)^\s*(?:name|full name|candidate|nombre|nom|vorname|naam|nome|imię)"
                    r"\s*[:\-]\s*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff]{1,4}"
                       r"(?:[ \u3000・·][\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff]{1,4}){0,3}$")
# words of table headers and field labels that sit where a name would
_LABEL_WORDS = {
    "name", "title", "date", "dates", "role", "position", "period", "duration", "year",
    "years", "designation", "organization", "organisation", "employer", "company", "location",
    "skill", "skills", "highlights", "level", "grade", "subject", "course", "status",
    "responsibilities", "description", "summary", "signature", "nationality", "gender",
    "birth", "born", "marital", "male", "female", "single", "married", "hobbies",
}
# subjects of study print like names ("Computer Science") under a degree
_SUBJECT_WORDS = {
    "science", "sciences", "engineering", "administration", "studies", "arts", "mathematics",
    "economics", "marketing", "finance", "accounting", "commerce", "nursing", "psychology",
    "biology", "chemistry", "physics", "literature", "law", "medicine", "pharmacy", "design",
    "technology", "informatics", "statistics", "education", "humanities", "philosophy",
    "sociology", "electronics", "electrical", "mechanical", "civil", "chemical", "computer",
    "business", "information", "communication", "communications", "analytics", "data",
    "software", "hardware", "office", "service", "services", "support", "sales", "operations",
    "development", "research", "quality", "health", "safety", "customer", "client",
    "resource", "resources", "system", "testing", "programming", "networking", "banking",
    "consulting", "training", "planning", "reporting", "processing", "manufacturing",
    "budgeting", "scheduling", "recruiting", "recruitment", "logistics",
    "hospitality", "retail", "project", "projects", "application", "applications", "web",
    "network", "security", "cloud", "digital", "media", "social", "visits", "industrial",
    "database", "theory", "modules", "typing", "names", "applicant", "children", "practicum",
    "thesis", "prize", "award", "awards", "scholarship", "fraternity", "sorority", "society",
    "club", "association", "honor", "honors", "laude", "cum", "magna", "summa", "bilingual",
    "english", "spanish", "french", "german", "hindi", "fluent", "native", "proposition",
    "list", "deans", "meeting", "review", "account", "best",
}


def _is_letters(word: str) -> bool:
    core = re.sub(r"['’\-.]", "", word)
    return bool(core) and all(ch.isalpha() for ch in core)


def _token_ok(word: str) -> bool:
    """One word of a name: capitalised or all caps letters, an initial, or a particle."""
    w = word.strip(",")
    if not w:
        return False
    if w.lower() in PARTICLES and (w.islower() or w.istitle()):
        return True
    if re.fullmatch(r"(?:[^\W\d_]\.){1,3}|[^\W\d_]", w):
        return w[0].isupper()  # "J." / "J.R." / "J"
    if not _is_letters(w) or w.endswith("."):
        return False
    first = next(ch for ch in w if ch.isalpha())
    return first.isupper()


def _words_of(text: str) -> set[str]:
    return {fold(w) for w in re.findall(r"[^\W\d_]+", text)}


def _heading_words() -> set[str]:
    """Every word of every known section heading ("Skill Highlights" is not a person)."""
    out: set[str] = set()
    for heading in sections.known_headings():
        out |= _words_of(heading)
    return {w for w in out if len(w) > 2 and w not in PARTICLES}


@cache
def _not_name_words() -> frozenset[str]:
    return frozenset(_heading_words() | vocab.NOT_NAME_WORDS | _LABEL_WORDS | _SUBJECT_WORDS)


def clean_candidate(piece: str) -> str:
    """A piece without its label, honorific, trailing credentials ("Jane Doe, MBA") or role."""
    text = _LABEL.sub("", piece).strip(" ,;:|\"'“”‘’«»")
    text = _HONORIFIC.sub("", text)
    words = text.split()
    while len(words) > 2 and _is_credential(words[-1].strip(",()")):
        words.pop()
    text = " ".join(words).rstrip(" ,")
    if "," in text:
        head, _, tail = text.rpartition(",")
        if tail.strip() and all(_is_credential(w) for w in tail.split()):
            text = head.strip()
        elif len(head.split()) >= 2 and vocab.has_title_word(tail.strip().lower()):
            text = head.strip()  # "Marcus Whitaker, Head of Science": the name, then a role
    return text


def _is_credential(word: str) -> bool:
    """"MBA", "P.H.R.", "PhD": letters after a name that are a degree or licence."""
    bare = word.replace(".", "").lower()
    return bare in _CRED_WORDS or bool(re.fullmatch(r"(?:[A-Z]\.){2,6}", word))


def name_shape(text: str) -> bool:
    """Whether `text` is shaped like a person's name and like nothing else a résumé prints."""
    if re.search(r"\([^)]*\d", text):
        return False  # "UI (10+ years)": a skill with its duration
    t = re.sub(r"\s*\(.*?\)\s*", " ", text).strip(" ,")
    if not t or len(t) > 50 or any(ch.isdigit() for ch in t) or "@" in t:
        return False
    if _CJK.search(t):
        return bool(_CJK_NAME.match(t))
    if t.count(",") == 1:
        # "OKAFOR, Chidi": a surname in capitals, then the given names
        surname, given = (p.strip() for p in t.split(","))
        if not (surname.isupper() and 1 <= len(surname.split()) <= 2 and given):
            return False
        t = f"{given} {surname}"
    elif "," in t:
        return False
    words = t.split()
    if not 2 <= len(words) <= 5 or not all(_token_ok(w) for w in words):
        return False
    # "van der" are particles, but a capitalised first word ("Ben Okafor") is a given name
    main = [w for i, w in enumerate(words)
            if not (w.lower() in PARTICLES and (w.islower() or i > 0))]
    if len(main) < 2 or sum(len(w.strip(".")) > 1 for w in main) < 1:
        return False
    return not _looks_like_something_else(t, words)


def _looks_like_something_else(t: str, words: list[str]) -> bool:
    low = t.lower()
    if vocab.has_title_word(low) or vocab.has_org_word(low) or vocab.has_degree_word(t):
        return True
    if _words_of(t) & _not_name_words():
        return True
    if is_region(t) or any(is_region(w) and len(w) > 2 for w in words):
        return True
    # "Los Angeles", "Reno NV", "San Francisco AC": a city, alone or with a region code
    region_code = words[-1].isupper() and len(words[-1]) <= 3
    if gazetteer.is_city(t) or (region_code and gazetteer.is_city(" ".join(words[:-1]))):
        return True
    if any(re.search(r"\w-[a-z]", w) for w in words):
        return True  # "Unix-based": a compound word, not a double-barrelled name
    if vocab.has_institution_word(t) or canonical_skill(t) is not None:
        return True
    skills = [canonical_skill(w.strip(",.")) for w in words if len(w.strip(",.")) > 1]
    # "SAP ABAP", "Databases SQL": an acronym skill, or nothing but skills
    if any(sk and sk.isupper() for sk in skills) or (skills and all(skills)):
        return True
    line = Line(t, bold=True, caps=t.isupper())
    return sections.heading_kind(line, 0.0) is not None


def _email_support(name: str, email: str | None) -> float:
    """How well the email's local part spells the name ("jose.garcia" for José García)."""
    if not email:
        return 0.0
    local = fold(email.split("@")[0])
    parts = [p for p in re.split(r"[^a-z]+", local) if p]
    tokens = [w for w in re.findall(r"[a-z]+", fold(name)) if len(w) > 1]
    if not tokens or not parts:
        return 0.0
    hits = sum(any(tok == p or (len(tok) > 3 and tok in p) for p in parts) for tok in tokens)
    return 0.8 if hits >= 2 else 0.5 if hits else 0.0


def _candidates(ln: Line, pieces: list[str]) -> list[str]:
    out = []
    for piece in pieces or [ln.text]:
        cand = clean_candidate(piece)
        if cand and name_shape(cand):
            out.append(cand)
    return out


def _model_says(state: ParseState, cand: str) -> float:
    """The span model's word on a candidate: a NAME, or some other kind of phrase."""
    if state.spans is None:
        return 0.0
    if state.spans.says(cand, "NAME"):
        return 0.6
    others = ("TITLE", "COMPANY", "SCHOOL", "DEGREE", "LOCATION")
    return -0.6 if any(state.spans.says(cand, label) for label in others) else 0.0


def _unwrapped(line: Line, nxt: Line | None) -> str:
    """'María José Fernández-' / 'Soto': a double-barrelled name the header's width broke
    at its hyphen is one name (the next line goes on in the same block and type)."""
    if nxt is not None and re.search(r"\w-$", line.text.rstrip()) and not nxt.block_start \
            and abs(nxt.size - line.size) < 0.5 and len(nxt.text.split()) == 1:
        return line.text.rstrip() + nxt.text.strip()
    return line.text


_CLOSE = 0.5
_ENTRY_SECTIONS = {"experience", "education", "skills", "certifications"}


def find_name(state: ParseState, pieces_of: Callable[[str], list[str]],
              email: str | None) -> str | None:
    """The best-scoring name candidate on the first page, or None.

    `pieces_of` cuts a line at its visual separators (the contact stage's `pieces`).
    """
    assert state.doc is not None
    lines = state.doc.lines
    top_ids = {id(ln) for s in state.sections if s.kind in {"top", "contact"} for ln in s.lines}
    # referees are people too, but not the candidate
    referees = {id(ln) for s in state.sections if re.search(r"(?i)refer", s.heading)
                for ln in s.lines}
    first_page = [ln for ln in lines if ln.page == 0 and id(ln) not in referees] or lines
    entries = {id(ln) for s in state.sections if s.kind in _ENTRY_SECTIONS for ln in s.lines}
    max_size = max((ln.size for ln in first_page), default=0.0)
    scored: list[tuple[float, str]] = []
    for idx, ln in enumerate(first_page[:120]):
        text = _unwrapped(ln, first_page[idx + 1] if idx + 1 < len(first_page) else None)
        for cand in _candidates(ln.with_text(text), pieces_of(text)):
            support = _email_support(cand, email)
            top, largest = id(ln) in top_ids, bool(max_size) and ln.size >= max_size - 0.1
            running = ln.is_header_footer  # a page header or footer naming its owner
            if not (top or largest or support or running
                    or (idx < 12 and id(ln) not in entries)):
                continue  # deep in the body, small, unsupported: a phrase, not the owner
            score = 1.0 - min(idx, 40) * 0.02 + support
            if top:
                score += 0.6
            if largest:
                score += 1.0
            if ln.bold:
                score += 0.3
            if cand == clean_candidate(text):
                score += 0.3
            scored.append((score, cand))
    scored.sort(key=lambda sc: -sc[0])
    if len(scored) > 1 and scored[0][0] - scored[1][0] < _CLOSE:
        # two candidates alike by layout: the span model breaks the tie
        layout_choice = scored[0][1]
        scored = sorted(((s + _model_says(state, c), c) for s, c in scored[:3]),
                        key=lambda sc: -sc[0])
        if state.spans is not None and scored[0][1] != layout_choice:
            state.spans.decided.add("name")
    return scored[0][1] if scored else None
