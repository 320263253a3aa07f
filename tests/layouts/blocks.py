"""HTML fragments of a person's CV sections, shared by every PDF layout.

PDF layouts are drawn with PyMuPDF's Story (HTML + CSS), whose built-in Noto fallbacks print
Vietnamese, Greek, Cyrillic and CJK names that the base-14 fonts cannot; a layout only decides
where these fragments go on the page and how entries are arranged.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from tests.layouts.people import Person, Role
from tests.layouts.wording import Wording

Entry = Callable[[Role, Wording], str]


def css(family: str = "sans-serif", size: float = 10.0, name_size: float = 22.0) -> str:
    """Real-CV typography: the name largest, bold headings, tight paragraphs."""
    return (f"body {{font-family: {family}; font-size: {size}pt}}"
            f" h1 {{font-size: {name_size}pt; font-weight: bold; margin: 0 0 4pt 0}}"
            f" h2 {{font-size: {size + 2}pt; font-weight: bold; margin: 10pt 0 3pt 0}}"
            " p {margin: 0 0 2pt 0} ul {margin: 0 0 4pt 0} li {margin: 0}"
            " td {vertical-align: top; padding: 0 0 3pt 0}")


def heading(text: str) -> str:
    return f"<h2>{escape(text)}</h2>"


def name(person: Person) -> str:
    return f"<h1>{escape(person.name)}</h1>"


def contact_line(person: Person, sep: str = " | ") -> str:
    parts = (person.location, person.email, person.phone)
    return f"<p>{escape(sep.join(parts))}</p>"


def contact_lines(person: Person) -> str:
    """One item a line, never broken inside (an address split at its hyphen is two words)."""
    return "".join(f"<p style='white-space:nowrap'>{escape(x)}</p>"
                   for x in (person.location, person.email, person.phone))


def bullets(role: Role) -> str:
    return "<ul>" + "".join(f"<li>{escape(b)}</li>" for b in role.bullets) + "</ul>"


def entry_stacked(role: Role, w: Wording) -> str:
    """Title (bold), then "Company | dates", then bullets."""
    dates = w.dates(role)
    second = f"{role.company} | {dates}" if dates else role.company
    return f"<p><b>{escape(role.title)}</b></p><p>{escape(second)}</p>{bullets(role)}"


def entry_three_lines(role: Role, w: Wording) -> str:
    """Title (bold), company, dates, each on its own line (a narrow column's entry)."""
    dates = f"<p>{escape(w.dates(role))}</p>" if w.dates(role) else ""
    return f"<p><b>{escape(role.title)}</b></p><p>{escape(role.company)}</p>{dates}{bullets(role)}"


def entry_one_line(role: Role, w: Wording) -> str:
    """"Title | Company | Dates" on one line, then bullets."""
    parts = [role.title, role.company] + ([w.dates(role)] if w.dates(role) else [])
    return f"<p>{escape(' | '.join(parts))}</p>{bullets(role)}"


def entry_company_first(role: Role, w: Wording) -> str:
    """Company (bold) with the dates right-aligned on the same line, then the title in
    italics, then bullets."""
    return (f"<table style='width:100%'><tr><td><b>{escape(role.company)}</b></td>"
            f"<td style='text-align:right'>{escape(w.dates(role))}</td></tr></table>"
            f"<p><i>{escape(role.title)}</i></p>{bullets(role)}")


def entry_dates_left(role: Role, w: Wording) -> str:
    """A two-cell row: dates in a narrow left cell, title / company / bullets beside it."""
    return (f"<table><tr><td style='width:118pt; white-space:nowrap'>{escape(w.dates(role))}</td>"
            f"<td><b>{escape(role.title)}</b><br/>{escape(role.company)}{bullets(role)}</td>"
            "</tr></table>")


def experience(person: Person, w: Wording, entry: Entry = entry_stacked) -> str:
    return heading(w.experience) + "".join(entry(r, w) for r in person.roles)


def education(person: Person, w: Wording) -> str:
    out = [heading(w.education)]
    for s in person.schools:
        tail = f", {s.year}" if s.year else ""
        out.append(f"<p><b>{escape(s.degree)}</b></p><p>{escape(s.institution + tail)}</p>")
    return "".join(out)


def skills_inline(person: Person, w: Wording) -> str:
    return heading(w.skills) + f"<p>{escape(', '.join(person.skills))}</p>"


def skills_list(person: Person, w: Wording) -> str:
    return heading(w.skills) + "".join(f"<p>{escape(s)}</p>" for s in person.skills)


def summary(person: Person, w: Wording) -> str:
    return heading(w.summary) + f"<p>{escape(person.summary)}</p>"
