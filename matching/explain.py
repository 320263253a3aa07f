"""Why a candidate scored what they did, in words a recruiter reads in a second.

`summary` is one line ("4/5 required skills, missing Kubernetes · 7.5 yrs (5+ asked) · …");
`reasons` are the same facts, one sentence each, for a detail view: skills with how long and
until when the roles that mention them ran, occupation (O*NET) and seniority against the
job's. All user-facing wording of matching lives here (STYLE.md, habit 9).
"""

from __future__ import annotations

from typing import Any

from matching.analysis import JobAnalysis
from matching.occupation import title_of


def _names(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" +{len(items) - limit} more" if len(items) > limit else "")


def _skills(kind: str, detail: dict[str, Any], total: int) -> tuple[str, str]:
    have = detail["matched"] + [f"{p['skill']} (via {p['via']})" for p in detail["partial"]]
    full = len(detail["matched"])
    related = len(detail["partial"])
    label = "required skills" if kind == "required" else "nice-to-haves"
    short = f"{full}/{total} {label}"
    if related:
        short += f" (+{related} related)"
    if detail["missing"] and kind == "required":
        short += f", missing {_names(detail['missing'], 3)}"
    long = f"Has {full} of {total} {label}"
    long += f": {_names(have, 6)}." if have else "."
    if detail["missing"]:
        long += f" Missing: {_names(detail['missing'], 6)}."
    if detail["not_recent"]:
        long += f" Not used recently: {_names(detail['not_recent'], 4)}."
    used = detail.get("used") or {}
    shown = [_use(skill, used[skill]) for skill in detail["matched"] if skill in used]
    if shown:
        long += f" Used in roles: {_names(shown, 4)}."
    return short, long


def _use(skill: str, use: dict[str, Any]) -> str:
    """'Python 6 yrs to 2025', 'Excel listed only' (from the roles that mention it)."""
    months, last = int(use.get("months") or 0), use.get("last")
    if not months and last is None:
        return f"{skill} listed only"
    span = f"{months / 12:.1f}".rstrip("0").rstrip(".") + " yrs" if months else "undated"
    return f"{skill} {span}" + (f" to {last}" if last is not None else "")


def job_occupation(job: JobAnalysis) -> str | None:
    """The job's O*NET code: its title's, else the one its skills are most typical of."""
    if job.occupation:
        return job.occupation
    return max(job.inferred, key=lambda c: (job.inferred[c], c)) if job.inferred else None


def _occupation(job: JobAnalysis, fit: float, code: str | None) -> tuple[str | None, str]:
    top = job_occupation(job)
    name = title_of(top or "") or top
    # An occupation inferred from the skills is named as such, never as the job's title.
    wanted = f"the job's {name}" if job.occupation else f"{name}, which the job's skills suggest"
    if code is None:
        return None, f"No title on the resume names an occupation close to {name} (O*NET)."
    theirs = title_of(code) or code
    if fit >= 0.95:
        own = "the job's own" if job.occupation else "the one the job's skills suggest most"
        return f"{theirs} (O*NET)", f"Occupation {theirs} (O*NET), {own}."
    return None, (f"Occupation {theirs} (O*NET), " +
                  ("near" if fit >= 0.5 else "far from") + f" {wanted}.")


def _level(job: JobAnalysis, level: str | None, value: float) -> str:
    theirs = f"latest title reads {level}" if level else "no level in the latest title"
    verdict = "fits" if value >= 0.7 else "differs from"
    return f"Seniority: {theirs}; {verdict} the {job.seniority} level asked."


def _years(minimum: int, years: float | None) -> tuple[str, str]:
    if years is None:
        return f"years unknown ({minimum}+ asked)", (
            f"Experience dates are missing, so years cannot be checked ({minimum}+ asked).")
    shown = f"{years:g}"
    verdict = "meets" if years >= minimum else "below"
    return (f"{shown} yrs ({minimum}+ asked)",
            f"{shown} years of experience (roles overlapping in time counted once); "
            f"{verdict} the {minimum}+ asked.")


def _location(job: JobAnalysis, location: str | None) -> tuple[str, str]:
    if job.remote:
        where = f", based in {location}" if location else ""
        return "remote role", f"The role is remote{where}."
    if location is None:
        return "location unknown", f"Candidate's location is unknown; the job is in {job.location}."
    return (f"in {location}", f"Candidate is in {location}; the job is in {job.location}.")


def _focus(asked_held: int, held: int) -> str:
    """'3 of the resume's 12 skills are among those asked.' (the focus part's facts)"""
    noun = "skill" if held == 1 else "skills"
    return f"{asked_held} of the resume's {held} {noun} are among those asked."


def _text(value: float) -> str:
    level = "strong" if value >= 0.6 else "some" if value >= 0.3 else "little"
    return f"Resume text has {level} overlap with the description."


def explain(job: JobAnalysis, name: str | None, years: float | None, location: str | None,
            parts: dict[str, float], facts: dict[str, Any]) -> dict[str, Any]:
    """The explanation JSON stored in `candidate_matches.explanation` and shown in replies."""
    short: list[str] = []
    reasons: list[str] = []
    for kind, wanted in (("required", job.required_skills), ("nice", job.nice_skills)):
        if kind in facts:
            s, long = _skills(kind, facts[kind], len(wanted))
            if kind == "required" or facts[kind]["matched"]:
                short.append(s)
            reasons.append(long)
    if "years" in parts and job.min_years:
        s, long = _years(job.min_years, years)
        short.append(s)
        reasons.append(long)
    if "title" in facts:
        title = facts["title"][1]
        fit = facts["title"][0]
        if title:
            short.append(title if fit >= 0.5 else f"{title} (other role)")
            # A job without a title is compared with the titles its skills are typical of.
            role = (f"“{job.title}”" if job.title_terms
                    else "the titles the job's skills are typical of")
            reasons.append(f"Title: {title}; " + (
                f"fits {role}." if fit >= 0.5 else f"partly fits {role}."
                if fit > 0 else f"a different role from {role}."))
        else:
            reasons.append("No job title found on the resume.")
    if "occupation" in facts:
        s_occ, long = _occupation(job, *facts["occupation"])
        if s_occ:
            short.append(s_occ)
        reasons.append(long)
    if "level" in parts:
        reasons.append(_level(job, facts.get("level"), parts["level"]))
    if "location" in parts:
        s, long = _location(job, location)
        short.append(s)
        reasons.append(long)
    if "focus" in facts:
        reasons.append(_focus(*facts["focus"]))
    if "text" in parts:
        reasons.append(_text(parts["text"]))
    if "feedback" in parts:
        level = ("close to" if parts["feedback"] >= 0.6 else "somewhat like"
                 if parts["feedback"] >= 0.3 else "unlike")
        reasons.append(f"Resume reads {level} the best-matching resumes for this job.")
    if parts.get("peer_title", 0) >= 0.5:
        reasons.append("Titles like those of the best-matching resumes for this job.")
    return {
        "summary": " · ".join(short) or "no skills, title or dates to compare",
        "reasons": reasons,
        "name": name,
        "required": facts.get("required"),
        "nice": facts.get("nice"),
        "years": {"candidate": years, "minimum": job.min_years},
        "title": facts["title"][1] if "title" in facts else None,
        "occupation": ({"job": job_occupation(job), "candidate": facts["occupation"][1]}
                       if "occupation" in facts else None),
        "location": {"candidate": location, "job": job.location, "remote": job.remote},
    }
