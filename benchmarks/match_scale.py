"""`match_job` latency with 100,000 (or 1,000,000) generated candidates in PostgreSQL.

    .venv/bin/python benchmarks/match_scale.py [--candidates 100000] [--admin-url URL]

Creates a throw-away database on the local server (dropped at the end), migrates it, loads
generated candidates (skills drawn from the taxonomy by occupation, role texts drawn from a
pool generated per occupation, profiles, short-list keys, word statistics and skill/occupation
counts computed by the worker's own functions) with COPY, then times `match_job` for generated
jobs (two of them given only as skill lists): every candidate (operator view) and one
recruiter's tenth. At most 100,000 distinct candidates are generated;
a larger run repeats them under new ids and owners (so every table and index has its full
size, and each key's posting list is as long as with distinct people). The short-list indexes
are built after the COPY, as a bulk load does. Prints the load time and p50/p95 in
milliseconds. Nothing is asserted; the targets are p95 < 300 ms at 100,000 and < 800 ms at
1,000,000.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import psycopg
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matching.profile
from matching.index import DOCS, LENGTH, key_impacts
from matching.jobs import create_job, match_job
from matching.profile import Profile, build_profile
from matching.skill_occupations import counts_of
from matching.text import term_counts
from storage.db import Database, upgrade
from storage.models import Candidate, Job

# Role texts come from a small pool, so the skill finder (spaCy) runs once per pool text.
matching.profile.find_skills = lru_cache(maxsize=None)(matching.profile.find_skills)
POOL = 300  # role texts per occupation

OCCUPATIONS = {
    "Backend Engineer": ["Python", "Java", "Go", "PostgreSQL", "MySQL", "Docker", "Kubernetes",
                         "AWS", "Redis", "Kafka", "SQL", "Git", "Linux", "Django"],
    "Frontend Developer": ["JavaScript", "React", "Angular", "CSS", "HTML", "Git", "Figma",
                           "jQuery", "Bootstrap", "GraphQL", "JSON"],
    "Data Analyst": ["SQL", "Excel", "Tableau", "Python", "Power BI", "Alteryx", "SAS",
                     "Google Analytics", "Amazon Redshift"],
    "Accountant": ["QuickBooks", "Excel", "SAP", "Accounting", "Bookkeeping", "Oracle",
                   "Microsoft Office"],
    "Systems Administrator": ["Linux", "Active Directory", "Bash", "Ansible", "Azure",
                              "VMware", "Windows Server", "Jenkins"],
    "Graphic Designer": ["Adobe Illustrator", "InDesign", "Figma", "Adobe After Effects",
                         "Adobe Creative Cloud", "AutoCAD"],
    "Nurse": ["Epic", "Microsoft Office", "Excel"],
    "Sales Manager": ["Salesforce", "HubSpot", "Excel", "LinkedIn", "Microsoft Office"],
}
WORDS = [
    "managed", "delivered", "built", "designed", "improved", "reduced", "supported", "led",
    "coordinated", "analysed", "reported", "trained", "customers", "clients", "services",
    "platform", "budget", "quality", "team", "project", "operations", "growth", "revenue",
    "systems", "process", "data", "patients", "accounts", "campaigns", "infrastructure",
    "reporting", "migration", "audit", "compliance"
]
CITIES = ["Berlin", "London", "Paris", "Leeds", "Austin", "Boston", "Madrid", "Lyon"]
LEVELS = ["Junior", "", "", "Senior", "Lead"]


def role_pool(rng: random.Random) -> dict[str, list[tuple[str, list[str]]]]:
    """Per occupation, `POOL` role texts with the skills each one names."""
    pool: dict[str, list[tuple[str, list[str]]]] = {}
    for occupation, skills in OCCUPATIONS.items():
        pool[occupation] = []
        for _ in range(POOL):
            used = rng.sample(skills, k=min(len(skills), 3))
            text = " ".join(rng.choices(WORDS, k=30)) + ". Used " + ", ".join(used) + "."
            pool[occupation].append((text, used))
    return pool


def generate(rng: random.Random, cid: int, pool: dict[str, list[tuple[str, list[str]]]]
             ) -> tuple[dict[str, object], list[str], str, str]:
    occupation = rng.choice(list(OCCUPATIONS))
    roles = []
    year = 2026
    skills: list[str] = []
    for n in range(rng.randint(1, 4)):
        start = year - rng.randint(1, 5)
        text, used = rng.choice(pool[occupation])
        skills += [s for s in used if s not in skills]
        level = rng.choice(LEVELS)
        roles.append({"title": f"{level} {occupation}".strip(), "company": f"Co {cid % 997}",
                      "start_date": f"{start}-{rng.randint(1, 12):02d}",
                      "end_date": "present" if n == 0 else f"{year}-{rng.randint(1, 12):02d}",
                      "description": text})
        year = start
    extra = [s for s in OCCUPATIONS[occupation] if s not in skills]
    skills += rng.sample(extra, k=min(len(extra), rng.randint(0, 3)))  # listed, not in a role
    data: dict[str, object] = {
        "name": f"Person {cid}", "summary": f"{occupation} with {len(roles)} roles.",
        "experience": roles, "skills": skills}
    return data, skills, str(roles[0]["title"]), rng.choice(CITIES)


DISTINCT = 100_000  # distinct generated candidates; beyond, each is repeated under new ids


@dataclass
class Template:
    """One generated candidate, serialised once for every id that repeats it."""

    data: str
    skills: list[str]
    title: str
    city: str
    profile: tuple[object, ...]  # titles, years, skills, doc, terms, doc_len, fields, evidence
    counts: dict[str, int]
    built: Profile


def templates(count: int, today: date) -> list[Template]:
    rng = random.Random(42)
    pool = role_pool(rng)
    out = []
    for cid in range(1, min(count, DISTINCT) + 1):
        data, skills, title, city = generate(rng, cid, pool)
        p = build_profile(data, skills, latest_title=title, location=city, today=today)
        counts = dict(term_counts(p.doc))
        out.append(Template(json.dumps(data), skills, title, city, (
            json.dumps(p.titles), p.years, json.dumps(p.skills), p.doc, json.dumps(counts),
            sum(counts.values()), json.dumps(p.fields), json.dumps(p.evidence)), counts, p))
    return out


KEY_INDEXES = (
    ("ix_profile_keys_key_impact", "profile_keys (key, impact)"),
    ("ix_profile_keys_owner_key_impact", "profile_keys (owner_id, key, impact)"),
)


def load(url: str, count: int, owners: int) -> None:
    now = datetime.now(UTC)
    today = date.today()
    made = templates(count, today)
    copies = [count // len(made) + (1 if n < count % len(made) else 0) for n in range(len(made))]
    df: Counter[str] = Counter()
    held: Counter[tuple[str, str]] = Counter()  # skill_occupations, as indexing counts them
    total_len = 0
    for t, times in zip(made, copies, strict=True):
        for term in t.counts:
            df[term] += times
        total_len += times * sum(t.counts.values())
        for row, n in counts_of(t.built.skills, t.built.evidence["occupations"],
                                t.built.evidence["title_words"]).items():
            held[row] += n * times
    df[DOCS], df[LENGTH] = count, total_len
    dfs = dict(df)
    keys = [key_impacts(t.built, t.counts, total_len / count, dfs, count, today) for t in made]

    def rows() -> Iterator[tuple[int, int, Template, int]]:
        for cid in range(1, count + 1):
            n = (cid - 1) % len(made)
            yield cid, cid % owners + 1, made[n], n

    with psycopg.connect(url) as conn:
        for n in range(1, owners + 1):
            conn.execute("INSERT INTO recruiters (id, identity, created_at) VALUES (%s, %s, %s)",
                         (n, f"r{n}@bench.test", now))
        for name, _ in KEY_INDEXES:
            conn.execute(f"DROP INDEX {name}")
        with conn.cursor() as cur:
            with cur.copy("COPY candidates (id, owner_id, name, location, latest_title, data, "
                          "created_at, updated_at) FROM STDIN") as cp:
                for cid, owner, t, _ in rows():
                    cp.write_row((cid, owner, f"Person {cid}", t.city, t.title, t.data, now, now))
            with cur.copy("COPY candidate_skills (candidate_id, skill) FROM STDIN") as cp:
                for cid, _, t, _ in rows():
                    for skill in t.skills:
                        cp.write_row((cid, skill))
            with cur.copy("COPY candidate_profiles (candidate_id, owner_id, titles, years, "
                          "skills, doc, terms, doc_len, fields, evidence, location, updated_at) "
                          "FROM STDIN") as cp:
                for cid, owner, t, _ in rows():
                    cp.write_row((cid, owner, *t.profile, t.city, now))
            with cur.copy("COPY term_stats (term, df) FROM STDIN") as cp:
                for term, n in df.items():
                    cp.write_row((term[:100], n))
            with cur.copy("COPY skill_occupations (skill, occupation, n) FROM STDIN") as cp:
                for (skill, occupation), n in held.items():
                    cp.write_row((skill, occupation, n))
            with cur.copy("COPY profile_keys (candidate_id, key, owner_id, impact) "
                          "FROM STDIN") as cp:
                for cid, owner, _, n in rows():
                    for key, impact in keys[n].items():
                        cp.write_row((cid, key, owner, impact))
            for name, columns in KEY_INDEXES:
                cur.execute(f"CREATE INDEX {name} ON {columns}")
            cur.execute("SELECT setval('candidates_id_seq', %s)", (count,))
        conn.commit()
        conn.execute("ANALYZE")


JOBS = [
    ("Senior Backend Engineer", "Requirements:\n- 5+ years of experience\n- Python, PostgreSQL, "
     "Docker\nNice to have: Kubernetes, Kafka\nYou will build payment services and platform "
     "infrastructure."),
    ("Data Analyst", "Must have: SQL, Excel, Tableau. Reporting for growth and revenue."),
    ("Accountant", "We need an accountant with QuickBooks and Excel; 3+ years of experience "
     "in audit and compliance. SAP is a plus."),
    ("Frontend Developer", "React, JavaScript, CSS. Figma is nice to have. Build our customer "
     "platform."),
    ("Systems Administrator", "Linux, Active Directory, Ansible; on-call for infrastructure "
     "migration."),
    ("Registered Nurse", "Epic charting; caring for patients; quality and compliance."),
    ("Sales Manager", "Salesforce and HubSpot; lead the team to revenue growth with clients."),
    ("Graphic Designer", "Adobe Illustrator, InDesign; campaigns for clients."),
    # jobs given only as a skill list: their occupation is inferred from the skills
    ("", "Required skills: QuickBooks, Excel, SAP"),
    ("", "Required skills: Python, Docker, Kubernetes, Redis"),
]


def timed(db: Database, job_ids: list[int], owner: int | None, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for job_id in job_ids:
            with db.session() as session:
                job = session.get(Job, job_id)
                assert job is not None
                t0 = time.perf_counter()
                found = match_job(session, job, top=10, owner_id=owner)
                times.append(1000 * (time.perf_counter() - t0))
                assert found
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--owners", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    parser.add_argument("--existing", help="time a database kept by --keep (no load, no drop)")
    args = parser.parse_args()
    name = f"hotgigs_bench_{uuid.uuid4().hex[:8]}"
    base = args.admin_url.rsplit("/", 1)[0]
    if args.existing:
        name, args.keep = args.existing.rsplit("/", 1)[1], True
    else:
        with psycopg.connect(args.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    db = None
    try:
        if not args.existing:
            upgrade(sa_url, "heads")
            t0 = time.monotonic()
            load(url, args.candidates, args.owners)
            print(f"loaded {args.candidates} candidates in {time.monotonic() - t0:.0f} s",
                  file=sys.stderr)
        db = Database(sa_url)
        with db.session() as session:
            args.candidates = session.scalar(select(func.count()).select_from(Candidate))
            # the jobs are saved without an owner (operator jobs) and ranked two ways below;
            # a kept database keeps its jobs (their analysis is re-made when it is outdated)
            job_ids = list(session.scalars(select(Job.id).order_by(Job.id)))
            if not job_ids:
                job_ids = [create_job(session, title=t, description=d).id for t, d in JOBS]
        timed(db, job_ids, None, 1)  # warm the caches once
        everyone = timed(db, job_ids, None, args.rounds)
        one_owner = timed(db, job_ids, 1, args.rounds)
        print(f"match_job, PostgreSQL, {args.candidates} candidates, {len(JOBS)} jobs x "
              f"{args.rounds} rounds, top 10")
        for label, times in (("all candidates (operator)", everyone),
                             (f"one recruiter (~{args.candidates // args.owners})", one_owner)):
            times.sort()
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            print(f"  {label:<30} p50 {statistics.median(times):6.0f} ms   p95 {p95:6.0f} ms"
                  f"   max {times[-1]:6.0f} ms")
    finally:
        if db is not None:
            db.dispose()
        if args.keep:
            print(f"kept {sa_url}", file=sys.stderr)
        else:
            with psycopg.connect(args.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
