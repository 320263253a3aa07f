"""Wrong merges: import a folder of resumes of different people, count what was merged.

Every file of ../shared/data/matching-dev/resumes is a different person, so every resume
attached to an existing candidate is a wrong merge (target 0). The files go through the real
intake and the worker's task code (`process_resumes`, in chunks like a bulk import) in this
process, into a throw-away database (SQLite unless --database-url), for one recruiter.
Prints candidates, resumes, merges (with the evidence of each) and possible duplicates.

`--true-pairs N` imports instead N generated people twice (an older and a newer version of
their resume: a new job, and the email kept, or only the phone kept, or neither, so only
the name, employer and title tell) and prints how many pairs became one candidate.

    .venv/bin/python benchmarks/identity_merges.py [--folder DIR] [--limit N]
        [--true-pairs N] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB]
        [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hotgigs.bootstrap import bootstrap
from hotgigs.settings import load_settings
from hotgigs.wiring import tombstone_key_of
from pipeline.context import TaskContext, configure
from pipeline.intake import Intake
from pipeline.links import describe
from pipeline.models import IngestFile, IngestRequest
from pipeline.queue import CHUNK
from pipeline.tasks import process_resumes
from storage.db import upgrade
from storage.models import Candidate, CandidateLink, Resume

RESUMES = Path(__file__).resolve().parents[2] / "shared" / "data" / "matching-dev" / "resumes"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", type=Path, default=RESUMES)
    ap.add_argument("--limit", type=int, default=0, help="first N files only (0: all)")
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--verbose", action="store_true", help="print each merge and suspicion")
    ap.add_argument("--true-pairs", type=int, default=0,
                    help="generated people, two versions each, instead of the folder")
    args = ap.parse_args()
    if args.true_pairs:
        named = true_pairs(args.true_pairs)
    else:
        files = sorted(p for p in args.folder.iterdir() if p.is_file())
        named = [(p.name, p.read_bytes()) for p in files[:args.limit or None]]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/identity.sqlite3"
        upgrade(url)
        settings = load_settings(data_dir=Path(tmp) / "data", database_url=url,
                                 encryption_key="Bml7ZV7WczmJQj2kdJ_lRxeIC-EgA7XpaG5_Qx7-9Bc=")
        services = bootstrap(settings)
        # matching is left out: it does not decide who is who
        configure(TaskContext(db=services.db, blobs=services.blobs,
                              tombstone_key=tombstone_key_of(settings)))
        started = time.monotonic()
        batch = Intake(services.db, services.blobs, None).submit(IngestRequest(
            source="cli", submitted_by="bench@agency.test",
            files=[IngestFile(name=name, content=data) for name, data in named]))
        with services.db.session() as session:
            pending = list(session.scalars(select(Resume.id).where(
                Resume.batch_id == batch.id, Resume.status == "pending").order_by(Resume.id)))
        for start in range(0, len(pending), CHUNK):
            process_resumes(pending[start:start + CHUNK])
        seconds = time.monotonic() - started
        report(services.db, len(named), seconds, verbose=args.verbose)
        if args.true_pairs:
            pairs_report(services.db)
        services.close()


FIRST = ("Amara", "Bogdan", "Chiara", "Dmitri", "Esther", "Farid", "Greta", "Hiro", "Ines",
         "Jonas", "Keisha", "Luca", "Mei", "Nikolai", "Olga", "Pedro", "Quinn", "Rosa")
LAST = ("Abara", "Bianchi", "Castillo", "Dubois", "Eriksen", "Fischer", "Gupta", "Haddad",
        "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov")
JOBS = (("Data Engineer", "Vandelay Industries"), ("Staff Nurse", "Mercy Hospital"),
        ("Accountant", "Hooli"), ("Sous Chef", "Le Bistro"), ("Welder", "Acme Metals"))


def true_pairs(count: int) -> list[tuple[str, bytes]]:
    """`count` people, each as an older and a newer resume (file names pair-<i>-old/new)."""
    from tests.resumes import person_pdf

    out = []
    for i in range(count):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
        if i >= len(FIRST) * len(LAST):
            raise SystemExit("at most 288 generated people (unique names)")
        title, company = JOBS[i % len(JOBS)]
        email = f"{name.lower().replace(' ', '.')}@example.test"
        phone = f"+44 20 7946 {i:04d}"
        kind = i % 3  # 0: email kept, 1: phone kept, 2: only name, employer and title
        role = {"title": title, "company": company, "dates": "Jan 2016 - Present"}
        if kind == 0:  # a new phone, the same email
            old = person_pdf(name, email=email, phone=phone, **role)
            new = person_pdf(name, email=email, location="London, UK", **role)
        elif kind == 1:  # a new email, the same phone
            old = person_pdf(name, email=email, phone=phone, **role)
            new = person_pdf(name, email=f"new.{email}", phone=phone, **role)
        else:  # no contact in common at all
            old = person_pdf(name, location="London, UK", **role)
            new = person_pdf(name, email=f"new.{email}", **role)
        out += [(f"pair-{i}-old.pdf", old), (f"pair-{i}-new.pdf", new)]
    return out


def pairs_report(db: object) -> None:
    with db.session() as session:  # type: ignore[attr-defined]
        holder = dict(session.execute(select(Resume.filename, Resume.candidate_id)).all())
    kinds = ("email kept", "phone kept", "name + employer + title")
    merged: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for name in holder:
        if name.endswith("-old.pdf"):
            i = int(name.split("-")[1])
            total[kinds[i % 3]] += 1
            merged[kinds[i % 3]] += holder[name] == holder.get(name.replace("-old", "-new"))
    for kind in kinds:
        print(f"true duplicates merged ({kind}): {merged[kind]} of {total[kind]}")


def report(db: object, files: int, seconds: float, *, verbose: bool) -> None:
    with db.session() as session:  # type: ignore[attr-defined]
        statuses = Counter(dict(session.execute(
            select(Resume.status, func.count()).group_by(Resume.status)).all()))
        outcomes = Counter(dict(session.execute(
            select(Resume.outcome, func.count()).where(Resume.status == "parsed")
            .group_by(Resume.outcome)).all()))
        candidates = session.scalar(select(func.count()).select_from(Candidate))
        links = list(session.scalars(select(CandidateLink).order_by(CandidateLink.id)))
        names = dict(session.execute(select(Candidate.id, Candidate.name)).all())
        files_of = dict(session.execute(select(Resume.id, Resume.filename)).all())
    merged = [link for link in links if link.status == "merged"]
    possible = [link for link in links if link.status == "possible"]
    print(f"files: {files} in {seconds:.0f} s")
    print(f"resumes: parsed {statuses['parsed']}, failed {statuses['failed']}")
    print(f"candidates: {candidates}")
    print(f"merges (resumes attached to an existing candidate): "
          f"{outcomes['updated'] + outcomes['duplicate']} "
          f"(updated {outcomes['updated']}, identical file {outcomes['duplicate']})")
    print(f"possible duplicates: {len(possible)}")
    why = Counter(" + ".join(link.evidence.get("same") or []) for link in merged)
    for evidence, count in why.most_common():
        print(f"  merged on {evidence}: {count}")
    if verbose:
        for link in merged:
            print(f"  merge: candidate {link.candidate_id} ({names.get(link.candidate_id)}) "
                  f"<- {[files_of.get(r) for r in link.resume_ids]}: {describe(link.evidence)}")
        for link in possible:
            print(f"  possible: {link.candidate_id} ({names.get(link.candidate_id)}) ~ "
                  f"{link.other_id} ({names.get(link.other_id)}): {describe(link.evidence)}")


if __name__ == "__main__":
    main()
