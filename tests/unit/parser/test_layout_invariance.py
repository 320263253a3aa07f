"""Layout invariance, fast subset: a few synthetic people in every text layout.

Two kinds of checks. The generator's own: every layout renders, and its text layer gives the
person's name, e-mail and phone back exactly (otherwise the suite would measure the renderer).
The parser's: per document, every field of every text layout must come out exactly as
generated (names in any script, undated roles, German and Spanish headings and months,
sidebars, tables, text boxes). `GAPS` is where a known failure would be listed with its
reason; it is empty. The full figures come from benchmarks/parse_layouts.py.
"""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import phonenumbers
import pymupdf
import pytest

from pipeline.models import ParsedResume
from pipeline.parser import parse_document
from tests.layouts import LAYOUTS, SCANS, Person, people

TEXT_LAYOUTS = [name for name in LAYOUTS if name not in SCANS]
# US, German umlauts, Vietnamese, Chinese, Greek, US, Turkish, Irish particle, Dutch particle,
# initials only: the scripts and name shapes of the full population in ten people
SUBSET = [people(40)[i] for i in (0, 2, 7, 9, 13, 26, 15, 17, 11, 16)]


@dataclass(frozen=True)
class Gap:
    """A field the parser does not read yet in some layouts (all when `layouts` is empty),
    optionally only for some people; `why` says whose fault it is."""

    field: str
    layouts: frozenset[str]
    why: str
    only: Callable[[Person], bool] | None = None

    def covers(self, field: str, layout: str, person: Person) -> bool:
        return (field == self.field and (not self.layouts or layout in self.layouts)
                and (self.only is None or self.only(person)))


# Every field of every text layout is read today; a regression that cannot be fixed at once
# is listed here with its reason (e.g. Gap("skills", frozenset({"two_column"}), "why")), never
# by loosening the comparison.
GAPS: tuple[Gap, ...] = ()


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def _national(phone: str | None, region: str) -> str:
    if not phone:
        return ""
    return str(phonenumbers.parse(phone, region).national_number)


def facts(p: Person, parsed: ParsedResume) -> dict[str, tuple[Any, Any]]:
    """field -> (expected, parsed), compared exactly (the scorer's fuzz is not needed here)."""
    city = p.location.split(",")[0].casefold()
    got_location = parsed.location or ""
    return {
        "name": (_nfc(p.name), _nfc(parsed.name)),
        "email": (p.email.casefold(), (parsed.email or "").casefold()),
        "phone": (_national(p.phone, p.region), _national(parsed.phone, p.region)),
        "location": (city, city if city in got_location.casefold() else got_location),
        "experience": ([(r.title, r.company, r.start, r.end) for r in p.roles],
                       [(e.title, e.company, e.start_date, e.end_date)
                        for e in parsed.experience]),
        "education": ([(s.degree, s.institution, s.year) for s in p.schools],
                      [(e.degree, e.institution, e.graduation_date) for e in parsed.education]),
        "skills": (sorted(p.skills), sorted(parsed.skills)),
    }


def mismatches(layout: str, p: Person, parsed: ParsedResume) -> list[str]:
    """Every field that is wrong and not a known gap, as readable lines."""
    out = []
    for field, (want, got) in facts(p, parsed).items():
        if want != got and not any(g.covers(field, layout, p) for g in GAPS):
            out.append(f"{layout}/{p.key} {field}: expected {want!r}, parsed {got!r}")
    return out


@pytest.mark.parametrize("layout", TEXT_LAYOUTS)
def test_layout_reads_what_the_parser_knows(layout: str) -> None:
    failures: list[str] = []
    for p in SUBSET:
        data, filename = LAYOUTS[layout](p)
        failures += mismatches(layout, p, parse_document(data, filename))
    assert not failures, "\n".join(failures)


def _text_layer(data: bytes, filename: str) -> str:
    """What a reader of the file sees, ligatures expanded (the parser expands them too)."""
    if filename.endswith(".pdf"):
        flags = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_LIGATURES
        with pymupdf.open("pdf", data) as doc:
            return "\n".join(page.get_text(flags=flags) for page in doc)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = [z.read(n).decode() for n in z.namelist() if n.startswith("word/")
               and n.endswith(".xml")]
    return "\n".join(xml)


@pytest.mark.parametrize("layout", TEXT_LAYOUTS)
def test_layout_text_round_trips(layout: str) -> None:
    for p in SUBSET:
        data, filename = LAYOUTS[layout](p)
        text = _nfc(_text_layer(data, filename))
        for value in (p.name, p.email, p.phone):
            assert _nfc(value) in text, f"{layout}/{p.key}: {value!r} not in the text layer"


def test_scan_has_no_text_layer() -> None:
    data, _ = LAYOUTS["scan"](SUBSET[0])
    with pymupdf.open("pdf", data) as doc:
        assert doc[0].get_images()
        assert not doc[0].get_text().strip()


def test_people_are_seeded_varied_and_valid() -> None:
    population = people(40)
    assert population == people(40)
    assert population != people(40, seed=1)
    assert len({p.key for p in population}) == 40
    assert {"Latin", "CJK", "Cyrillic", "Greek"} <= {_script(p.name) for p in population}
    taxonomy = json.loads(resources.files("pipeline").joinpath("data/skills.json").read_text())
    canonical = {s["name"] for s in taxonomy["skills"]}
    for p in population:
        assert phonenumbers.is_valid_number(phonenumbers.parse(p.phone, p.region)), p.phone
        assert set(p.skills) <= canonical
        assert 1 <= len(p.roles) <= 6 and 1 <= len(p.schools) <= 2
        truth = p.truth()
        assert truth["name"] == p.name and len(truth["experience"]) == len(p.roles)
    roles = [r for p in population for r in p.roles]
    assert any(r.end == "present" for r in roles) and any(r.start is None for r in roles)
    assert any(r.start and len(r.start) == 4 for r in roles)


def _script(name: str) -> str:
    first = unicodedata.name(name[0])
    return next((s for s in ("CJK", "CYRILLIC", "GREEK") if s in first), "LATIN").title(
    ).replace("Cjk", "CJK")
