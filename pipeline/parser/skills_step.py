"""Skills: canonical names from the skills taxonomy, from the Skills section (or, without one,
from the experience and summary text).

A printed Skills section is the candidate's own list, so it is read in list context (short
ambiguous names such as "Go" or "R" count there); prose is read strictly.
"""

from __future__ import annotations

from pipeline.parser.lines import ParseState
from pipeline.parser.skills import find_skills


def run(state: ParseState) -> None:
    """Stage: fill `skills` and `meta.skill_categories`."""
    skill_text = "\n".join(ln.text for ln in state.section("skills"))
    exp_text = "\n".join(ln.text for ln in state.section("experience"))
    state.skill_text = skill_text
    names: list[str] = []
    cats: dict[str, str] = {}
    sources: list[tuple[str, bool]] = [(skill_text, True)]
    # mining the job descriptions as well adds many incidental tools (measured: skills
    # precision 0.55 → 0.39 on parse-dev), so experience and summary are read only when
    # there is no Skills section
    if not skill_text.strip():
        sources += [(exp_text, False), (state.result.summary or "", False)]
    for text, listed in sources:
        if not text:
            continue
        for name, category in find_skills(text, list_context=listed):
            if name not in cats:
                names.append(name)
                cats[name] = category
    state.result.skills = names
    state.result.meta.skill_categories = cats
