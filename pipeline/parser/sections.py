"""Split the line stream into sections by their headings.

Headings are recognised by wording first (many variants per section kind), and by layout for
looser wordings: a short line in capitals, bold, larger than body text or ending in a colon
that contains a section keyword. Text before the first heading is the `top` section (name and
contact details live there).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from pipeline.parser import headings_i18n, vocab
from pipeline.parser.lines import Line, ParseState, Section, fold, is_caps

_HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": (
        "experience", "work experience", "professional experience", "employment",
        "employment history", "work history", "career history", "professional background",
        "relevant experience", "experience summary", "internships", "internship",
        "internship experience", "positions held", "career", "career summary and experience",
        "work", "professional history", "industry experience", "job history",
        "employment experience", "experiences", "work and experience", "working experience",
        "professional employment", "teaching experience", "research experience",
        "relevant work experience", "work experience and internships", "career experience",
    ),
    "education": (
        "education", "academic background", "academic qualifications", "qualifications",
        "educational qualifications", "educational qualification", "academics",
        "education and training", "academic profile", "academic details", "educational background",
        "academic qualification", "education details", "scholastic profile", "studies",
        "academic credentials", "education and certifications", "formal education",
        "academic history", "education history", "training and education",
    ),
    "skills": (
        "skills", "technical skills", "core competencies", "competencies", "key skills",
        "areas of expertise", "expertise", "technologies", "technical proficiencies",
        "skill set", "skillset", "it skills", "technical skill set", "skills and abilities",
        "core skills", "professional skills", "computer skills", "technical expertise",
        "tools", "tools and technologies", "skills summary", "technical summary",
        "software skills", "key competencies", "strengths", "technical competencies",
        "skills and expertise", "areas of strength", "soft skills", "hard skills",
        "technical knowledge", "skills and tools", "relevant skills",
    ),
    "certifications": (
        "certifications", "certification", "certificates", "certificate", "licenses",
        "licenses and certifications", "licences and certifications", "licenses certifications",
        "certifications and licenses", "professional certifications", "credentials",
        "courses and certifications", "certifications and training", "accreditations",
        "training and certifications", "professional development", "licensure",
        "certifications and awards", "professional licenses",
    ),
    "summary": (
        "summary", "professional summary", "profile", "objective", "career objective",
        "about me", "about", "personal statement", "executive summary", "overview",
        "career summary", "professional profile", "summary of qualifications", "introduction",
        "career profile", "personal profile", "profile summary", "professional overview",
        "objectives", "career objectives", "summary statement",
    ),
    "contact": (
        "contact", "contact information", "contact info", "contact details", "personal details",
        "personal information", "personal data", "details", "contacts", "get in touch",
    ),
    "other": (
        "projects", "project", "academic projects", "personal projects", "key projects",
        "awards", "honors", "honours", "awards and honors", "achievements", "accomplishments",
        "languages", "language", "interests", "hobbies", "hobbies and interests", "references",
        "publications", "volunteer", "volunteering", "volunteer experience", "activities",
        "extracurricular activities", "additional information", "links", "declaration",
        "affiliations", "memberships", "professional affiliations", "military service",
        "research", "patents", "presentations", "conferences", "leadership", "community",
        "other information", "miscellaneous", "additional", "portfolio", "websites",
        "social", "profiles", "online profiles", "training", "courses", "coursework",
        "relevant coursework", "recommendations", "highlights", "key achievements",
    ),
}

_KEYWORDS = (
    ("certif", "certifications"), ("licens", "certifications"), ("experience", "experience"),
    ("employment", "experience"), ("education", "education"), ("academic", "education"),
    ("skill", "skills"), ("competenc", "skills"), ("expertise", "skills"),
    ("summary", "summary"), ("objective", "summary"), ("profile", "summary"),
    ("project", "other"), ("award", "other"), ("language", "other"), ("interest", "other"),
    ("reference", "other"), ("publication", "other"), ("volunteer", "other"),
    ("achievement", "other"), ("contact", "contact"), *headings_i18n.KEYWORDS,
)
# bullets, brackets and boxes that wrap headings, mostly in CJK layouts: 【職歴】, ■学歴
_WRAP = re.compile(r"^[\s【〔［\[「『<＜《(（■□◆◇●○▶▷►◎★☆#*・:：-]+|[\s】〕］\]」』>＞》)）:：]+$")
_CJK = r"\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uAC00-\uD7AF"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_HAS_CJK = re.compile(rf"[{_CJK}]")


def normalize_heading(text: str) -> str:
    """Heading text as a lookup key: letters of any script, casefolded, accents dropped."""
    t = text.lower().replace("&", " and ").replace("+", " and ")
    t = re.sub(r"^[\d.ivx]+[.)]\s+", "", t)
    return normalize_heading_key(_WRAP.sub("", t))


def normalize_heading_key(text: str) -> str:
    t = re.sub(r"[\W\d_]+", " ", fold(text.replace("&", " and ")))
    t = re.sub(r"\s+", " ", t).strip()
    # "学 歴", "職　務　経　歴": spaced-out CJK headings read as one word
    return _CJK_GAP.sub("", t) if _HAS_CJK.search(t) else t


# English first: where a word is a heading in two languages, the English kind wins
_EXACT: dict[str, str] = {}
for _kind, _heads in (*_HEADINGS.items(), *headings_i18n.HEADINGS.items()):
    for _h in _heads:
        _EXACT.setdefault(normalize_heading_key(_h), _kind)


def body_size(lines: list[Line]) -> float:
    """The most common font size: text larger than this is styled as a heading."""
    sizes = Counter(round(ln.size) for ln in lines if ln.size)
    return float(sizes.most_common(1)[0][0]) if sizes else 0.0


def heading_kind(line: Line, body: float) -> str | None:
    """The section kind this line introduces, or None when it is ordinary text."""
    raw = line.text.strip()
    if "\t" in raw:
        # two columns' headings side by side ("Expérience professionnelle<tab>Technologies")
        cells = [c.strip() for c in raw.split("\t") if c.strip()]
        kinds = [_exact_kind(c) for c in cells]
        return kinds[0] if len(cells) > 1 and all(kinds) else None
    if len(raw) > 60 or "@" in raw:
        return None
    if _HAS_CJK.search(raw):
        return _cjk_kind(line, body)
    norm = normalize_heading(raw)
    if not norm or not (raw[0].isupper() or raw[0].isdigit() or _WRAP.match(raw)):
        return None
    words = norm.split()
    if norm in _EXACT and (len(words) > 1 or raw.rstrip().endswith(":") or raw[0].isupper()):
        # a one-word heading must at least be capitalised ("Skills", "SKILLS", "skills:")
        return _EXACT[norm]
    if ":" in raw.rstrip(":") or len(words) > 5:
        return None
    styled = line.caps or line.bold or raw.endswith(":") or (body and line.size >= body + 1.5)
    if not styled or re.search(r"\d", raw):
        return None
    if vocab.has_title_word(norm) or vocab.has_degree_word(raw):
        return None  # a bold "Project Manager" or "Master of Arts in Education" is an entry
    for key, kind in _KEYWORDS:
        if key in norm:
            return kind
    return None


def _exact_kind(cell: str) -> str | None:
    norm = normalize_heading(cell)
    if norm in _EXACT and (cell[0].isupper() or _HAS_CJK.search(cell)):
        return _EXACT[norm]
    return None


def _cjk_kind(line: Line, body: float) -> str | None:
    """CJK headings: no capitals and no spaces, so wording and shortness decide."""
    norm = normalize_heading(line.text)
    words = norm.split()
    if len(words) > 1 and len(words[0]) == 1 and not _HAS_CJK.search(words[0]):
        # an icon-font glyph before the heading ("œ 教育经历")
        norm = " ".join(words[1:])
    if norm in headings_i18n.DOCUMENT_TITLES:
        return None
    if norm in _EXACT:
        return _EXACT[norm]
    styled = line.bold or (body and line.size >= body + 1.5) or _WRAP.match(line.text)
    limit = 12 if _WRAP.match(line.text) else 8  # 【活かせる経験・知識・技術等】
    if len(norm) > limit or not styled or re.search(r"\d", line.text):
        return None
    for key, kind in headings_i18n.CJK_KEYWORDS:
        if key in norm:
            return kind
    return None


def _styled(line: Line, body: float) -> bool:
    return line.bold or line.caps or bool(body and line.size >= body + 1.5)


def _split_labels(lines: list[Line], body: float) -> list[Line]:
    """'Education<tab>Rhine Valley University' → the heading, then its text: a label column
    prints each section's heading, in capitals or a heading's larger type, on the baseline of
    the section's first line (a plain 'Languages<tab>German' is a label inside a section)."""
    out: list[Line] = []
    for line in lines:
        head, tab, rest = line.text.strip().partition("\t")
        styled = is_caps(head) or bool(body and line.size >= body + 1.5)
        if (tab and rest.strip() and styled and _exact_kind(head.strip())
                and not _exact_kind(rest.strip())):
            out += [line.with_text(head.strip()),
                    replace(line, text=rest.strip(), caps=is_caps(rest), block_start=True)]
        else:
            out.append(line)
    return out


def split_sections(lines: list[Line]) -> list[Section]:
    body = body_size(lines)
    lines = _split_labels(lines, body)
    kinds = [heading_kind(line, body) for line in lines]
    # a wording printed over and over ("Highlights" under every role) labels entries; a
    # section heading is printed once
    repeats = Counter(normalize_heading(ln.text) for ln, k in zip(lines, kinds, strict=True)
                      if k)
    kinds = [k if k is None or repeats[normalize_heading(ln.text)] < 3 else None
             for ln, k in zip(lines, kinds, strict=True)]
    headings = [line for line, kind in zip(lines, kinds, strict=True) if kind]
    styled = sum(_styled(line, body) for line in headings)
    # a document whose headings are all styled alike prints a plain "Leadership" or
    # "Languages" as an item of a list, not as a heading
    strict = len(headings) >= 3 and styled >= 0.8 * len(headings) and any(
        ln.bold or ln.size for ln in lines)
    sections: list[Section] = [Section("top", "")]
    for line, kind in zip(lines, kinds, strict=True):
        if line.is_header_footer and line.page > 0:
            continue
        if kind and strict and not _styled(line, body):
            kind = None
        if kind:
            sections.append(Section(kind, line.text))
            continue
        if line.column_start and sections[-1].kind != "top":
            sections.append(Section("top", ""))
        sections[-1].lines.append(line)
    return [s for s in sections if s.lines or s.kind != "top"]


def run(state: ParseState) -> None:
    """Stage: fill `state.sections`."""
    assert state.doc is not None
    state.sections = split_sections(state.doc.lines)


_LABELS = {"environment", "technologies", "tools", "methodology", "methodologies", "tech stack",
           "stack", "key skills", "skills used", "technologies used", "tools used"}


def is_heading_wording(text: str) -> bool:
    """Whether `text` is worded like a heading or a field label ("Key Skills", "Tools")."""
    norm = normalize_heading(text)
    return norm in _EXACT or norm in _LABELS


def known_headings() -> list[str]:
    """The English heading wordings: the name finder refuses each of their words.

    Other languages' headings are refused only whole: a word of one ("Angaben zur Person")
    may well be a surname elsewhere.
    """
    return [h for heads in _HEADINGS.values() for h in heads]
