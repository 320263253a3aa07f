"""Certifications and the summary paragraph.

Certifications are the items of a Certifications/Licenses section, one per line or per
`;`-separated item, with bullets and dates removed. The summary is the Summary/Profile text.
"""

from __future__ import annotations

import re

from pipeline.parser import dates
from pipeline.parser.entries import BULLET_RE, is_prose, join_wrapped
from pipeline.parser.lines import ParseState


def parse_certifications(texts: list[str]) -> list[str]:
    out: list[str] = []
    for raw in texts:
        text = BULLET_RE.sub("", raw).strip()
        if not text or (is_prose(text) and len(text) > 150):
            continue
        items = re.split(r"\s*[;•▪|]\s*", text)
        commas = text.count(",")
        if len(items) == 1 and commas >= 2 and len(text.split()) / (commas + 1) < 6:
            # a comma list of short names, not one long certificate title
            items = text.split(",")
        for item in items:
            item = re.sub(r"\(\s*(?:issued|obtained|since)?\s*\)", "", dates.strip_dates(item))
            item = re.sub(r"(?i)\s*[-–,]?\s*(?:issued|obtained|expires?|expiry)\b.*$", "", item)
            item = item.strip(" ,;:-–()")
            if len(item) > 2 and item not in out:
                out.append(item)
    return out


def run(state: ParseState) -> None:
    """Stage: certifications and summary."""
    cert_lines = join_wrapped(state.section("certifications"))
    state.result.certifications = parse_certifications([ln.text for ln in cert_lines])
    summary = " ".join(ln.text for ln in state.section("summary")).strip()
    state.result.summary = summary[:2000] or None
