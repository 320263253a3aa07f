"""An entry's header lines → (title, company): which piece names the role, which the employer.

Headers come in many shapes ("Title | Company | City", "Company – Title", "Title at Company",
"Company as Title", two lines either way round). They are cut into pieces at separators,
places are dropped, and each pairing of pieces is scored by the word lists (title words,
organisation words); the span model is asked only when the word lists know neither piece.
"""

from __future__ import annotations

import re

from pipeline.parser import dates, vocab
from pipeline.parser.entries import dash_parts, split_pieces, undouble
from pipeline.parser.fields_contact import location_score
from pipeline.parser.places import is_region
from pipeline.parser.span_model import Spans


def _strip_location(pieces: list[str]) -> list[str]:
    out: list[str] = []
    for p in pieces:
        if location_score(p) >= 1.0 or is_region(p):
            continue
        out.append(p)
    return out


_OUTSIDE_PARENS_COMMA = re.compile(r",(?![^()]*\))")
# "Globex as Senior Analyst": the company, then the role held there
_AS_ROLE = re.compile(r"^(.+?)\s+as\s+(?:an?\s+)?(.+)$", re.I)
_AT_COMPANY = re.compile(r"^(.+?)\s+(?:at|@)\s+(.+)$")


def _comma_split(piece: str) -> list[str]:
    """A header piece cut at commas, except inside parentheses ("Engineer (Contract, Remote)")."""
    parts = [p.strip() for p in _OUTSIDE_PARENS_COMMA.split(piece) if p.strip()]
    if len(parts) < 2:
        return [piece]
    # drop "City, Region" tails: a region and the part before it
    keep: list[str] = []
    for idx, part in enumerate(parts):
        if is_region(re.sub(r"\s+\d{5,6}$", "", part)):
            if keep and idx > 0 and keep[-1] == parts[idx - 1] and len(keep) > 1:
                keep.pop()
            continue
        keep.append(part)
    if len(keep) == 1 and len(parts) == 2 and not is_region(parts[1]):
        return [piece]
    return keep


def _title_score(p: str) -> float:
    s = 1.0 if vocab.has_title_word(p) else 0.0
    if vocab.has_org_word(p):
        s -= 0.6
    return s


def org_score(p: str) -> float:
    s = 1.0 if vocab.has_org_word(p) else 0.0
    if vocab.has_title_word(p):
        s -= 0.8
    return s


def _pieces_of(p: str) -> list[str]:
    out = []
    for q in _strip_location(_comma_split(p) if location_score(p) < 1 else [p]):
        if dates.find_single(q) and len(dates.strip_dates(q)) < 3:
            continue
        if len(q) > 1:
            out.append(q)
    return out


def _evidence(spans: Spans | None, title: str, company: str) -> float:
    """What the span model says of a title/company pairing the word lists cannot judge:
    ±0.4 per piece (asked only then, so most résumés never run the model)."""
    if spans is None or _title_score(title) > 0 or org_score(company) > 0:
        return 0.0
    score = 0.0
    score += 0.4 if spans.says(title, "TITLE") else -0.4 if spans.says(title, "COMPANY") else 0
    score += 0.4 if spans.says(company, "COMPANY") else -0.4 if spans.says(company, "TITLE") \
        else 0
    if score:
        spans.decided.add("experience")
    return score


def _first_company(text: str) -> str:
    """The company part of "… at Company, City": the place dropped."""
    kept = _strip_location(_comma_split(text))
    return kept[0] if kept else text.strip()


def classify(header: list[str], spans: Spans | None = None,
             ) -> tuple[str | None, str | None, bool]:
    """(title, company, company_alone) from an entry's header lines.

    `spans` (the trained model's entities) tips the balance when the word lists cannot tell
    a title from a company ("Clínica Santa Aurelia" / "Physiotherapist").
    """
    pieces: list[tuple[int, str]] = []
    for li, text in enumerate(header):
        text = undouble(text)
        at = _AT_COMPANY.match(text)
        if at and vocab.has_title_word(at.group(1)):
            return at.group(1).strip(), _first_company(at.group(2)), False
        role = _AS_ROLE.match(text)
        if role and vocab.has_title_word(role.group(2)) and not vocab.has_title_word(
                role.group(1)):
            return role.group(2).strip(), _first_company(role.group(1)), False
        strong = split_pieces(text, dashes=False)
        others = sum(location_score(x) < 1 for x in header) > 1 or sum(
            location_score(x) < 1 for x in strong) > 1
        for sp in strong:
            parts = dash_parts(sp)
            # a dash splits fields only when it sets off a place or the line stands alone
            split = len(parts) > 1 and (not others or any(location_score(x) >= 1 for x in parts))
            for p in parts if split else [sp]:
                pieces.extend((li, q) for q in _pieces_of(p))
    if not pieces:
        return None, None, False
    if len(pieces) == 1:
        p = pieces[0][1]
        if org_score(p) > _title_score(p):
            return None, p, True
        return p, None, False
    best: tuple[float, int, int] | None = None
    for ti, (_, tp) in enumerate(pieces):
        for ci, (_, cp) in enumerate(pieces):
            if ti == ci:
                continue
            score = _title_score(tp) + org_score(cp) + _evidence(spans, tp, cp)
            # English puts the title first; Chinese and Japanese headers the company
            score += 0.15 if (ti < ci) != bool(re.search(r"[\u3040-\u9fff]", tp + cp)) else 0.0
            score -= 0.05 * (ti + ci)
            if best is None or score > best[0]:
                best = (score, ti, ci)
    assert best is not None
    _, ti, ci = best
    company_alone = len({li for li, _ in pieces if li == pieces[ci][0]}) == 1 and all(
        li != pieces[ci][0] for li, _ in pieces if _ != pieces[ci][1])
    return pieces[ti][1], pieces[ci][1], company_alone
