"""Helpers shared by the experience and education stages: bullets, wrapped lines, pieces.

Both stages cut a section into entries and then read each entry's short header lines as
pieces ("Title | Company | City, ST"); the cutting and splitting rules are the same.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.parser import dates
from pipeline.parser.lines import Line

BULLET_RE = re.compile(r"^\s*(?:[•●▪■◦‣∙·○◆◇►▶➢➤✓✔❖➔→*]|-(?=\s)|–(?=\s)|\d{1,2}[.)](?=\s))\s*")
_CONNECT_END = re.compile(r"(?i)(?:\b(?:of|and|in|for|the|at|&|on|with)|[,&/(\-–])\s*$")
_SEP_RE = re.compile(r"\s*(?:\||•|·|▪|◆|●|\t| @ |\bat\b(?=\s+[A-Z]))\s*")
_KANA = re.compile(r"[\u3040-\u30FF]")
_HAN_GAP = re.compile(r"(?<=[\u3400-\u9FFF]) (?=[\u3400-\u9FFF])")
_DASH_RE = re.compile(r"\s+(?:—|–|--|-)\s+")
_DUP_RE = re.compile(r"^(?P<a>.{4,}?)\s*(?P=a)$")
_GLUED_DUP = re.compile(r"(.{8,}?)\s?\1")
_EMPLOYMENT = re.compile(
    r"(?i)^(?:full[- ]?time|part[- ]?time|contract(?:or)?|internship|self[- ]employed|"
    r"freelance|permanent|temporary|seasonal|remote|hybrid|on[- ]?site|"
    r"\d+\s*(?:yrs?|years?|mos?|months?)(?:\s+\d+\s*(?:mos?|months?))?|.{2,60} logo)$"
)
_DURATION = re.compile(r"(?i)^\d+\s*(?:yrs?|years?|mos?|months?)(?:\s+\d+\s*(?:mos?|months?))?\s+")


def is_bullet(text: str) -> bool:
    return bool(BULLET_RE.match(text))


# an achievement written without a bullet ("Reduced wait times by reorganising triage"): a
# past-tense verb, then words in lower case, as no title or company is written
_ACTION_START = re.compile(
    r"^(?:[A-Z][a-z]{2,}(?:ed|ied)|Led|Built|Ran|Cut|Taught|Wrote|Drove|Grew|Won|Made|Set|"
    r"Oversaw|Took|Held|Kept|Brought|Sold|Met|Began|Rebuilt|Undertook|Sped|Spearheaded)\s")


def _achievement(words: list[str]) -> bool:
    if len(words) < 5 or not _ACTION_START.match(" ".join(words[:2])):
        return False
    rest = [w for w in words[1:] if w[:1].isalpha()]
    return bool(rest) and sum(w[0].islower() for w in rest) >= 0.6 * len(rest)


def is_prose(text: str) -> bool:
    """Description text rather than an entry header: long, a sentence, or an achievement."""
    words = text.split()
    if len(words) > 16 or len(text) > 120:
        return True
    return (len(words) > 9 and text.rstrip().endswith(".")) or _achievement(words)


def undouble(text: str) -> str:
    """'Sr. EngineerSr. Engineer' → 'Sr. Engineer' (profile exports print fields twice)."""
    m = _DUP_RE.match(text.strip())
    if m:
        return m.group("a").strip()
    if len(text) < 400:
        return _GLUED_DUP.sub(r"\1", text)
    return text


def join_wrapped(lines: list[Line]) -> list[Line]:
    """Glue a line onto the previous one when it visibly continues it in the same block."""
    out: list[Line] = []
    for ln in lines:
        if out and not is_bullet(ln.text):
            prev = out[-1].text
            first = ln.text.lstrip()[:1]
            plainly = bool(first.islower() or _CONNECT_END.search(prev))
            if is_bullet(prev) and ln.bold == out[-1].bold and "\t" not in ln.text and not (
                dates.find_range(ln.text)
            ) and (plainly or (not ln.block_start and _may_wrap(out[-1]))):
                # the wrapped tail of a bullet point; a bullet that stops short of the
                # margin ("• Led") did not wrap, so the next line starts something new
                out[-1] = replace(out[-1], text=f"{prev} {ln.text}", full_width=ln.full_width)
                continue
            wraps = plainly or first in "(&"
            if not ln.block_start and wraps and not is_prose(prev):
                out[-1] = out[-1].with_text(f"{prev} {ln.text}")
                continue
            if _lower_tail(out[-1], ln):
                # "Akademie der Wis-" / "senschaften": a word hyphenated at the margin
                glued = (f"{prev[:-1]}{ln.text.lstrip()}" if re.search(r"\w-$", prev)
                         else f"{prev} {ln.text}")
                out[-1] = replace(out[-1], text=glued, full_width=ln.full_width)
                continue
        out.append(ln)
    return out


def _lower_tail(prev: Line, line: Line) -> bool:
    """'Reduced wait times by reorganising' / 'triage': a line in the same type that starts
    with a lower-case word goes on with the line above, even where a browser printed each
    line as a block of its own ('iOS Developer', 'eBay' start new lines)."""
    word = line.text.lstrip().split(" ", 1)[0]
    if not prev.size or "/" in word or "@" in word:
        return False  # plain text has no type to compare; a link is no tail
    return (word[:1].islower() and word.lower() == word and line.column == prev.column
            and line.bold == prev.bold and abs(line.size - prev.size) < 0.5
            and "\t" not in line.text and not dates.find_range(line.text)
            and not prev.text.rstrip().endswith((".", "!", "?", ":")))


def _may_wrap(line: Line) -> bool:
    """A line that runs to the margin and ends mid-sentence may go on on the next line."""
    return line.full_width and not line.text.rstrip().endswith((".", "!", "?", ";"))


def split_pieces(text: str, *, dashes: bool = True) -> list[str]:
    """Header text cut at visual separators; duplicates and employment types dropped.

    Spaced dashes separate fields ("Engineer — Acme") but also live inside titles
    ("Director – IT Operations"); with `dashes=False` they are kept.
    """
    out: list[str] = []
    if not _KANA.search(text):
        # Chinese headers separate fields by a space ("北京大学 本科", "公司 工程师")
        text = _HAN_GAP.sub("\t", text)
    for raw in _SEP_RE.split(text):
        for part in _DASH_RE.split(raw) if dashes else [raw]:
            piece = _DURATION.sub("", undouble(trim(part)))
            if not piece or _EMPLOYMENT.match(piece):
                continue
            out.append(piece)
    return out


def trim(piece: str) -> str:
    """Separators off both ends; a parenthesis only when it has no partner inside."""
    piece = piece.strip(" ,;:|-–—")
    if piece.startswith("(") and piece.endswith(")") and piece.count("(") == 1:
        piece = piece[1:-1].strip()
    while (piece.startswith("(") and ")" not in piece) or piece.startswith(")"):
        piece = piece[1:].strip(" ,;:|-–—")
    while (piece.endswith(")") and "(" not in piece) or piece.endswith("("):
        piece = piece[:-1].strip(" ,;:|-–—")
    return piece


def dash_parts(piece: str) -> list[str]:
    return [p.strip(" ,;:") for p in _DASH_RE.split(piece) if p.strip(" ,;:")]
