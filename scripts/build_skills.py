"""Build `pipeline/data/skills.json` from O*NET's technology skills and our curated table.

Run as `python -m scripts.build_skills /path/to/taxonomy` (a build step, not runtime code: it
writes `pipeline/data/skills.json`, which the parser reads). O*NET names products the
way a catalogue does ("Microsoft Excel", "Cascading style sheets CSS"); recruiters write
"Excel" and "CSS". General rules (vendor prefixes, trailing acronyms, generic class names)
do most of the work, `pipeline/data/skills_curated.toml` fixes the rest and adds the
non-software skills O*NET does not cover. The output is small, sorted and diff-friendly.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "pipeline" / "data"
CURATED = DATA_DIR / "skills_curated.toml"
OUTPUT = DATA_DIR / "skills.json"
TSV_NAME = "onet-technology-skills.tsv"
ATTRIBUTION = (
    "This includes information from the O*NET database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 license."
)
DEFAULT_CATEGORY = "Other software"
SPOKEN = "Spoken languages"
_LANGUAGE_PHRASES = (
    "fluent in {}", "native {} speaker", "{} speaker", "{} (fluent)", "{} (native)"
)
_SMALL_WORDS = {"of", "for", "and", "the", "to", "a", "an", "on", "in", "with"}
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,6}")


@dataclass
class OnetTech:
    """One O*NET `Example` aggregated over the occupations that list it."""

    name: str
    occupations: set[str] = field(default_factory=set)
    hot: bool = False
    in_demand: bool = False
    commodities: Counter[str] = field(default_factory=Counter)


@dataclass
class Skill:
    """A canonical skill being assembled; `weight` decides alias collisions."""

    name: str
    category: str
    hot: bool = False
    ours: bool = False
    weight: int = 0
    forms: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


def key(form: str) -> str:
    """Case- and whitespace-insensitive identity of a surface form."""
    return " ".join(form.lower().split())


def read_onet(tsv: Path) -> dict[str, OnetTech]:
    """Aggregate the TSV (tab-separated, CRLF) per technology name."""
    techs: dict[str, OnetTech] = {}
    with tsv.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            name = " ".join(row["Example"].split())
            tech = techs.setdefault(name, OnetTech(name))
            tech.occupations.add(row["O*NET-SOC Code"])
            tech.hot |= row["Hot Technology"].strip() == "Y"
            tech.in_demand |= row["In Demand"].strip() == "Y"
            tech.commodities[row["Commodity Title"].strip()] += 1
    return techs


def _fits_acronym(acr: str, words: list[str]) -> bool:
    """True when `acr` abbreviates `words`: each word starts an acronym letter, in order."""
    letters = acr.lower()
    words = [w.lower() for w in words if w.lower() not in _SMALL_WORDS]

    def walk(i: int, w: int, pos: int) -> bool:
        if i == len(letters):
            return w == len(words) - 1
        for p in range(pos, len(words[w])):  # a later letter of the current word
            if words[w][p] == letters[i] and walk(i + 1, w, p + 1):
                return True
        nxt = w + 1  # or the first letter of the next word
        return nxt < len(words) and words[nxt][0] == letters[i] and walk(i + 1, nxt, 1)

    return bool(words) and words[0][0] == letters[0] and walk(1, 0, 1)


def split_vendor(name: str, vendors: list[str]) -> tuple[str, str]:
    """("Microsoft", "Excel") for "Microsoft Excel"; the longest known vendor wins."""
    for vendor in sorted(vendors, key=len, reverse=True):
        if name.startswith(vendor + " ") and len(name) > len(vendor) + 1:
            return vendor, name[len(vendor) + 1 :]
    return "", name


def _distinctive(short: str, ambiguous: list[str]) -> bool:
    """Can a product name stand without its vendor? "Kafka", "PowerPoint" yes; "Word" no."""
    inner = any(c.isupper() or c.isdigit() or not c.isalpha() for w in short.split() for c in w[1:])
    return inner or (" " not in short and key(short) not in ambiguous)


def is_generic(name: str) -> bool:
    """A class of software ("Word processing software"), not a product anyone lists."""
    words = name.split()
    rest = [w for w in words[1:] if not _ACRONYM.fullmatch(w)]
    return len(words) > 1 and bool(rest) and all(w.islower() for w in rest)


def derive(name: str, rules: dict[str, Any]) -> tuple[str, list[str]]:
    """Canonical guess and extra surface forms for one O*NET name."""
    forms = [name]
    base = re.sub(r"\s+software$", "", name)
    vendor, short = split_vendor(base, rules["vendors"])
    words = short.split()
    canonical = short
    if len(words) > 1 and _ACRONYM.fullmatch(words[-1]):
        acr, expansion = words[-1], words[:-1]
        for start in range(len(expansion)):
            if _fits_acronym(acr, expansion[start:]):
                forms.append(" ".join(expansion))
                canonical = acr if len(acr) >= 3 else f"{vendor} {acr}".strip()
                forms.append(canonical)
                break
    if vendor and canonical == short:
        if _distinctive(short, rules["ambiguous"]):
            forms.append(short)  # "Photoshop", "SQL Server", "AutoCAD Civil 3D"
        else:
            canonical = base  # "Microsoft Word", "Oracle Application Server"
            if " " not in short:
                forms.append(short)  # "Word": a list-only alias
    forms.append(base)
    return canonical, forms


def build(taxonomy_dir: Path, curated: dict[str, Any]) -> dict[str, Any]:
    """Assemble the whole skills document (pure apart from reading the TSV)."""
    sel, rules, rename = curated["selection"], curated["rules"], curated["rename"]
    include, exclude = set(sel["include"]), set(sel["exclude"])
    overrides = {n: cat for cat, names in curated["category_overrides"].items() for n in names}
    skills: dict[str, Skill] = {}
    for tech in read_onet(taxonomy_dir / TSV_NAME).values():
        wanted = tech.hot or tech.in_demand or len(tech.occupations) >= sel["min_occupations"]
        if tech.name in exclude or not (wanted or tech.name in include):
            continue
        canonical, forms = derive(tech.name, rules)
        generic = is_generic(tech.name) or is_generic(forms[-1].split(" ", 1)[-1])
        if generic and tech.name not in rename and tech.name not in include:
            continue
        canonical = rename.get(tech.name, canonical)
        commodity = tech.commodities.most_common(1)[0][0]
        category = curated["commodity_categories"].get(commodity, DEFAULT_CATEGORY)
        skill = skills.setdefault(key(canonical), Skill(canonical, category))
        if len(tech.occupations) > skill.weight:  # the most used O*NET entry sets the class
            skill.category = category
        skill.weight += len(tech.occupations)
        skill.hot |= tech.hot
        skill.forms += forms
    for category, entries in curated["ours"].items():
        for name, aliases in entries.items():
            skill = skills.setdefault(key(name), Skill(name, category, ours=True))
            skill.category, skill.weight = category, max(skill.weight, 1000)
            skill.forms += aliases
            if category == SPOKEN:  # a language name alone is often a nationality
                skill.forms += [p.format(name) for p in _LANGUAGE_PHRASES]
    # a name in the curated tables that matches no skill is a typo: fail the build on it
    unknown = [
        f"[{table}] {name!r}"
        for table, names in (
            ("aliases", list(curated["aliases"])),
            ("related", [*curated["related"], *chain.from_iterable(curated["related"].values())]),
            ("category_overrides", list(overrides)),
        )
        for name in names
        if key(name) not in skills
    ]
    if unknown:
        raise SystemExit("skills_curated.toml names unknown skills: " + ", ".join(unknown))
    for name, aliases in curated["aliases"].items():
        skills[key(name)].forms += aliases
    for name, targets in curated["related"].items():
        skills[key(name)].related = [skills[key(t)].name for t in targets]
    for name, category in overrides.items():
        skills[key(name)].category = category
    return _document(skills, rules)


def _document(skills: dict[str, Skill], rules: dict[str, Any]) -> dict[str, Any]:
    """Resolve alias collisions, mark ambiguous forms, and lay out the JSON document."""
    owner: dict[str, Skill] = {k: s for k, s in skills.items()}
    for skill in sorted(skills.values(), key=lambda s: -s.weight):
        for form in skill.forms:
            owner.setdefault(key(form), skill)
    ambiguous, cased = set(rules["ambiguous"]), {key(c) for c in rules["cased"]}
    generic = set(rules["generic"])
    out = []
    for skill in sorted(skills.values(), key=lambda s: key(s.name)):
        forms: dict[str, str] = {}
        for form in [skill.name, *skill.forms]:
            if key(form) in generic and form != skill.name:
                continue  # "Database" (from "Oracle Database") names no skill
            if owner[key(form)] is skill and key(form) not in forms:
                forms[key(form)] = form
        entry: dict[str, Any] = {"name": skill.name, "category": skill.category}
        aliases = [f for k, f in forms.items() if k != key(skill.name)]
        if aliases:
            entry["aliases"] = aliases
        list_only = [f for k, f in forms.items() if _is_ambiguous(k, ambiguous)]
        if list_only:
            entry["list_only"] = list_only
        if any(key(f) in cased for f in list_only):
            entry["cased"] = [f for f in list_only if key(f) in cased]
        if skill.related:
            entry["related"] = skill.related
        if skill.hot:
            entry["hot"] = True
        if skill.ours:
            entry["ours"] = True
        out.append(entry)
    return {
        "version": 1,
        "attribution": ATTRIBUTION,
        "sources": {
            "onet": "O*NET Technology Skills (onet-technology-skills.tsv)",
            "ours": "HotGigs additions and corrections (skills_curated.toml); marked ours=true",
        },
        "categories": sorted({s["category"] for s in out}),
        "skills": out,
    }


def _is_ambiguous(form_key: str, ambiguous: set[str]) -> bool:
    """Short forms ("R", "Go") and ordinary words ("Word", "Slack") need a skills list."""
    return form_key in ambiguous or (len(form_key) <= 2 and form_key.isalnum())


def dump(doc: dict[str, Any]) -> str:
    """JSON with one skill per line: compact, yet reviewable in a diff."""
    head = {k: v for k, v in doc.items() if k != "skills"}
    body = ",\n".join(json.dumps(s, ensure_ascii=False) for s in doc["skills"])
    text = json.dumps(head, ensure_ascii=False, indent=1)
    return text[:-2] + ',\n "skills": [\n' + body + "\n ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("taxonomy_dir", type=Path, help=f"folder holding {TSV_NAME}")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not (args.taxonomy_dir / TSV_NAME).is_file():
        print(f"error: {args.taxonomy_dir / TSV_NAME} not found", file=sys.stderr)
        return 2
    curated = tomllib.loads(CURATED.read_text(encoding="utf-8"))
    doc = build(args.taxonomy_dir, curated)
    text = dump(doc)
    json.loads(text)  # the hand-laid layout must still be valid JSON
    args.output.write_text(text, encoding="utf-8")
    n_aliases = sum(len(s.get("aliases", [])) for s in doc["skills"])
    print(
        f"wrote {args.output}: {len(doc['skills'])} skills, {n_aliases} aliases, "
        f"{len(doc['categories'])} categories, {len(text.encode()) // 1024} KB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
