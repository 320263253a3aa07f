"""Matching quality on the shared dev set: our ranking beside plain BM25, in one run.

    .venv/bin/python benchmarks/match_quality.py [--data ../shared/data/matching-dev]

Each resume is parsed by the real parser (parsed JSON cached under the system temp dir, never
in the project), stored as a candidate in a throw-away SQLite database and indexed like the
worker does; each job is analysed like `hotgigs job add` and ranked with `match_job`'s code.
Relevant = same category as the job. Prints precision@10 and nDCG@10 (binary gains) averaged
over the jobs, for: ours, ours with only the text part, and BM25 over the raw resume text.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.analysis import analyze_job
from matching.index import index_candidate
from matching.rank import rank
from pipeline.models import ParsedResume
from pipeline.parser import parse_document
from storage.db import Database, upgrade
from storage.models import Candidate, CandidateSkill

CACHE = Path(tempfile.gettempdir()) / "hotgigs-match-quality-cache"
K = 10


def parsed(path: Path) -> ParsedResume:
    data = path.read_bytes()
    key = CACHE / f"{hashlib.sha256(data).hexdigest()}.json"
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


def main() -> None:
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=here.parent / "shared/data/matching-dev")
    args = parser.parse_args()
    with open(args.data / "labels.csv") as f:
        labels = {r["resume_id"]: r["category"] for r in csv.DictReader(f)}
    with open(args.data / "jobs.csv") as f:
        jobs = {r["job_id"]: r["category"] for r in csv.DictReader(f)}
    raw = {rid: (args.data / "resumes" / f"{rid}.txt").read_text(errors="replace")
           for rid in labels}

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="hotgigs-mq-"))
    url = f"sqlite:///{workdir / 'db.sqlite3'}"
    upgrade(url)
    db = Database(url)
    id_of: dict[int, str] = {}
    with db.session() as session:
        for rid in labels:
            res = parsed(args.data / "resumes" / f"{rid}.txt")
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
        for cid in id_of:
            index_candidate(session, cid)
    print(f"indexed {len(id_of)} resumes in {time.monotonic() - started:.0f} s", file=sys.stderr)

    baseline = PlainBM25(raw)
    per_category = Counter(labels.values())
    results: dict[str, list[tuple[float, float]]] = {"ours": [], "ours-text-only": [],
                                                     "bm25": []}
    timings = []
    with db.session() as session:
        for job_id, category in jobs.items():
            title, _, body = (args.data / "jobs" / f"{job_id}.txt").read_text().partition("\n")
            relevant = per_category[category]
            analysis = analyze_job(title, body)
            t0 = time.monotonic()
            ours = [id_of[m.candidate_id] for m in rank(session, analysis, owner_id=None, top=K)]
            timings.append(time.monotonic() - t0)
            text_only = analysis.model_copy(update={
                "required_skills": [], "nice_skills": [], "title_terms": [], "min_years": None})
            plain = [id_of[m.candidate_id] for m in rank(session, text_only, owner_id=None, top=K)]
            for name, ranking in (("ours", ours), ("ours-text-only", plain),
                                  ("bm25", baseline.rank(f"{title}\n{body}")[:K])):
                hits = [labels[r] == category for r in ranking]
                hits += [False] * (K - len(hits))
                results[name].append((precision(hits), ndcg(hits, relevant)))
    print(f"matching-dev: {len(labels)} resumes, {len(jobs)} jobs; relevant = same category")
    print(f"{'ranking':<28}{'P@10':>8}{'nDCG@10':>10}")
    names = {"ours": "ours (match_job)", "ours-text-only": "ours, text part only",
             "bm25": "BM25 baseline (raw text)"}
    for key, rows in results.items():
        p = sum(r[0] for r in rows) / len(rows)
        n = sum(r[1] for r in rows) / len(rows)
        print(f"{names[key]:<28}{p:>8.3f}{n:>10.3f}")
    timings.sort()
    print(f"match_job on SQLite, {len(id_of)} candidates: median "
          f"{1000 * timings[len(timings) // 2]:.0f} ms per job")
    db.dispose()


if __name__ == "__main__":
    main()
