"""The common line type that flows from every extractor to every field stage.

Extractors differ wildly (PDF spans, DOCX runs, OCR words); everything after extraction sees
only `Line`s with a few layout features, so the field rules are written once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from pipeline.models import ParsedResume
from pipeline.parser.span_model import Spans


@dataclass(frozen=True, slots=True)
class Line:
    """One visual line of text plus the layout features the heuristics rely on."""

    text: str
    bold: bool = False
    size: float = 0.0
    page: int = 0
    column: int = 0
    is_header_footer: bool = False
    # a new block (PDF block, table cell, column) starts here: sections may reset
    block_start: bool = False
    # a column change on a sidebar layout: the text before the next heading is not a
    # continuation of the previous column's last section
    column_start: bool = False
    caps: bool = field(default=False, compare=False)
    # the line runs to its block's right edge, so the next line may be its wrapped tail
    # (known for PDFs and scans; False where no positions exist)
    full_width: bool = field(default=False, compare=False)

    def with_text(self, text: str) -> Line:
        """The same line with other text (used when splitting or cleaning)."""
        return replace(self, text=text)


@dataclass
class ExtractedDocument:
    """What an extractor hands on: lines in reading order and facts about the file."""

    lines: list[Line]
    pages: int
    extractor: str
    ocr_used: bool = False
    layout: str = "single"
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Plain text in reading order, one line per `Line`."""
        return "\n".join(line.text for line in self.lines)


@dataclass
class Section:
    """A run of lines under one heading; `kind` is normalised (experience, education…)."""

    kind: str
    heading: str
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass
class ParseState:
    """Everything the stages share; each stage reads some of it and fills in more."""

    data: bytes
    filename: str
    kind: str
    doc: ExtractedDocument | None = None
    sections: list[Section] = field(default_factory=list)
    result: ParsedResume = field(default_factory=ParsedResume)
    skill_text: str = ""
    # region of phone numbers printed without a country code when the résumé gives no clue
    default_region: str = "US"
    # the trained span model's entities over the header lines (None: rules alone)
    spans: Spans | None = None

    def section(self, kind: str) -> list[Line]:
        """All lines of every section of one kind, in document order."""
        out: list[Line] = []
        for sec in self.sections:
            if sec.kind == kind:
                out.extend(sec.lines)
        return out

    def has_section(self, kind: str) -> bool:
        return any(sec.kind == kind for sec in self.sections)


_LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st", "\u00a0": " ", "\u200b": "", "\u00ad": "", "\ufeff": "",
    "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ", "\u2010": "-", "\u2011": "-",
}
# compatibility look-alikes some PDF text layers use for CJK (Kangxi radicals "⼯" for "工")
# and full-width ASCII ("２０１９", "（"): their NFKC form is the character a reader sees
_COMPAT = re.compile(r"[\u2E80-\u2FDF\uFF01-\uFF5E]")
_CID = re.compile(r"\(cid:\d+\)")
_SPACES = re.compile(r"[ \u3000]{2,}")


def clean_text(text: str) -> str:
    """Undo PDF/Word artefacts: ligatures, `(cid:NN)` glyph ids, odd spaces, stray controls."""
    for bad, good in _LIGATURES.items():
        if bad in text:
            text = text.replace(bad, good)
    text = _CID.sub("", text)
    text = "".join(ch for ch in text if ch in "\t" or unicodedata.category(ch)[0] != "C")
    text = unicodedata.normalize("NFC", text)
    if not text.isascii():
        text = _COMPAT.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    if "i" in text or "í" in text:
        text = _WORD.sub(_small_caps_i, text)
    return _SPACES.sub(" ", text).strip()


_WORD = re.compile(r"[^\W\d_]{3,}")
_LOWER_I = frozenset("iíìîï")


def _small_caps_i(m: re.Match[str]) -> str:
    """'IGLESiAS', 'INGENiERíA' → capitals: small-caps fonts (LaTeX CV classes) often map the
    small-cap i to a lower-case i, which breaks names, headings and titles in capitals."""
    word = m.group(0)
    if sum(c.isupper() for c in word) >= 3 and any(c in _LOWER_I for c in word) and all(
            c.isupper() or c in _LOWER_I for c in word):
        return word.upper()
    return word


def is_caps(text: str) -> bool:
    """True for lines written in capitals (a common heading style)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


_STROKES = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h"})


def fold(text: str) -> str:
    """Casefold and drop accents: the key words, names and places are compared on."""
    # letters with a stroke have no decomposition: "wykształcenie" → "wyksztalcenie"
    text = unicodedata.normalize("NFKD", text.casefold().translate(_STROKES))
    return "".join(ch for ch in text if not unicodedata.combining(ch))
