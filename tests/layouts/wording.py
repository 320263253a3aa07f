"""How a layout words a person: section headings, printed dates and date ranges per language.

Month names come from CLDR via Babel (never a hand-typed table), so German and Spanish layouts
print "März 2019 – heute" or "marzo 2019 – actualidad" exactly as a native CV would.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.dates import get_month_names

from tests.layouts.people import Role


@dataclass(frozen=True)
class Wording:
    """Headings and date style of one layout.

    `months` is "short" (Mar 2019), "long" (March 2019), "numeric" (03/2019) or "iso"
    (2019-03); `present` is the word for an open range; `dash` separates the two ends.
    """

    experience: str = "Experience"
    education: str = "Education"
    skills: str = "Skills"
    contact: str = "Contact"
    summary: str = "Summary"
    lang: str = "en"
    months: str = "short"
    present: str = "Present"
    dash: str = " – "

    def date(self, value: str | None) -> str:
        """One schema date as printed ("" when unknown)."""
        if value is None:
            return ""
        if value == "present":
            return self.present
        if len(value) == 4:
            return value
        year, month = value[:4], int(value[5:7])
        if self.months == "numeric":
            return f"{month:02d}/{year}"
        if self.months == "iso":
            return f"{year}-{month:02d}"
        names = get_month_names("abbreviated" if self.months == "short" else "wide",
                                locale=self.lang)
        name = str(names[month]).rstrip(".")
        if self.lang == "en" and self.months == "short":
            name = name[:3]
        return f"{name} {year}"

    def dates(self, role: Role) -> str:
        """A role's printed range ("" when the role has no dates)."""
        if role.start is None and role.end is None:
            return ""
        return f"{self.date(role.start)}{self.dash}{self.date(role.end)}"


ENGLISH = Wording()
ENGLISH_CAPS = Wording("WORK EXPERIENCE", "EDUCATION", "SKILLS", "CONTACT", "PROFILE",
                       months="long", present="present", dash=" - ")
NUMERIC = Wording("Professional Experience", "Education", "Core Skills", "Contact", "Profile",
                  months="numeric", present="Current", dash=" – ")
ISO = Wording("Employment History", "Education & Training", "Skills", "Details", "About",
              months="iso", present="now", dash=" — ")
GERMAN = Wording("Berufserfahrung", "Ausbildung", "Kenntnisse", "Kontakt", "Profil",
                 lang="de", months="long", present="heute")
SPANISH = Wording("Experiencia laboral", "Formación", "Habilidades", "Contacto", "Perfil",
                  lang="es", months="long", present="actualidad", dash=" - ")
