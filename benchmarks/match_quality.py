"""Matching quality on the shared dev set: our ranking beside plain BM25, in one run.

    .venv/bin/python benchmarks/match_quality.py [--data ../shared/data/matching-dev]

Each resume is parsed by the real parser (parsed JSON cached under the system temp dir, never
in the project, keyed by the file, the parser version and the skills taxonomy), stored as a
candidate in a throw-away SQLite database and indexed like the worker does; each job is
analysed like `hotgigs job add`, short-listed with `match_job`'s code and its candidates'
score parts computed once. Relevant = same category as the job.

Honest tuning: the jobs are split in two halves (alternate job ids within each category, so
each half has five jobs of each category). The part weights and the query-expansion share are
chosen on one half (coordinate ascent on P@10 + nDCG@10 over its free-text and skill-list-only
jobs) and reported on the other, and the reverse. No per-document rule is involved. Each job
is also run as a skill-list-only version ("Required skills: a, b, c" from its own required
skills, no title). Printed per half: ours (tuned on the other half), BM25 over the raw resume
text, and ours with the shipped weights (`matching.score.WEIGHTS`, tuned on all the jobs, so
in-sample: for reference only). The weights tuned on all jobs are printed last.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.analysis import JobAnalysis, analyze_job
from matching.feedback import FIRST_PASS, add_feedback
from matching.index import corpus_stats, index_candidates
from matching.rank import (
    EXPANSION,
    LIST_EXPANSION,
    expansion_terms,
    load,
    query_weights,
    shortlist,
)
from matching.score import LIST_WEIGHTS, WEIGHTS, parts_of
from matching.skill_occupations import with_inferred
from pipeline.models import ParsedResume
from pipeline.parser import PARSER_VERSION, parse_document
from storage.db import Database, upgrade
from storage.models import Candidate, CandidateSkill

CACHE = Path(tempfile.gettempdir()) / "hotgigs-match-quality-cache"
K = 10


@lru_cache(maxsize=1)
def parser_stamp() -> bytes:
    """What a cached parse depends on besides the file: the parser's version and the skills
    taxonomy (an edited taxonomy keeps the version but changes every resume's skills)."""
    taxonomy = resources.files("pipeline").joinpath("data", "skills.json").read_bytes()
    return f"{PARSER_VERSION}\n".encode() + hashlib.sha256(taxonomy).digest()


def parsed(path: Path) -> ParsedResume:
    data = path.read_bytes()
    key = CACHE / f"{hashlib.sha256(parser_stamp() + data).hexdigest()}.json"
    if key.exists():
        return ParsedResume.model_validate_json(key.read_text())
    result = parse_document(data, path.name)
    CACHE.mkdir(exist_ok=True)
    key.write_text(result.model_dump_json())
    return result


def precision(ranked: list[bool]) -> float:
    return sum(ranked[:K]) / K


def ndcg(ranked: list[bool], relevant: int) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, rel in enumerate(ranked[:K]) if rel)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(K, relevant)))
    return dcg / ideal if ideal else 0.0


class PlainBM25:
    """Textbook BM25 (k1=1.2, b=0.75) over lower-cased alphanumeric tokens of the raw text."""

    def __init__(self, docs: dict[str, str]) -> None:
        self.tf = {d: Counter(re.findall(r"[a-z0-9]+", t.lower())) for d, t in docs.items()}
        self.len = {d: sum(c.values()) for d, c in self.tf.items()}
        self.avg = sum(self.len.values()) / len(self.len)
        df: Counter[str] = Counter()
        for counts in self.tf.values():
            df.update(counts.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def rank(self, query: str) -> list[str]:
        terms = Counter(re.findall(r"[a-z0-9]+", query.lower()))
        scores = {}
        for doc, counts in self.tf.items():
            norm = 1.2 * (1 - 0.75 + 0.75 * self.len[doc] / self.avg)
            scores[doc] = sum(qtf * self.idf.get(t, 0) * counts[t] * 2.2 / (counts[t] + norm)
                              for t, qtf in terms.items() if t in counts)
        return sorted(scores, key=lambda d: (-scores[d], d))


Row = tuple[str, dict[str, float]]  # resume id, score parts
EXPANSIONS = (0.0, 0.15, 0.3, 0.6)
START_EXPANSION = 0.3  # where the tuning starts, whatever the shipped value
STEPS = (0.0, 2.0, 5.0, 10.0, 15.0, 20.0, 35.0, 50.0, 75.0, 100.0)
# A product rule, not a fit: a job's required skills always count in its score.
FLOORS = {"required": 5.0}


def build(data: Path, keep: Path | None) -> tuple[Database, dict[int, str]]:
    """A SQLite database with every resume stored and indexed like the worker does.

    With `keep`, the database is kept at that path and reused as it is when it exists (for
    repeated runs while developing; delete it after changing indexing code)."""
    with open(data / "labels.csv") as f:
        rids = [r["resume_id"] for r in csv.DictReader(f)]
    path = keep or Path(tempfile.mkdtemp(prefix="hotgigs-mq-")) / "db.sqlite3"
    url = f"sqlite:///{path}"
    if keep is not None and keep.exists():
        return Database(url), dict(enumerate(rids, start=1))
    upgrade(url)
    db = Database(url)
    id_of: dict[int, str] = {}
    with db.session() as session:
        for rid in rids:
            res = parsed(data / "resumes" / f"{rid}.txt")
            current = [e for e in res.experience if e.end_date == "present"]
            latest = (current or res.experience)[0] if res.experience else None
            cand = Candidate(name=res.name, location=res.location, data=res.model_dump(mode="json"),
                             latest_title=latest.title if latest else None)
            session.add(cand)
            session.flush()
            for skill in dict.fromkeys(res.skills):
                session.add(CandidateSkill(candidate_id=cand.id, skill=skill,
                                           category=res.meta.skill_categories.get(skill)))
            id_of[cand.id] = rid
        session.flush()
        ids = list(id_of)
        for start in range(0, len(ids), 100):  # chunks, as the worker records them
            index_candidates(session, ids[start:start + 100])
    return db, id_of


def candidate_parts(session: Session, job: JobAnalysis, id_of: dict[int, str]
                    ) -> dict[float, list[Row]]:
    """Per expansion share: the short-listed candidates' score parts for `job`."""
    job = with_inferred(session, [job])[0]  # as `matching.rank.rank` does
    docs, avg_len, dfs = corpus_stats(session, {*job.terms, *expansion_terms(job)})
    queries = {e: query_weights(job, docs, dfs, expansion=e) for e in EXPANSIONS}
    ids = shortlist(session, job, None, query_weights(job, docs, dfs))
    loaded = load(session, ids)
    today = date.today()
    out: dict[float, list[Row]] = {}
    for e, q in queries.items():
        scored = [(c, parts_of(job, c, q, avg_len, today)[0]) for c in loaded]
        add_feedback(session, scored, avg_len)
        out[e] = [(id_of[c.id], parts) for c, parts in scored]
    return out


def ranked(rows: list[Row], weights: dict[str, float]) -> list[str]:
    scored = [(-sum(weights.get(p, 0.0) * v for p, v in parts.items()), rid)
              for rid, parts in rows]
    return [rid for _, rid in sorted(scored)[:K]]


def measure(ranking: list[str], category: str, labels: dict[str, str],
            relevant: int) -> tuple[float, float]:
    hits = [labels[r] == category for r in ranking]
    hits += [False] * (K - len(hits))
    return precision(hits), ndcg(hits, relevant)


def evaluate(cases: list[tuple[dict[float, list[Row]], str]], weights: dict[str, float],
             expansion: float, labels: dict[str, str], per_category: Counter[str]
             ) -> tuple[float, float]:
    found = [measure(ranked(rows[expansion], weights), cat, labels, per_category[cat])
             for rows, cat in cases]
    return (sum(p for p, _ in found) / len(found), sum(n for _, n in found) / len(found))


def tune(cases: list[tuple[dict[float, list[Row]], str]], labels: dict[str, str],
         per_category: Counter[str], start: dict[str, float]) -> tuple[dict[str, float], float]:
    """Weights and expansion share maximising P@10 + nDCG@10 on `cases`: coordinate ascent
    from the hand-set prior and from equal weights, the better of the two on `cases`."""
    def objective(w: dict[str, float], e: float) -> float:
        return sum(evaluate(cases, w, e, labels, per_category))

    found = []
    for first in (dict(start), dict.fromkeys(start, 10.0)):
        best_w, best_e = first, START_EXPANSION
        best = objective(best_w, best_e)
        for _ in range(3):
            for e in EXPANSIONS:
                if (value := objective(best_w, e)) > best:
                    best, best_e = value, e
            for part in WEIGHTS:  # every part, in a fixed order
                for step in STEPS:
                    if step < FLOORS.get(part, 0.0):
                        continue
                    trial = {**best_w, part: step}
                    if sum(trial.values()) and (value := objective(trial, best_e)) > best:
                        best, best_w = value, trial
        found.append((best, best_w, best_e))
    _, weights, expansion = max(found, key=lambda f: f[0])
    return weights, expansion


def skill_list_job(job: JobAnalysis) -> JobAnalysis | None:
    """The same job given only as "Required skills: a, b, c" (None when it names none)."""
    if not job.required_skills:
        return None
    return analyze_job("", "Required skills: " + ", ".join(job.required_skills))


def main() -> None:
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=here.parent / "shared/data/matching-dev")
    parser.add_argument("--keep-db", type=Path, help="keep (and reuse) the indexed database")
    args = parser.parse_args()
    with open(args.data / "labels.csv") as f:
        labels = {r["resume_id"]: r["category"] for r in csv.DictReader(f)}
    with open(args.data / "jobs.csv") as f:
        jobs = {r["job_id"]: r["category"] for r in csv.DictReader(f)}
    raw = {rid: (args.data / "resumes" / f"{rid}.txt").read_text(errors="replace")
           for rid in labels}
    started = time.monotonic()
    db, id_of = build(args.data, args.keep_db)
    print(f"indexed {len(id_of)} resumes in {time.monotonic() - started:.0f} s", file=sys.stderr)

    baseline = PlainBM25(raw)
    prior = {**FIRST_PASS, "feedback": 10.0, "peer_title": 10.0}
    per_category = Counter(labels.values())
    halves: dict[str, list[str]] = {"A": [], "B": []}
    seen: Counter[str] = Counter()
    for job_id, category in sorted(jobs.items()):
        halves["AB"[seen[category] % 2]].append(job_id)
        seen[category] += 1
    free: dict[str, tuple[dict[float, list[Row]], str]] = {}
    skills_only: dict[str, tuple[dict[float, list[Row]], str]] = {}
    bm25: dict[str, tuple[float, float]] = {}
    timings = []
    with db.session() as session:
        for job_id, category in jobs.items():
            title, _, body = (args.data / "jobs" / f"{job_id}.txt").read_text().partition("\n")
            analysis = analyze_job(title, body)
            t0 = time.monotonic()
            free[job_id] = (candidate_parts(session, analysis, id_of), category)
            timings.append(time.monotonic() - t0)
            listed = skill_list_job(analysis)
            if listed is not None:
                skills_only[job_id] = (candidate_parts(session, listed, id_of), category)
            bm25[job_id] = measure(baseline.rank(f"{title}\n{body}")[:K], category, labels,
                                   per_category[category])
    print(f"matching-dev: {len(labels)} resumes, {len(jobs)} jobs (halves of 25: alternate ids "
          f"per category); relevant = same category; skill-list-only jobs: {len(skills_only)}")
    print(f"{'half':<6}{'ranking':<44}{'P@10':>7}{'nDCG@10':>9}")
    for name, other in (("A", "B"), ("B", "A")):
        weights, expansion = tune([free[j] for j in halves[other]], labels, per_category,
                                  prior)
        list_weights, list_expansion = tune(
            [skills_only[j] for j in halves[other] if j in skills_only], labels, per_category,
            prior)
        test_free = [free[j] for j in halves[name]]
        test_list = [skills_only[j] for j in halves[name] if j in skills_only]
        rows = [
            (f"ours, tuned on {other}", evaluate(test_free, weights, expansion, labels,
                                                 per_category)),
            (f"ours, tuned on {other}, skill-list-only jobs",
             evaluate(test_list, list_weights, list_expansion, labels, per_category)),
            ("ours, shipped weights (in-sample)", evaluate(test_free, WEIGHTS, EXPANSION, labels,
                                               per_category)),
            ("ours, shipped weights, skill-list (in-sample)",
             evaluate(test_list, LIST_WEIGHTS, LIST_EXPANSION, labels, per_category)),
            ("BM25 baseline (raw text)",
             (sum(bm25[j][0] for j in halves[name]) / len(halves[name]),
              sum(bm25[j][1] for j in halves[name]) / len(halves[name]))),
        ]
        for label, (p, n) in rows:
            print(f"{name:<6}{label:<44}{p:>7.3f}{n:>9.3f}")
        by_cat = {c: evaluate([case for case in test_free if case[1] == c], weights, expansion,
                              labels, per_category)[0] for c in sorted(set(jobs.values()))}
        print("      P@10 by category: " + ", ".join(f"{c} {v:.2f}" for c, v in by_cat.items()))
        by_cat = {c: evaluate([case for case in test_list if case[1] == c], list_weights,
                              list_expansion, labels, per_category)[0]
                  for c in sorted({case[1] for case in test_list})}
        print("      P@10 by category (skill lists): " + ", ".join(f"{c} {v:.2f}"
                                                               for c, v in by_cat.items()))
        for kind, w, e in (("", weights, expansion), (" (skill lists)", list_weights,
                                                       list_expansion)):
            shown = ", ".join(f"{k} {v:g}" for k, v in w.items())
            print(f"      weights tuned on {other}{kind}: {shown}; expansion {e:g}")
    for kind, cases in (("", list(free.values())), (" (skill lists)",
                                                     list(skills_only.values()))):
        w, e = tune(cases, labels, per_category, prior)
        shown = ", ".join(f"{k} {v:g}" for k, v in w.items())
        print(f"      weights tuned on all jobs{kind} (to ship): {shown}; expansion {e:g}")
    timings.sort()
    print(f"short-list + parts on SQLite, {len(id_of)} candidates: median "
          f"{1000 * timings[len(timings) // 2]:.0f} ms per job")
    db.dispose()


if __name__ == "__main__":
    main()
