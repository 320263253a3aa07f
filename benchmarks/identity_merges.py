"""Wrong merges: import a folder of resumes of different people, count what was merged.

Every file of ../shared/data/matching-dev/resumes is a different person, so every resume
attached to an existing candidate is a wrong merge (target 0). The files go through the real
intake and the worker's task code (`process_resumes`, in chunks like a bulk import) in this
process, into a throw-away database (SQLite unless --database-url), for one recruiter.
Prints candidates, resumes, merges (with the evidence of each) and possible duplicates.

    .venv/bin/python benchmarks/identity_merges.py [--folder DIR] [--limit N]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB] [--verbose]
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
from hotgigs.worker import tombstone_key_of
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
    args = ap.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.is_file())
    if args.limit:
        files = files[:args.limit]
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
            files=[IngestFile(name=p.name, content=p.read_bytes()) for p in files]))
        with services.db.session() as session:
            pending = list(session.scalars(select(Resume.id).where(
                Resume.batch_id == batch.id, Resume.status == "pending").order_by(Resume.id)))
        for start in range(0, len(pending), CHUNK):
            process_resumes(pending[start:start + CHUNK])
        seconds = time.monotonic() - started
        report(services.db, len(files), seconds, verbose=args.verbose)
        services.close()


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
