"""Find canonical skills in resume text, using the taxonomy shipped in `pipeline/data/skills.json`.

A skill is reported only where it is used as one: whole tokens ("Java" never from "Javanese"),
not as part of a company ("Python Software Foundation", "engineer at Oracle"), and forms
that are ordinary words ("Go", "Word", "Slack", "R") only as an item of a skills list. The
spaCy tokenizer and PhraseMatcher are built on first use, never at import.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, filter_spans

# Written as one token, so that "CI" and "CD" or "C" and "#" are never matched apart.
_SPECIAL_TOKENS = ("C#", "F#", "CI/CD", "A/B", "TCP/IP", "PL/SQL", "UI/UX", "UX/UI", "R&D")
# "Python3", "HTML5", "C++11" name the skill without its version; "S3", "ES6", "K8s" do not.
_VERSIONED = re.compile(r"([a-z][a-z+#]{2,}?)v?\d+(?:\.\d+)*")
_NOT_URL = re.compile(r"(?i)\.(js|net)/")
_VERSION = re.compile(r"v?\d+(?:\.\d+)*(?:\.x)?\+?|x|\d+\.x")
_ITEM_DELIMITERS = frozenset(",;|/()[]:.&–—•·●▪◦■►✓➢❖+") | {"and", "or"}
_BULLETS = frozenset({"-", "*", "o", ">"})
_COMPANY_SUFFIXES = frozenset(
    {
        "inc", "inc.", "ltd", "ltd.", "llc", "l.l.c.", "corp", "corp.", "corporation", "gmbh", "co",
        "co.", "company", "plc", "limited", "foundation", "labs", "technologies", "ventures",
        "partners", "holdings", "enterprises", "group", "agency",
    }
)
_AFTER_COMMA_SUFFIXES = frozenset(
    {"inc", "inc.", "ltd", "ltd.", "llc", "corp", "corp.", "co", "co.", "plc", "gmbh"}
)
# "good at Excel" uses a skill; "engineer at Oracle" names an employer.
_SKILL_BEFORE_AT = frozenset(
    {
        "good", "great", "skilled", "proficient", "expert", "experienced", "adept", "competent",
        "strong", "excellent", "fluent", "better", "best", "efficient", "effective",
    }
)
_LIST_LABELS = frozenset(
    {
        "skills", "skill", "stack", "tools", "tool", "technologies", "technology", "languages",
        "language", "software", "frameworks", "platforms", "proficiencies", "competencies",
        "expertise", "environment", "environments", "tech", "familiar", "proficient",
    }
)


@dataclass(frozen=True)
class SkillInfo:
    """What the matching code needs to know about one canonical skill."""

    canonical: str
    category: str
    related: tuple[str, ...] = ()
    hot: bool = False


@dataclass(frozen=True)
class _Form:
    """One way of writing a skill; `list_only` forms are ordinary words in prose."""

    skill: SkillInfo
    list_only: bool
    cased: frozenset[str]  # spellings that may still be used in prose ("React", not "react")


def _norm(lower: str) -> str:
    match = _VERSIONED.fullmatch(lower)
    return match.group(1) if match else lower


class _Taxonomy:
    """The loaded skills table, tokenizer and matcher (built once per process)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.nlp = _tokenizer()
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.categories: tuple[str, ...] = tuple(doc["categories"])
        self.forms: dict[str, _Form] = {}
        self.by_key: dict[str, SkillInfo] = {}
        for entry in doc["skills"]:
            info = SkillInfo(
                entry["name"], entry["category"], tuple(entry.get("related", ())),
                bool(entry.get("hot", False)),
            )
            list_only = {f.lower() for f in entry.get("list_only", ())}
            cased = frozenset(entry.get("cased", ()))
            for form in [entry["name"], *entry.get("aliases", ())]:
                pattern = self.make_doc(form)
                label = " ".join(t.norm_ for t in pattern)
                self.by_key.setdefault(label, info)
                if label in self.forms:
                    continue
                spellings = frozenset(c for c in cased if c.lower() == form.lower())
                self.forms[label] = _Form(info, form.lower() in list_only, spellings)
                self.matcher.add(label, [pattern])

    def make_doc(self, text: str) -> Doc:
        doc = self.nlp.make_doc(re.sub(r"[ \t\u00a0\u2009]+", " ", text))
        for token in doc:
            token.norm_ = _norm(token.lower_)
        return doc


def _tokenizer() -> Language:
    nlp = spacy.blank("en")
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    infixes = [*(nlp.Defaults.infixes or ()), r"(?<=[A-Za-z0-9.+#])/(?=[A-Za-z.])"]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    url_match = tokenizer.url_match
    if url_match is not None:  # "Vue.js/React" is two skills, not a web address
        tokenizer.url_match = lambda s: None if _NOT_URL.search(s) else url_match(s)
    for special in _SPECIAL_TOKENS:
        for variant in {special, special.lower(), special.upper()}:
            tokenizer.add_special_case(variant, [{"ORTH": variant}])
    return nlp


@lru_cache(maxsize=1)
def _taxonomy() -> _Taxonomy:
    source = resources.files("pipeline").joinpath("data", "skills.json")
    return _Taxonomy(json.loads(source.read_text(encoding="utf-8")))


def find_skills(text: str, *, list_context: bool = False) -> list[tuple[str, str]]:
    """(canonical name, category) for each skill used in `text`, first appearance first.

    `list_context=True` says the whole text is a skills list (a "Skills" section), so
    ordinary-word skills count when they stand as a whole item. Otherwise they count only on
    lines that read as a skills list ("Tools: Word, Excel, Access").
    """
    if not text.strip():
        return []
    tax = _taxonomy()
    doc = tax.make_doc(text)
    candidates = [
        (doc[start:end], tax.forms[tax.nlp.vocab.strings[match_id]])
        for match_id, start, end in tax.matcher(doc)
    ]
    # which lines read as lists matters only to list-only names (most texts have none)
    listy = (_list_lines(doc, [span for span, _ in candidates])
             if not list_context and any(form.list_only for _, form in candidates) else None)
    kept: list[Span] = []
    skill_of: dict[tuple[int, int], SkillInfo] = {}
    for span, form in candidates:
        if _in_company(doc, span.start, span.end):
            continue
        if form.list_only and not _ok_as_list_item(doc, span, form, listy):
            continue
        kept.append(span)
        skill_of[(span.start, span.end)] = form.skill
    result: dict[str, str] = {}
    for span in sorted(filter_spans(kept), key=lambda s: s.start):
        info = skill_of[(span.start, span.end)]
        result.setdefault(info.canonical, info.category)
    return list(result.items())


def canonical_skill(name: str) -> str | None:
    """The canonical name for any way of writing a skill ("k8s" -> "Kubernetes"), or None."""
    info = skill_info(name)
    return info.canonical if info else None


def skill_info(name: str) -> SkillInfo | None:
    """Category and related skills for a skill name or alias; None when it is not one."""
    if not name.strip():
        return None
    tax = _taxonomy()
    return tax.by_key.get(" ".join(t.norm_ for t in tax.make_doc(name.strip()) if not t.is_space))


def categories() -> tuple[str, ...]:
    """The recruiter-facing skill categories, e.g. for an LLM asked to sort unknown skills."""
    return _taxonomy().categories


def _is_delimiter(doc: Doc, i: int) -> bool:
    if i < 0 or i >= len(doc):
        return True
    token = doc[i]
    if token.is_space or token.lower_ in _ITEM_DELIMITERS:
        return True
    if token.text in _BULLETS:  # a bullet, or a dash between spaces; not "go-to-market"
        prev = doc[i - 1] if i > 0 else None
        return prev is None or "\n" in prev.text or bool(prev.whitespace_ and token.whitespace_)
    return False


def _item_end(doc: Doc, end: int) -> int:
    """Index after the item that starts a match, skipping a version ("Python 3.11")."""
    while end < len(doc) and _VERSION.fullmatch(doc[end].lower_):
        end += 1
    return end


def _whole_item(doc: Doc, start: int, end: int) -> bool:
    return _is_delimiter(doc, start - 1) and _is_delimiter(doc, _item_end(doc, end))


def _line_start(doc: Doc, i: int) -> int:
    while i > 0 and "\n" not in doc[i - 1].text:
        i -= 1
    return i


def _ok_as_list_item(doc: Doc, span: Span, form: _Form, listy: set[int] | None) -> bool:
    """Ordinary-word skills: a whole list item in a list, or the product's own spelling."""
    in_list = listy is None or _line_start(doc, span.start) in listy
    if in_list and _whole_item(doc, span.start, span.end):
        return True
    if span.text in form.cased:  # "built with React", but not "React to alerts" or "react"
        prev = span.start - 1
        while prev >= 0 and doc[prev].is_space and "\n" not in doc[prev].text:
            prev -= 1
        sentence_start = prev < 0 or "\n" in doc[prev].text or doc[prev].text in ".!?-*•"
        return not sentence_start
    return False


def _list_lines(doc: Doc, spans: list[Span]) -> set[int]:
    """Start indices of lines that read as a skills list rather than as prose."""
    whole = {(s.start, _item_end(doc, s.end)) for s in spans if _whole_item(doc, s.start, s.end)}
    lines: set[int] = set()
    start = 0
    while start < len(doc):
        end = start
        while end < len(doc) and "\n" not in doc[end].text:
            end += 1
        items: list[tuple[int, int]] = []
        i = start
        while i < end:
            if _is_delimiter(doc, i):
                i += 1
                continue
            j = i
            while j < end and not _is_delimiter(doc, j):
                j += 1
            items.append((i, j))
            i = j
        labelled = False
        colon = next((k for k in range(start, end) if doc[k].text == ":"), None)
        if colon is not None and colon - start <= 4:
            labelled = any(doc[k].lower_ in _LIST_LABELS for k in range(start, colon))
            items = [it for it in items if it[0] > colon]
        hits = sum(1 for item in items if item in whole)
        if (labelled and hits) or (len(items) >= 3 and 3 * hits >= 2 * len(items)):
            lines.add(start)
        start = end + 1
    return lines


def _in_company(doc: Doc, start: int, end: int) -> bool:
    """True when the match names an employer: "at Oracle", "Python Software Foundation"."""
    if start > 0 and doc[start - 1].lower_ in {"at", "@", "joined"}:
        before = doc[start - 2].lower_ if start > 1 else ""
        if doc[start - 1].lower_ == "joined" or before not in _SKILL_BEFORE_AT:
            return True
    for i in range(end, min(end + 3, len(doc))):
        token = doc[i]
        if token.text == ",":
            return i + 1 < len(doc) and doc[i + 1].lower_ in _AFTER_COMMA_SUFFIXES
        if token.lower_ in _COMPANY_SUFFIXES:
            return True
        if not (token.is_title or token.is_upper or token.text == "&"):
            return False
    return False
