"""Layout invariance of the parser: the same people in every CV layout, scored field by field.

Every synthetic person of `tests.layouts` (seeded; names in many scripts, local phone formats,
open and undated roles) is rendered in every layout, parsed with `parse_document` and scored
against the person's truth with the shared scorer (shared/bench/score_parse.py), so a layout's
row differs from another's only by how the parser reads that layout.

Run:  PYTHONPATH=$PWD .venv/bin/python benchmarks/parse_layouts.py [--people 40] [--seed 0]
          [--layouts one_column,german] [--jobs 2] [--verbose]
Targets: every layout's MACRO >= 0.90, and max - min over the text layouts <= 0.08. The scan
row is printed for information; OCR quality belongs to its own issue.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from multiprocessing import Pool
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.errors import Rejected
from pipeline.parser import parse_document
from tests.layouts import LAYOUTS, SCANS
from tests.layouts.people import person

TARGET, SPREAD = 0.90, 0.08
SHORT = {"name": "name", "email": "email", "phone": "phone", "location": "loc",
         "exp.company": "company", "exp.title": "title", "exp.start_date": "start",
         "exp.end_date": "end", "edu.institution": "school", "edu.degree": "degree",
         "edu.graduation_date": "grad", "skills": "skills"}


def scorer() -> ModuleType:
    """The team's shared scorer, imported by path (it is not a package)."""
    path = Path(__file__).resolve().parents[2] / "shared" / "bench" / "score_parse.py"
    spec = importlib.util.spec_from_file_location("score_parse", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"shared scorer not found: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORE = scorer()


def run_one(job: tuple[str, int, int]) -> tuple[str, str, dict[str, Any], list[str]]:
    """Render one person in one layout, parse it, score it: (layout, key, res, failures)."""
    layout, index, seed = job
    who = person(index, seed)
    data, filename = LAYOUTS[layout](who)
    try:
        pred: dict[str, Any] = parse_document(data, filename).model_dump()
    except Rejected as exc:
        pred = {"error": str(exc)}
    res, fails = SCORE.score_file(who.truth(), pred)
    if pred.get("error"):
        fails.insert(0, f"rejected: {pred['error']}")
    return layout, who.key, res, fails


def table(per_layout: dict[str, dict[str, dict[str, Any]]]) -> dict[str, tuple[dict, float]]:
    return {name: SCORE.summarise(files, list(files)) for name, files in per_layout.items()}


def print_table(scores: dict[str, tuple[dict, float]], people: int) -> None:
    fields = [f for f in SHORT if any(t[f]["support"] for t, _ in scores.values())]
    print(f"{people} people per layout; F1 per field, MACRO = mean F1 over fields with support")
    print(f"{'layout':<15}" + "".join(f"{SHORT[f]:>8}" for f in fields) + f"{'MACRO':>8}")
    for name, (fields_table, macro) in scores.items():
        cells = "".join(f"{fields_table[f]['f1']:>8.3f}" if fields_table[f]["f1"] is not None
                        else f"{'-':>8}" for f in fields)
        flag = "" if macro >= TARGET or name in SCANS else "  < target"
        print(f"{name:<15}{cells}{macro:>8.3f}{flag}")
    text = {n: m for n, (_, m) in scores.items() if n not in SCANS}
    if text:
        hi, lo = max(text, key=text.__getitem__), min(text, key=text.__getitem__)
        spread = text[hi] - text[lo]
        print(f"max - min over text layouts = {spread:.3f} ({hi} {text[hi]:.3f} - {lo} "
              f"{text[lo]:.3f}); target <= {SPREAD}, every layout >= {TARGET}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layouts", default=",".join(LAYOUTS),
                    help="comma-separated layout names (default: all)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="print every mismatch of the chosen layouts")
    a = ap.parse_args(argv)
    names = [n.strip() for n in a.layouts.split(",") if n.strip()]
    unknown = [n for n in names if n not in LAYOUTS]
    if unknown:
        ap.error(f"unknown layout(s) {unknown}; known: {', '.join(LAYOUTS)}")
    jobs = [(n, i, a.seed) for n in names for i in range(a.people)]
    per_layout: dict[str, dict[str, dict[str, Any]]] = {n: {} for n in names}
    with Pool(max(1, a.jobs)) as pool:
        for layout, key, res, fails in pool.imap_unordered(run_one, jobs, chunksize=4):
            per_layout[layout][key] = {"res": res, "fails": fails}
    print_table(table(per_layout), a.people)
    if a.verbose:
        for name in names:
            print(f"\n== {name}")
            for key in sorted(per_layout[name]):
                fails = per_layout[name][key]["fails"]
                if fails:
                    print(f"- {key} ({len(fails)})")
                    for line in fails:
                        print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
