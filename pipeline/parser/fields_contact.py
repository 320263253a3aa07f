"""Contact fields: name, email, phone (E.164, through `phones`), location and links.

Contact details can sit anywhere (a page header, a sidebar, a table cell, a footer), so each
field is searched over all lines with a preference for the top of the document. The name is
chosen in `names` by scoring candidates (size, boldness, position, name shape, the email)
rather than taking the first line, which is often a city, a school or a job title.
"""

from __future__ import annotations

import itertools
import re

from pipeline.parser import locations_i18n, names, names_cjk, phones, vocab
from pipeline.parser.lines import Line, ParseState
from pipeline.parser.places import is_region

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.I)
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s|,;<>()\"']+|"
    r"(?<![@\w.])(?:[a-z0-9-]+\.)?(?:linkedin\.com|github\.com|gitlab\.com|behance\.net|"
    r"dribbble\.com|stackoverflow\.com|medium\.com|twitter\.com|x\.com)/[^\s|,;<>()\"']+",
    re.I,
)
_SEPARATORS = re.compile(r"\s*(?:\||•|·|▪|■|◆|●|\t|;|/{2}|\s{3,}| – | — )\s*")
_SPACED_HYPHEN = re.compile(r"\s+-\s+")
_LABEL = re.compile(r"^\s*(?:e-?mail|phone|mobile|mob|tel|telephone|cell|contact|address|"
                    r"location|linkedin|github|website|portfolio|name)\s*(?:no\.?)?\s*[:.-]\s*",
                    re.I)


def _ordered(state: ParseState) -> list[Line]:
    """Lines most likely to hold contact data first: top/contact sections, then the rest."""
    first = [ln for s in state.sections if s.kind in {"top", "contact"} for ln in s.lines]
    assert state.doc is not None
    taken = {id(ln) for ln in first}
    rest = [ln for ln in state.doc.lines if id(ln) not in taken]
    return first + rest


_CUT_EMAIL = re.compile(r"[\w.+-]+@[\w.-]*$")
_EMAIL_TAIL = re.compile(r"^[\w.-]+(?=\s|$)")
_LOCAL_HEAD = re.compile(r"(?:^|\s)([\w.+-]*[\w+][.-])$")


def find_email(lines: list[Line]) -> str | None:
    """The first address; where a narrow column wrapped it ('marcus.johnson-' / 'reyes@…',
    'priya@mail.exampl' / 'e.co.uk', 'marcus@ma' / 'il.example.com'), the whole of it."""
    for i, ln in enumerate(lines):
        for m in EMAIL_RE.finditer(ln.text):
            found = m.group(0).strip(".")
            before = lines[i - 1] if i > 0 else None
            after = lines[i + 1] if i + 1 < len(lines) else None
            if m.start() == len(ln.text) - len(ln.text.lstrip()) and _wraps_into(before, ln):
                head = _LOCAL_HEAD.search(before.text.rstrip())  # type: ignore[union-attr]
                whole = EMAIL_RE.fullmatch(f"{head.group(1)}{found}") if head else None
                found = whole.group(0) if whole else found
            if m.end() == len(ln.text.rstrip()) and _wraps_into(ln, after):
                tail = _EMAIL_TAIL.match(after.text.strip())  # type: ignore[union-attr]
                whole = EMAIL_RE.fullmatch(f"{found}{tail.group(0).rstrip('.')}") if tail \
                    else None
                found = whole.group(0) if whole else found
            return found
    return _wrapped_email(lines)


def _wraps_into(line: Line | None, nxt: Line | None) -> bool:
    """Whether `nxt` may be the wrapped tail of `line`: the same column, and `line` runs to
    its block's edge or `nxt` goes on in its block (known for PDFs and scans only)."""
    return line is not None and nxt is not None and bool(line.size) and (
        line.full_width or not nxt.block_start) and line.column == nxt.column and \
        line.page == nxt.page


def _wrapped_email(lines: list[Line]) -> str | None:
    """'marcus.whitaker@ma' / 'il.example.com': a narrow sidebar wraps an address anywhere."""
    for ln, nxt in itertools.pairwise(lines):
        cut, tail = _CUT_EMAIL.search(ln.text.rstrip()), _EMAIL_TAIL.match(nxt.text.strip())
        if cut and tail and ln.column == nxt.column:
            m = EMAIL_RE.fullmatch(cut.group(0) + tail.group(0).rstrip("."))
            if m:
                return m.group(0)
    return None


def find_links(text: str) -> list[str]:
    out: list[str] = []
    for m in URL_RE.finditer(text):
        url = m.group(0).rstrip(".")
        if url not in out:
            out.append(url)
    return out


def pieces(text: str) -> list[str]:
    """A contact line split at its visual separators, with emails/urls/labels removed."""
    text = URL_RE.sub(" | ", EMAIL_RE.sub(" | ", text))
    out = []
    for p in _SEPARATORS.split(text):
        p = _LABEL.sub("", p).strip(" ,-–|")
        if p:
            out.append(p)
    return out


# "City, Region[, Country]" in any script with capitals ("İzmir, Turkey", "Łódź, Poland")
_LOC_RE = re.compile(r"^(?=[^\W\d_])(?=\S*[^\W\d_])[\w.'’ -]{2,41}"
                     r"(?:,\s*[^\W\d_][\w.'’ -]{1,30}){1,2}(?:\s+\d{5,6})?$")


_POSTAL_TAIL = re.compile(r",\s*\d{3}\s?\d{2,3}(?:,\s*[A-Z]{2})?\s*$")


def tidy_place(piece: str) -> str:
    """'Kharadi, Pune, 411014, IN' → 'Kharadi, Pune': job-board exports end a place with its
    postal code and country code as parts of their own, which no 'City, Region' shape has."""
    return _POSTAL_TAIL.sub("", piece.strip())


def location_score(piece: str) -> float:
    """How much a text piece looks like 'City, Region[, Country]'."""
    p = re.sub(r"\s+\d{5,6}(-\d{4})?$", "", piece.strip())
    if re.search(r"(?i)relocat|willing|open to|remote only", piece):
        return 0.0
    if not (_LOC_RE.match(piece.strip()) and piece.strip()[0].isupper()) and not is_region(p):
        return 0.0
    parts = [x.strip() for x in p.split(",")]
    if any(len(x.split()) > 4 for x in parts):
        return 0.0
    # "MA" is a degree and a state: judge the words outside the region part only
    words = ", ".join(x for x in parts if not is_region(x))
    if vocab.has_org_word(words) or vocab.has_title_word(words) or vocab.has_degree_word(words):
        return 0.0
    score = 0.5
    if len(parts) > 1 and any(is_region(x) for x in parts[1:]):
        score = 1.0
    elif len(parts) == 1:
        score = 0.6 if is_region(p) else 0.0
    return score


def find_location(state: ParseState, lines: list[Line]) -> str | None:
    for ln in lines[:60]:
        m = re.match(r"(?i)^\s*(?:location|address|based in|city)\s*[:\-]\s*(.+)$", ln.text)
        if m:
            return pieces(m.group(1))[0] if pieces(m.group(1)) else None
    top = [ln for s in state.sections if s.kind in {"top", "contact"} for ln in s.lines][:40]
    # a line with an email is a contact line wherever it sits (a page footer), and so is a
    # page header or footer
    assert state.doc is not None
    seen = {id(ln) for ln in top}
    top += [ln for ln in state.doc.lines if id(ln) not in seen and (
        ln.is_header_footer or EMAIL_RE.search(ln.text))]
    # and so are the neighbours of an email or a phone ("About: Austin, TX / email / phone")
    seen = {id(ln) for ln in top}
    doc = state.doc.lines
    contact = [i for i, ln in enumerate(doc)
               if EMAIL_RE.search(ln.text) or _CUT_EMAIL.search(ln.text.rstrip())
               or (len(ln.text) < 40 and phones.candidates(ln.text))]
    near = {id(doc[j]) for i in contact for j in range(max(0, i - 2), min(len(doc), i + 3))
            if doc[j].column == doc[i].column}
    top += [ln for ln in doc if id(ln) in near and id(ln) not in seen]
    best: tuple[float, str] | None = None
    for idx, ln in enumerate(top):
        has_contact = bool(EMAIL_RE.search(ln.text) or phones.candidates(ln.text))
        # "Mysore, Karnataka - Email me on Indeed": a spaced hyphen parts a place from the rest
        # (not a name separator: "Self Employed - Microsoft IT" would turn into names)
        for piece in (tidy_place(p) for part in pieces(ln.text)
                      for p in _SPACED_HYPHEN.split(part)):
            score = location_score(piece)
            if score <= 0:
                continue
            score += 0.3 if has_contact else 0.0
            score -= idx * 0.01
            if best is None or score > best[0]:
                best = (score, re.sub(r"\s+\d{5,6}(-\d{4})?$", "", piece))
    return best[1] if best else None


def run(state: ParseState) -> None:
    """Stage: name, email, phone, location, links."""
    assert state.doc is not None
    lines = _ordered(state)
    text = state.doc.text
    res = state.result
    res.email = find_email(lines)
    res.links = find_links(text)
    res.location = locations_i18n.find_location(lines) or find_location(state, lines)
    region = phones.infer_regions(text, location=res.location, language=res.meta.language,
                                  default=state.default_region)
    res.phone = phones.find_phone(lines, region)
    res.name = names.find_name(state, pieces, res.email)
    if res.meta.language in {"ja", "zh", "ko"} or res.name is None:
        res.name = names_cjk.find_cjk_name(state.doc.lines) or res.name
