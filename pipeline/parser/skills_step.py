"""Skills: canonical names from the skills taxonomy, from the Skills section (or, without one,
from the experience and summary text).

The taxonomy lives in `pipeline.parser.skills` (another module's job); it is imported lazily
so the parser still works, without skills, while that module is absent or broken.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from pipeline.parser.lines import ParseState

log = logging.getLogger(__name__)
FindSkills = Callable[..., list[tuple[str, str]]]


def load_finder() -> FindSkills | None:
    try:
        module = importlib.import_module("pipeline.parser.skills")
    except ImportError:
        return None
    finder = getattr(module, "find_skills", None)
    return finder if callable(finder) else None


def run(state: ParseState) -> None:
    """Stage: fill `skills` and `meta.skill_categories`."""
    finder = load_finder()
    if finder is None:
        state.result.meta.warnings.append("skills taxonomy unavailable: skills not extracted")
        return
    skill_text = "\n".join(ln.text for ln in state.section("skills"))
    exp_text = "\n".join(ln.text for ln in state.section("experience"))
    state.skill_text = skill_text
    names: list[str] = []
    cats: dict[str, str] = {}
    sources: list[tuple[str, bool]] = [(skill_text, True)]
    # a printed Skills section is the candidate's own list; mining the job descriptions as
    # well adds many incidental tools (measured: skills precision 0.55 → 0.39 on parse-dev),
    # so experience and summary are read only when there is no Skills section
    if not skill_text.strip():
        sources += [(exp_text, False), (state.result.summary or "", False)]
    for text, listed in sources:
        if not text:
            continue
        try:
            found = finder(text, list_context=listed)
        except TypeError:  # an older finder without the keyword
            found = finder(text)
        for name, category in found:
            if name not in cats:
                names.append(name)
                cats[name] = category
    state.result.skills = names
    state.result.meta.skill_categories = cats
