"""Education entries: degree, institution and graduation date.

Each line (or piece of a line) is judged as degree, institution, date, place or noise; entries
are cut where a field repeats. Wrapped names ('Adhiparasakthi Engineering' / 'College (Anna
University)') are glued back to the neighbour they continue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.models import Education
from pipeline.parser import dates, gazetteer, vocab
from pipeline.parser.entries import BULLET_RE, is_prose, join_wrapped, split_pieces
from pipeline.parser.fields_contact import location_score
from pipeline.parser.lines import Line, ParseState
from pipeline.parser.places import is_region

_NOISE = re.compile(r"(?i)\b(gpa|cgpa|grade|percentage|marks|score|honou?rs:|coursework|"
                    r"relevant courses|courses taken|courses\s*:|modules\s*:|subjects\s*:|"
                    r"thesis|dean'?s list)\b|\d+(\.\d+)?\s*%|\d\.\d+\s*/\s*\d")
# "UCLA", "NYU", "TU Berlin", "IIT Bombay", "ETH Zürich": a school by its initials
_SCHOOL_INITIALS = re.compile(r"^[A-Z]{2,6}(?:\s+[^\W\d_][\w'’.-]*){0,2}$")


@dataclass
class _Item:
    kind: str
    text: str
    line: int
    block_start: bool


def _kind(piece: str) -> str:
    if _NOISE.search(piece):
        return "noise"
    inst = vocab.has_institution_word(piece)
    deg = vocab.has_degree_word(piece)
    if location_score(piece) >= 1.0 or is_region(piece) or (
            not inst and not deg and gazetteer.is_city(piece)):
        return "loc"
    if not inst and not deg and _SCHOOL_INITIALS.match(piece.strip()):
        return "inst"
    if deg and not inst:
        return "degree"
    if inst and not deg:
        return "inst"
    if inst and deg:
        # "Bachelor of Engineering, XYZ College": decide by what the piece starts with
        return "degree" if vocab.has_degree_word(piece.split(",")[0][:25]) else "inst"
    if re.search(r"\b(?:in|of)\s+[A-Z]", piece) and len(piece.split()) <= 10:
        return "degree?"
    return "unknown"


def _split_commas(piece: str) -> list[str]:
    """'Bachelor of X, Some College, City, ST' → degree and school apart, the place dropped."""
    parts = [p.strip() for p in piece.split(",") if p.strip()]
    kinds = [_kind(p) for p in parts]
    # a city right before a region is part of the place
    for i in range(len(parts) - 1):
        if kinds[i] == "unknown" and kinds[i + 1] == "loc" and i > 0:
            kinds[i] = "loc"
    for i in range(1, len(parts)):
        # "University of California, Berkeley": a state university names its campus city
        system = re.search(r"(?i)\bof\s+(.+)$", parts[i - 1])
        if kinds[i] == "loc" and kinds[i - 1] == "inst" and system and is_region(system.group(1)):
            kinds[i] = "unknown"
    if "inst" in kinds and ("degree" in kinds or "degree?" in kinds or kinds[0] == "unknown"):
        return [p for p, k in zip(parts, kinds, strict=True) if k != "loc"]
    keep = [p for p, k in zip(parts, kinds, strict=True) if k != "loc"]
    # "University of California, Berkeley" stays whole
    return [", ".join(keep)] if keep else []


def _items(lines: list[Line]) -> list[_Item]:
    out: list[_Item] = []
    for li, ln in enumerate(join_wrapped(lines)):
        text = BULLET_RE.sub("", ln.text).strip()
        if not text or is_prose(text):
            continue
        # a grade in brackets after a degree ("本科(GPA: 3.88/4.0)") is not the degree's noise
        text = re.sub(r"\s*[(（][^()（）]*(?:\d\.\d+\s*/\s*\d|(?i:g\s?p\s?a))[^()（）]*[)）]", "",
                      text)
        first = ln.block_start
        rng = dates.find_range(text)
        single = None if rng else dates.find_single(text)
        found = rng or single
        if found:
            when = (rng.end if rng and rng.end != "present" else None) if rng else found.start
            text = text[: found.span[0]] + "\t" + text[found.span[1]:]
            if when:
                out.append(_Item("date", when[:4], li, first))
                first = False
        for piece in split_pieces(text):
            parts = _split_commas(piece) if "," in piece else [piece]
            for part in parts:
                out.append(_Item(_kind(part), part, li, first))
                first = False
    return out


def _attach(items: list[_Item]) -> list[_Item]:
    """Give unknown pieces to the degree or school they belong to."""
    out: list[_Item] = []
    pending: list[str] = []
    for idx, it in enumerate(items):
        nxt = items[idx + 1] if idx + 1 < len(items) else None
        prev = out[-1] if out else None
        if it.kind == "degree?":
            if prev and prev.kind == "degree" and not it.block_start:
                prev.text = f"{prev.text} {it.text}"
            else:
                out.append(_Item("degree", it.text, it.line, it.block_start))
            continue
        if it.kind == "unknown":
            if nxt and nxt.kind == "inst" and nxt.line == it.line:
                # "Statistics | Some University": a field of study before the school
                out.append(_Item("degree", it.text, it.line, it.block_start))
            elif nxt and nxt.kind == "inst" and not nxt.block_start and (
                vocab.starts_with_institution_word(nxt.text)
            ):
                pending.append(it.text)
            elif prev and prev.kind in {"degree", "inst"} and not it.block_start:
                prev.text = f"{prev.text} {it.text}"
            elif nxt and nxt.kind == "inst":
                pending.append(it.text)
            continue
        if it.kind == "inst" and pending:
            it = _Item(it.kind, " ".join([*pending, it.text]), it.line, it.block_start)
            pending = []
        out.append(it)
    return out


def parse_education(lines: list[Line]) -> list[Education]:
    entries: list[Education] = []
    cur: Education | None = None
    for it in _attach(_items(lines)):
        if it.kind not in {"degree", "inst", "date"}:
            continue
        field = {"degree": "degree", "inst": "institution", "date": "graduation_date"}[it.kind]
        if cur is None or getattr(cur, field) is not None:
            if cur is not None and (cur.degree or cur.institution):
                entries.append(cur)
            elif cur is not None and it.kind != "date":
                setattr(cur, field, it.text.strip(" ,;-–"))
                continue
            cur = Education()
        setattr(cur, field, it.text.strip(" ,;-–"))
    if cur is not None and (cur.degree or cur.institution):
        entries.append(cur)
    return entries


def run(state: ParseState) -> None:
    """Stage: fill `education` from the education section(s)."""
    state.result.education = parse_education(state.section("education"))
