"""Candidate names written in Chinese or Japanese characters.

CJK names have no capitals and usually no spaces, so the Latin name rules cannot see them.
A name is 2–4 Han characters (or kana), sometimes split into family and given name by a
space or joined by "・" in a transliterated foreign name. It is found after a label
(氏名, 姓名, 名前, on the same line or the next one, skipping the ふりがな reading) or, with
no label, as the largest name-shaped line at the top of the first page that is not a
document title (履歴書, 简历 …).
"""

from __future__ import annotations

import re

from pipeline.parser.lines import Line

_LABEL = re.compile(r"^\s*(?:氏\s*名|姓\s*名|名\s*前|名\s*字)\s*[:：]?\s*(?P<rest>.*)$")
_CHARS = r"\u3005\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF"
_NAME = re.compile(rf"^[{_CHARS}]{{1,6}}(?:[ \u3000・·•][{_CHARS}]{{1,6}}){{0,3}}$")
_TITLES = re.compile(r"履\s*歴\s*書|職\s*務\s*経\s*歴\s*書|简\s*历|簡\s*歷|个人|求职|"
                     r"キャリア|プロフィール|现在|現在|教育|工作|经历|経歴|技能|学歴|職歴")
_READING = re.compile(r"^\s*(?:ふりがな|フリガナ)")


def name_shape(text: str) -> bool:
    """2–12 CJK characters in at most four space- or dot-separated parts."""
    t = text.strip()
    chars = len(re.findall(rf"[{_CHARS}]", t))
    return bool(_NAME.match(t)) and 2 <= chars <= 12


def _labelled(lines: list[Line]) -> str | None:
    for i, ln in enumerate(lines[:60]):
        m = _LABEL.match(ln.text)
        if not m:
            continue
        rest = m.group("rest").split("\t")[0].strip()
        if rest and name_shape(rest):
            return rest
        if rest:
            continue
        for nxt in lines[i + 1:i + 5]:
            if _READING.match(nxt.text):
                continue
            cand = " ".join(c.strip() for c in nxt.text.split("\t") if c.strip())
            if name_shape(cand):
                return cand
    return None


def find_cjk_name(lines: list[Line]) -> str | None:
    """The person's name in CJK characters, or None when the document prints none."""
    found = _labelled(lines)
    if found:
        return found
    first = [ln for ln in lines if ln.page == 0][:15]
    best: tuple[float, str] | None = None
    for idx, ln in enumerate(first):
        text = ln.text.strip()
        if not name_shape(text) or _TITLES.search(text) or len(text.replace(" ", "")) > 12:
            continue
        score = ln.size + (1.0 if ln.bold else 0.0) - idx * 0.1
        if best is None or score > best[0]:
            best = (score, text)
    if best is None:
        return None
    body = sorted(ln.size for ln in lines)[len(lines) // 2] if lines else 0.0
    # only a line set larger than the body text is a name without a label
    return best[1] if not body or best[0] >= body + 2 else None
