"""Stage: ask the trained span model about the lines the field rules will judge.

The model is evidence beside the rules (names, titles, companies), not a parser of its own, so
it reads only the short lines where those fields live: the top of the first page and the
header lines of experience and education entries, not the bullet points and prose around
them. That keeps its cost to a few milliseconds per résumé.
"""

from __future__ import annotations

from pipeline.parser import span_model
from pipeline.parser.entries import is_bullet, is_prose
from pipeline.parser.lines import ParseState

_TOP_LINES = 25


def run(state: ParseState) -> None:
    """Stage: fill `state.spans` (None, with a warning, when the model is not installed)."""
    if not span_model.available():
        state.result.meta.warnings.append(span_model.ABSENT_WARNING)
        return
    assert state.doc is not None
    wanted = [ln.text for ln in state.doc.lines[:_TOP_LINES]]
    for sec in state.sections:
        if sec.kind in {"experience", "education"}:
            wanted += [ln.text for ln in sec.lines
                       if not is_bullet(ln.text) and not is_prose(ln.text)]
    state.spans = span_model.find("\n".join(wanted))
