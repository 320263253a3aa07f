"""The parser on résumés made by other people's CV generators: JSON Resume themes in Chromium.

The layout suite (`parse_layouts.py`) renders our own 15 layouts; this benchmark renders the
same seeded people of `tests.layouts` with community JSON Resume themes (npm packages, each
with its own HTML, fonts, columns and date style) and prints them to PDF with headless
Chromium, so the PDFs' text layers come from a real browser, as many real résumés do. Each PDF
is parsed and scored with the shared scorer against what the page shows: a truth field whose
value the theme does not print at all (some themes drop the location or the skills) is left
out of that file's truth, so a theme is never blamed on the parser.

Set-up once (needs Node.js, npm and Debian's chromium; nothing here runs in `make test`):
    (cd benchmarks/themes && npm ci)
Run:
    PYTHONPATH=$PWD .venv/bin/python benchmarks/parse_themes.py [--people 20] [--seed 0]
        [--themes even,flat] [--keep DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.parse_layouts import SCORE, SHORT
from pipeline.errors import Rejected
from pipeline.parser import parse_document
from tests.layouts.people import Person, person

HERE = Path(__file__).resolve().parent / "themes"
THEMES = ("even", "flat", "kendall", "stackoverflow", "class", "paper", "short", "spartan",
          "macchiato", "onepage", "caffeine", "straightforward", "elegant", "modern")


def _json_resume(who: Person) -> dict[str, Any]:
    """The person in the JSON Resume schema (keys without a value are left out)."""
    def kept(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if v is not None}
    return {
        "basics": {"name": who.name, "email": who.email, "phone": who.phone,
                   "label": who.roles[0].title, "summary": who.summary,
                   "location": {"city": who.location}},
        # older themes read the schema's former keys (`company`, `website`): both are given
        "work": [kept({"name": r.company, "company": r.company, "position": r.title,
                       "startDate": r.start,
                       "endDate": None if r.end == "present" else r.end,
                       "highlights": list(r.bullets)}) for r in who.roles],
        "education": [kept({"institution": s.institution, "studyType": s.degree,
                            "endDate": s.year}) for s in who.schools],
        "skills": [{"name": "Skills", "keywords": list(who.skills)}],
    }


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _near(lines: list[str], anchors: tuple[str | None, ...], year: str, *,
          alone: bool = False) -> bool:
    """Whether `year` is printed on, or a line next to, a line naming the entry; `alone`:
    as a year of its own, not a month's ("04/2010" by a school is a job's date)."""
    keys = [_squash(a) for a in anchors if a]
    pattern = rf"(?<![\d/.-]){year}(?![\d/.-])" if alone else year
    for i, line in enumerate(lines):
        if any(k and k in _squash(line) for k in keys) and any(
                re.search(pattern, near) for near in lines[max(0, i - 1): i + 2]):
            return True
    return False


def _shown(truth: dict[str, Any], page_text: str) -> dict[str, Any]:
    """The truth restricted to what the rendered page prints (dates are not checked: themes
    reformat them, and a missing date is the parser's to report as missing)."""
    page = _squash(page_text)
    seen = dict(truth)
    for key in ("name", "email", "location"):
        if seen.get(key) and _squash(seen[key]) not in page:
            seen.pop(key)
    if seen.get("phone") and re.sub(r"\D", "", seen["phone"])[-7:] not in re.sub(r"\D", "",
                                                                               page_text):
        seen.pop("phone")
    seen["skills"] = [s for s in truth["skills"] if _squash(s) in page]
    seen["experience"] = [{k: v for k, v in e.items()
                           if k not in ("title", "company") or _squash(v) in page}
                          for e in truth["experience"]]
    seen["education"] = [{k: v for k, v in e.items()
                          if k not in ("degree", "institution") or _squash(v) in page}
                         for e in truth["education"]]
    lines = page_text.splitlines()
    for entry, anchors in [(e, (e.get("company"), e.get("title"))) for e in seen["experience"]] \
            + [(e, (e.get("institution"), e.get("degree"))) for e in seen["education"]]:
        for key in ("start_date", "end_date", "graduation_date"):
            year = str(entry.get(key, ""))[:4]
            if year.isdigit() and not _near(lines, anchors, year,
                                            alone=key == "graduation_date"):
                entry.pop(key)
    return seen


def _render(people: list[Person], themes: list[str], work: Path) -> list[tuple[str, Path]]:
    """HTML through node, then PDF through Chromium: [(theme, pdf)]."""
    if not (HERE / "node_modules").is_dir():
        raise SystemExit(f"themes not installed: run (cd {HERE} && npm ci)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found (Debian package chromium)")
    source = work / "people.jsonl"
    source.write_text("".join(json.dumps({"key": p.key, "resume": _json_resume(p)}) + "\n"
                              for p in people))
    subprocess.run(["node", str(HERE / "render.mjs"), str(source), str(work / "html"),
                    *themes], check=True, cwd=HERE)
    out: list[tuple[str, Path]] = []
    for html in sorted((work / "html").glob("*/*.html")):
        pdf = work / "pdf" / html.parent.name / f"{html.stem}.pdf"
        pdf.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()],
                       check=True, capture_output=True, timeout=120)
        out.append((html.parent.name, pdf))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--themes", default=",".join(THEMES))
    ap.add_argument("--keep", type=Path,
                    help="keep the HTML and PDFs in this folder (and reuse them next time)")
    ap.add_argument("--verbose", action="store_true", help="print each file's failures")
    args = ap.parse_args()
    people = {p.key: p for p in (person(i, args.seed) for i in range(args.people))}
    work = args.keep or Path(tempfile.mkdtemp(prefix="hotgigs-themes-"))
    work.mkdir(parents=True, exist_ok=True)
    per_theme: dict[str, dict[str, Any]] = {}
    themes = args.themes.split(",")
    kept = sorted(p for p in (work / "pdf").glob("*/*.pdf") if p.parent.name in themes
                  and p.stem in people)
    # a kept folder is read again as it is: the parser changes, the PDFs need not
    rendered = ([(p.parent.name, p) for p in kept] if kept
                else _render(list(people.values()), themes, work))
    for theme, pdf in rendered:
        data = pdf.read_bytes()
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            page_text = "".join(page.get_text() for page in doc)
        truth = _shown(people[pdf.stem].truth(), page_text)
        try:
            pred: dict[str, Any] = parse_document(data, pdf.name).model_dump()
        except Rejected as exc:
            pred = {"error": str(exc)}
        res, fails = SCORE.score_file(truth, pred)
        per_theme.setdefault(theme, {})[pdf.stem] = {"res": res}
        if args.verbose and fails:
            print(f"{theme}/{pdf.stem}: " + "; ".join(fails[:6]))
    scores = {t: SCORE.summarise(files, list(files)) for t, files in per_theme.items()}
    fields = [f for f in SHORT if any(t[f]["support"] for t, _ in scores.values())]
    print(f"{args.people} people per theme; F1 per field, MACRO = mean F1 over fields")
    print(f"{'theme':<16}" + "".join(f"{SHORT[f]:>8}" for f in fields) + f"{'MACRO':>8}")
    for theme, (table, macro) in scores.items():
        cells = "".join(f"{table[f]['f1']:>8.3f}" if table[f]["f1"] is not None else f"{'-':>8}"
                        for f in fields)
        print(f"{theme:<16}{cells}{macro:>8.3f}")
    macros = [m for _, m in scores.values()]
    if macros:
        print(f"mean over {len(macros)} themes: {sum(macros) / len(macros):.3f}; "
              f"min {min(macros):.3f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
