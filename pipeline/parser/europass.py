"""Europass CVs: the label | value form used across Europe (2003–2012 layouts and their copies).

A Europass CV does not print "Title at Company, dates": each entry is a block of labelled rows
("Datum | 2019 – 2021", "Beruf oder Funktion | Entwickler", "Name und Adresse des Arbeitgebers
| Beispiel GmbH, Berlin"), with the labels in the CV's language and often wrapped over two
lines. This stage reads those rows in the eight languages we take and, when it finds filled
ones, they replace what the generic entry rules made of the form. A blank form (values ". . .")
gives nothing.
"""

from __future__ import annotations

import re

from pipeline.models import Education, Experience
from pipeline.parser import dates
from pipeline.parser.lines import Line, ParseState, fold

# label beginnings (accent-folded, casefolded), enough words to be unambiguous
LABELS: dict[str, tuple[str, ...]] = {
    "dates": ("datum", "zeitraum", "dates", "date", "fechas", "datas", "data", "daty",
              "okres", "periode"),
    "title": ("beruf oder funktion", "occupation or position", "lavoro o posizione",
              "profesion o cargo", "puesto o cargo", "funcao ou cargo", "fonction ou poste",
              "functie of positie", "beroep of functie", "zawod lub zajmowane",
              "zajmowane stanowisko", "funzione o posto", "empleo o cargo", "cargo o puesto"),
    "employer": ("name und adresse", "name und anschrift", "name and address",
                 "nome e indirizzo", "nombre y direccion", "nome e morada", "nome e endereco",
                 "nom et adresse", "naam en adres", "nazwa i adres"),
    "degree": ("bezeichnung der erworbenen", "title of qualification", "titolo della qualifica",
               "titulo de la cualificacion", "designacao da qualificacao",
               "intitule du certificat", "benaming van de", "naam van het diploma",
               "nazwa uzyskanego", "tytul kwalifikacji", "certificato o diploma",
               "titulo obtenido", "diploma obtido"),
    "institution": ("name und art", "name and type", "nome e tipo", "nombre y tipo",
                    "nom et type", "naam en type", "nazwa i rodzaj"),
}
_ORDER = sorted(((p, kind) for kind, ps in LABELS.items() for p in ps),
                key=lambda x: len(x[0]), reverse=True)
_HAS_VALUE = re.compile(r"[^\W_]")


def _label(line: Line) -> tuple[str, str] | None:
    """(label kind, value) of a `label<TAB>value` row, or None."""
    if "\t" not in line.text:
        return None
    head, _, value = line.text.partition("\t")
    key = fold(head).replace("’", "'").strip(" :")
    for prefix, kind in _ORDER:
        if key.startswith(prefix) and (len(key) == len(prefix) or not key[len(prefix)].isalpha()):
            return kind, " ".join(value.split())
    return None


def parse(lines: list[Line]) -> tuple[list[Experience], list[Education], int]:
    """The form's jobs and schools, and how many of its label rows were seen."""
    labels = 0
    jobs: list[Experience] = []
    schools: list[Education] = []
    when: dates.DateRange | None = None
    job: Experience | None = None
    school: Education | None = None
    for ln in lines:
        found = _label(ln)
        if found is None:
            continue
        kind, value = found
        labels += kind != "dates"
        if not _HAS_VALUE.search(value):
            continue  # a blank form's ". . ."
        if kind == "dates":
            when = dates.find_range(value) or dates.find_single(value)
            job = school = None
        elif kind in {"title", "employer"}:
            field = "title" if kind == "title" else "company"
            if job is None or getattr(job, field):
                job = Experience(start_date=when.start if when else None,
                                 end_date=when.end if when else None)
                jobs.append(job)
            setattr(job, field, value.split(",")[0].strip() if kind == "employer" else value)
        else:
            field = "degree" if kind == "degree" else "institution"
            if school is None or getattr(school, field):
                end = (when.end if when and when.end != "present" else None) or (
                    when.start if when and when.end is None else None)
                school = Education(graduation_date=end)
                schools.append(school)
            setattr(school, field, value.split(",")[0].strip() if kind == "institution"
                    else value)
    return jobs, schools, labels


def run(state: ParseState) -> None:
    """Stage: a Europass form's filled rows give the jobs and schools."""
    assert state.doc is not None
    jobs, schools, labels = parse(state.doc.lines)
    if jobs or schools or labels >= 3:
        # a blank form (labels, no values) has no entries, whatever its help texts look like
        state.result.experience = jobs
        state.result.education = schools
