"""Experience entries: title, company and dates of each role.

Entries are anchored on date ranges (whatever their form); the short non-bullet lines around
an anchor form the entry's header, which `role_header` cuts into pieces and judges as title,
company or location. Roles printed without dates are cut by layout (`undated_roles`). A
company line standing alone above several dated titles is carried to each of those roles.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from pipeline.models import Experience
from pipeline.parser import dates, sections, vocab
from pipeline.parser.entries import (
    is_bullet,
    is_prose,
    join_wrapped,
    split_pieces,
    undouble,
)
from pipeline.parser.lines import Line, ParseState
from pipeline.parser.role_header import classify, org_score
from pipeline.parser.skills import canonical_skill
from pipeline.parser.span_model import Spans
from pipeline.parser.undated_roles import undated_blocks

_MAX_HEADER = 3
_DASH_LABEL = re.compile(r"^([A-Z][\w /&]{2,25}?)\s*[-–—]\s")


@dataclass
class _Entry:
    anchor: int
    rng: dates.DateRange
    header: list[str] = field(default_factory=list)
    desc: list[str] = field(default_factory=list)
    # line indices: the header lines taken from above the anchor, and the description lines
    above: list[int] = field(default_factory=list)
    desc_at: list[int] = field(default_factory=list)


def _prepare(lines: list[Line]) -> list[Line]:
    """Join wrapped lines and date ranges split over two lines ('May 2016 –' / 'Present')."""
    lines = join_wrapped(lines)
    out: list[Line] = []
    for ln in lines:
        if out and re.search(r"[-–—~〜～]\s*$|\bto\s*$", out[-1].text) and (
            dates.find_range(f"{out[-1].text} {ln.text}")
            and getattr(dates.find_range(out[-1].text), "end", None) is None  # open: "2019 –"
        ):
            out[-1] = out[-1].with_text(f"{out[-1].text} {ln.text}")
            continue
        out.append(ln)
    return out


def _range_of(text: str) -> dates.DateRange | None:
    rng = dates.find_range(text)
    if rng:
        return rng
    single = dates.find_single(text)
    # a lone date ending or starting a short line is a one-date role ("Summer 2020")
    if single and len(dates.strip_dates(text).split()) <= 8 and not is_bullet(text):
        before, after = text[: single.span[0]].strip(), text[single.span[1]:].strip()
        if not before or not after or before.endswith(("\t", "|", ",")):
            return dates.DateRange(single.start, None, single.span)
    return None


def _header_like(text: str) -> bool:
    if is_bullet(text) or is_prose(text) or len(text) >= 110 or text.rstrip().endswith(":"):
        return False
    if sections.is_heading_wording(text.strip()):
        return False  # "Highlights" over a role's achievements labels them; it is no company
    cells = [c.strip() for c in re.split(r"\t|,|\|", text) if c.strip()]
    if len(cells) >= 2 and all(canonical_skill(c) for c in cells):
        return False  # "Go<tab>TypeScript<tab>React": the role's tools, printed as tags
    # a label line ("Environment: Java, SQL", "Key Skills - Azure, SQL") describes the role;
    # it does not name it
    if re.match(r"^[A-Z][\w /&]{2,25}:\s", text):
        return False
    label = _DASH_LABEL.match(text)
    return not (label and sections.is_heading_wording(label.group(1)))


def _anchor_like(text: str) -> bool:
    """A line that may carry an entry's dates: judged without its dates and doubling."""
    if is_bullet(text) or text.rstrip().endswith(":"):
        return False
    rest = dates.strip_dates(undouble(text))
    return len(rest) < 140 and len(rest.split()) <= 20 and not (
        rest.endswith(".") and len(rest.split()) > 8)


def _over_description(texts: list[str], j: int, used: set[int], anchors: set[int]) -> int:
    """Where a bare date line's header search starts: a date printed under its role's first
    achievement ('Backend Developer at Bluefin' / 'Built a billing service…' / '2021 to
    2025') looks past up to two lines of description to the header above them."""
    k = j
    while k >= 0 and j - k < 2 and k not in used and k not in anchors and is_prose(texts[k]):
        k -= 1
    if k < j and k >= 0 and k not in used and k not in anchors and _header_like(texts[k]):
        return k
    return j


def _entries(lines: list[Line]) -> list[_Entry]:
    texts = [ln.text for ln in lines]
    anchors = [(i, r) for i, t in enumerate(texts) if _anchor_like(t) and (r := _range_of(t))]
    used: set[int] = set()
    entries: list[_Entry] = []
    for n, (i, rng) in enumerate(anchors):
        nxt = anchors[n + 1][0] if n + 1 < len(anchors) else len(texts)
        entry = _Entry(i, rng)
        before: list[str] = []
        own = dates.strip_dates(texts[i][: rng.span[0]] + " \t " + texts[i][rng.span[1]:])
        # "2015 – 2018 | Audit Associate | Granite Peak" under "Accountant | Hollis LLP": two
        # lines that each name a whole role are two roles, the upper one undated
        whole = i > 0 and _names_role(own) and _names_role(texts[i - 1])
        j = i - 1
        if not own.strip():
            j = _over_description(texts, j, used, {a for a, _ in anchors})
        while (not whole and j >= 0 and j not in used and len(before) < _MAX_HEADER
               and _header_like(texts[j])):
            if any(a == j for a, _ in anchors):
                break
            before.insert(0, texts[j])
            entry.above.insert(0, j)
            used.add(j)
            j -= 1
        after: list[str] = []
        k = i + 1
        title, company, _ = classify([*before, own])
        # a company found only by cutting one line at a dash may really be the title's tail
        complete = title is not None and company is not None and (
            len([x for x in [*before, own] if x]) > 1 or len(split_pieces(own, dashes=False)) > 1
            or vocab.has_org_word(company))
        while (not complete and k < nxt and len(after) < _MAX_HEADER
               and _header_like(texts[k]) and len(texts[k].split()) <= 10):
            # stop at the next entry's header: a line right above the next anchor belongs to
            # it when this entry already has a title line
            if k == nxt - 1 and nxt < len(texts) and (before or own) and not after:
                break
            after.append(texts[k])
            k += 1
        used.update(range(i, k))
        entry.header = [*before, own, *after] if own else [*before, *after]
        entry.desc_at = [x for x in range(k, nxt) if texts[x]]
        entries.append(entry)
    # lines right above the next anchor that were left to it may have been grabbed as
    # description; they were recorded as `above` of that entry, so drop them here
    for a, b in itertools.pairwise(entries):
        a.desc_at = [x for x in a.desc_at if x not in b.above]
    for e in entries:
        e.desc = [texts[x] for x in e.desc_at]
    return entries


def parse_experience(lines: list[Line], spans: Spans | None = None) -> list[Experience]:
    lines = _prepare([ln for ln in lines if ln.text.strip()])
    out: list[Experience] = []
    prev_company: str | None = None
    bold_headers = any(ln.bold for ln in lines) and not all(ln.bold for ln in lines)
    for entry in _entries(lines):
        title, company, alone = classify(entry.header, spans)
        if company is None and title is not None and prev_company:
            company = prev_company
        if title is None and company is None:
            continue
        prev_company = company if alone or company else None
        # an undated role printed between dated ones ends this role's description
        cut = next((n for n, x in enumerate(entry.desc_at)
                    if _undated_header(lines, x, bold_headers)), len(entry.desc_at))
        end = entry.rng.end
        if end is None and dates.OPEN_RE.search(lines[entry.anchor].text):
            end = "present"  # "2020-03 –" with nothing after: held since then
        out.append(Experience(
            title=title, company=company, start_date=entry.rng.start, end_date=end,
            description="\n".join(entry.desc[:cut]) or None,
        ))
        if cut < len(entry.desc_at):
            out.extend(parse_undated([lines[x] for x in entry.desc_at[cut:]]))
    return out


def _names_role(text: str) -> bool:
    """A line that holds a title (with a title word) and a company in separate pieces."""
    if len(split_pieces(text, dashes=False)) < 2:
        return False
    title, company, _ = classify([text])
    return company is not None and title is not None and vocab.has_title_word(title)


def _short_header(text: str) -> bool:
    return not (is_bullet(text) or is_prose(text)) and _header_like(text) and len(
        text.split()) <= 10


def _undated_header(lines: list[Line], x: int, bold_headers: bool) -> bool:
    """Whether description line `x` is really the first line of an undated role's header
    (with the line under it: "Hollis & Crane LLP" / "Senior Accountant")."""
    line = lines[x]
    if not _short_header(line.text) or (bold_headers and not line.bold):
        return False
    header = [line.text]
    if bold_headers and x + 1 < len(lines) and _short_header(lines[x + 1].text) and not (
            lines[x + 1].bold):
        header.append(lines[x + 1].text)
    title, company, _ = classify(header)
    if not (title and vocab.has_title_word(title)):
        return False
    # without bold headers only a line naming both title and company is trusted
    return bold_headers or company is not None


def parse_undated(lines: list[Line]) -> list[Experience]:
    """Roles of a section that prints no dates at all: a header must name a role."""
    out: list[Experience] = []
    for block in undated_blocks(join_wrapped([ln for ln in lines if ln.text.strip()])):
        title, company, _ = classify(block.header)
        if not (title and vocab.has_title_word(title)) or not (
                company is None or org_score(company) >= 0 or len(block.header) > 1):
            continue
        out.append(Experience(title=title, company=company,
                              description="\n".join(block.desc) or None))
    return out


def run(state: ParseState) -> None:
    """Stage: fill `experience` from the experience section(s)."""
    lines = state.section("experience")
    if not lines:
        # no heading (a pasted profile, an unusual wording): look for dated roles in the
        # text that no other section claimed
        lines = [ln for sec in state.sections if sec.kind in {"top", "other"}
                 for ln in sec.lines]
    lines = [ln for ln in lines if not ln.is_header_footer]  # "February 20, 2026 · Name"
    found = parse_experience(lines, state.spans)
    if not found and state.has_section("experience"):
        found = parse_undated(lines)
    state.result.experience = found
