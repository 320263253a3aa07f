"""Per-field confidence (0..1) and human warnings about how the file was read.

The scores are rule-based: they say how much evidence backed each field (a labelled phone
beats a bare number, an entry with both title and company beats a half entry) so reviewers
know what to check first.
"""

from __future__ import annotations

from pipeline.parser.lines import ParseState

# below the LLM step's threshold (0.6), so a configured LLM is asked about these fields
_MODEL_DECIDED = 0.5


def _ratio(done: int, total: int) -> float:
    return round(done / total, 2) if total else 0.0


def run(state: ParseState) -> None:
    """Stage: fill `meta.confidence` and add layout/OCR/missing-section warnings."""
    res, meta, doc = state.result, state.result.meta, state.doc
    assert doc is not None
    conf: dict[str, float] = {}
    conf["name"] = 0.9 if res.name else 0.0
    conf["email"] = 0.99 if res.email else 0.0
    conf["phone"] = (0.95 if res.phone.startswith("+") else 0.6) if res.phone else 0.0
    conf["location"] = 0.8 if res.location else 0.0
    exp = res.experience
    conf["experience"] = _ratio(sum(bool(e.title and e.company) for e in exp), len(exp))
    conf["experience_dates"] = _ratio(sum(bool(e.start_date) for e in exp), len(exp))
    edu = res.education
    conf["education"] = _ratio(sum(bool(e.degree and e.institution) for e in edu), len(edu))
    conf["skills"] = 0.8 if res.skills else 0.0
    conf["certifications"] = 0.8 if res.certifications else 0.0
    if doc.ocr_used:
        for key in conf:
            conf[key] = round(conf[key] * 0.8, 2)
    decided = sorted(state.spans.decided) if state.spans is not None else []
    for key in decided:
        # the rules could not tell, the span model chose: low enough for the LLM to check
        conf[key] = min(conf.get(key, 0.0), _MODEL_DECIDED)
    meta.confidence = conf
    warnings = meta.warnings
    if decided:
        warnings.append(f"decided by the span model, not the rules: {', '.join(decided)}")
    if doc.layout == "sidebar":
        warnings.append("sidebar layout: columns read one after the other")
    elif doc.layout == "columns":
        warnings.append("two-column layout: columns read one after the other")
    if doc.ocr_used:
        warnings.append("OCR used: text recognised from an image, check spelling")
    if not state.has_section("experience"):
        warnings.append("no experience section found")
    elif not exp:
        warnings.append("experience section found but no dated roles recognised")
    if not state.has_section("education"):
        warnings.append("no education section found")
    if not res.name:
        warnings.append("no name found")
    if not (res.email or res.phone):
        warnings.append("no email or phone found")
    warnings.extend(w for w in doc.warnings if w not in warnings)
