"""The shared résumé parser: bytes in, `ParsedResume` out, as an ordered list of stages.

Every door (Slack, email, Drive, CLI) ends here. The stages are pure functions over a shared
`ParseState`; their order is written once in `STAGES` (STYLE.md, habit 3). An optional LLM
enhancer runs last and may only refine what the rules found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pipeline.metrics import timed
from pipeline.models import ParsedResume
from pipeline.parser import (
    confidence,
    europass,
    extract,
    fields_contact,
    fields_education,
    fields_experience,
    fields_misc,
    language,
    rirekisho,
    sections,
    skills_step,
    spans_step,
)
from pipeline.parser.detect import detect_kind
from pipeline.parser.lines import ParseState

# 2.0: names in any script, entry shapes, other languages, scans with layout, span model
# 2.1.1: ~120 professional skills in the taxonomy (ledger work, help desk, case management…)
PARSER_VERSION = "2.1.1"

Stage = Callable[[ParseState], None]

STAGES: tuple[Stage, ...] = (
    extract.run,
    language.run,
    sections.run,
    spans_step.run,
    fields_contact.run,
    fields_experience.run,
    fields_education.run,
    fields_misc.run,
    europass.run,
    rirekisho.run,
    skills_step.run,
    confidence.run,
)


class Enhancer(Protocol):
    """The LLM port: refine a rule-based parse using the document text."""

    def enhance(self, parsed: ParsedResume, text: str) -> ParsedResume: ...


def parse_document(data: bytes, filename: str, *, enhancer: object | None = None,
                   default_region: str = "US") -> ParsedResume:
    """Parse one résumé file. Raises `Rejected` when the file can never yield a résumé.

    `default_region` (ISO 3166, `HOTGIGS_DEFAULT_PHONE_REGION`) is the region of phone numbers
    printed without a country code when the résumé itself names no country.
    """
    state = ParseState(data=data, filename=filename, kind=detect_kind(data, filename),
                       default_region=default_region)
    state.result.meta.parser_version = PARSER_VERSION
    for stage in STAGES:
        # extraction (OCR included; it is also timed alone) vs. the field stages after it
        with timed("extract" if stage is extract.run else "fields"):
            stage(state)
    assert state.doc is not None
    result = state.result
    if enhancer is not None and hasattr(enhancer, "enhance"):
        port: Enhancer = enhancer
        with timed("llm"):
            result = port.enhance(result, state.doc.text)
    else:
        result.meta.warnings.append("LLM step skipped: no OPENAI_API_KEY")
    return result


__all__ = ["PARSER_VERSION", "STAGES", "parse_document"]
