"""Roles printed without dates, cut out of an experience section by layout alone.

Entries are normally anchored on their date ranges. Some résumés print none ("Senior
Analyst / Globex Corporation / • …" and so on), and then nothing anchors them. Here each
entry starts at a short header line that follows the previous entry's description (a bullet
or a sentence) or, when the section styles its headers in bold, at a bold line. Whether a
header really names a role (a title word, an organisation word) is judged by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.parser.entries import is_bullet, is_prose
from pipeline.parser.lines import Line

_MAX_HEADER = 3


@dataclass
class Block:
    """The header lines of one undated role and the description lines under them."""

    header: list[str] = field(default_factory=list)
    desc: list[str] = field(default_factory=list)


def _short_line(text: str) -> bool:
    words = text.split()
    # a table row ("title<tab>company<tab>place") names more than a line of prose would
    limit = 14 if "\t" in text else 10
    return 0 < len(words) <= limit and not text.rstrip().endswith((".", ":", ";", ","))


def undated_blocks(lines: list[Line]) -> list[Block]:
    """Header + description blocks; a header is 1–3 short non-bullet lines."""
    bold_styled = any(ln.bold for ln in lines) and not all(ln.bold for ln in lines)
    blocks: list[Block] = []
    cur: Block | None = None
    for ln in lines:
        text = ln.text.strip()
        headerish = not is_bullet(text) and not is_prose(text) and _short_line(text)
        if bold_styled:
            starts = headerish and ln.bold
        else:
            starts = headerish and (cur is None or bool(cur.desc))
        if starts and (cur is None or cur.desc or len(cur.header) >= _MAX_HEADER):
            cur = Block([text])
            blocks.append(cur)
        elif cur is not None and headerish and not cur.desc and len(cur.header) < _MAX_HEADER:
            cur.header.append(text)
        elif cur is not None:
            cur.desc.append(text)
    return blocks
