"""GDPR erasure and export through the real CLI, after imports by real worker processes."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text, update

from bots.email.inbound import accept, enqueue
from bots.email.quarantine import list_messages
from hotgigs.privacy import run_retention
from hotgigs.wiring import tombstone_key_of
from matching import create_job
from storage import retention
from storage.files import Sealer, load_or_create_key, sha256_hex
from storage.models import AuditEvent, Base, Candidate, ErasureTombstone, Resume, utcnow
from tests.emails import INBOUND, attach, message
from tests.integration.email_rig import wire_bytes
from tests.integration.pipeline_harness import Harness
from tests.resumes import docx_resume, text_pdf

JANE = text_pdf("Kathryn Janeway", "kathryn.janeway@voyager.test", "+1 415 555 0143",
                company="Starfleet", skills="Python, SQL, Leadership")
TOM = text_pdf("Tom Paris", "tom.paris@voyager.test", company="Maquis", skills="Python, Piloting")
TRACES = ("janeway", "kathryn", "4155550143", "555 0143", "starfleet")


def _cli(harness: Harness, *args: str, code: int = 0) -> str:
    result = subprocess.run([sys.executable, "-m", "hotgigs", *args], env=harness.env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == code, result.stderr
    return result.stdout


def _dump(harness: Harness) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table the database has (ours and any added later), as text."""
    engine = harness.services.db.engine
    names = inspect(engine).get_table_names()
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for name in names:
            out[name] = [dict(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))
                         .mappings()]
    return out


def _on_disk(harness: Harness, blob_key: str) -> bool:
    """The file of blob `blob_key` is in the data dir (named by its keyed object name)."""
    secret = load_or_create_key(harness.settings.encryption_key, harness.settings.data_dir)
    name = Sealer(secret).object_name(blob_key)
    return any(p.name == name for p in (harness.settings.data_dir / "blobs").rglob("*"))


def _import_crew(harness: Harness) -> int:
    with harness.services.db.session() as session:
        create_job(session, title="Python Engineer",
                   description="Requirements:\n- Python and SQL\nNice to have: Leadership\n")
    batch = harness.submit({"janeway.pdf": JANE, "paris.pdf": TOM})
    harness.run_burst_worker()
    assert harness.batch(batch.id).parsed == 2
    # the same person through another recruiter: a second record, erased with the first
    other = harness.submit({"KJ-resume.pdf": JANE}, by="bob@agency.test")
    harness.run_burst_worker()
    assert harness.batch(other.id).parsed == 1
    with harness.services.db.session() as session:
        ids = list(session.scalars(select(Candidate.id).where(
            Candidate.email == "kathryn.janeway@voyager.test").order_by(Candidate.id)))
    assert len(ids) == 2
    return ids[0]


def _quarantine(harness: Harness, resume: bytes) -> tuple[int, str]:
    """A stranger's mail carrying `resume`, through the worker into quarantine: (row id, the
    raw mail's blob key)."""
    msg = message(sender="stranger@spam.example")
    attach(msg, "cv.pdf", resume)
    raw = wire_bytes(msg)
    stored = accept(harness.services.db, harness.services.blobs, raw, "stranger@spam.example",
                    [INBOUND])
    assert enqueue(harness.queue, stored.row_id)
    return stored.row_id, sha256_hex(raw)


def test_erase_leaves_no_trace_and_a_reimport_is_refused(harness: Harness) -> None:
    jane_id = _import_crew(harness)
    # never imported, so no candidate row points at them: erasure still finds the person's
    jane_mail, jane_raw = _quarantine(harness, JANE)
    tom_mail, tom_raw = _quarantine(harness, TOM)
    harness.run_burst_worker()
    assert [row.status for row in list_messages(harness.services.db)] == ["quarantined"] * 2
    before = _dump(harness)
    assert before["candidate_matches"] and before["candidate_profiles"]
    assert any("janeway" in json.dumps(before[t], default=str).lower()
               for t in ("candidates", "resumes", "resume_data", "term_stats"))
    assert _on_disk(harness, sha256_hex(JANE))

    report = json.loads(_cli(harness, "erase", str(jane_id), "--yes"))
    assert len(report["erased_candidates"]) == 2 and report["resumes"] == 2
    assert report["files_deleted"] == 1 and report["tombstones"] == 2  # email + phone
    assert report["quarantined_emails_erased"] == 1
    inbox = {m.id: m.status for m in list_messages(harness.services.db)}
    assert inbox == {jane_mail: "erased", tom_mail: "quarantined"}
    assert not _on_disk(harness, jane_raw) and _on_disk(harness, tom_raw)

    after = _dump(harness)
    erased = set(report["erased_candidates"])
    for table, rows in after.items():
        dumped = json.dumps(rows, default=str).lower()
        for trace in TRACES:
            assert trace not in dumped, f"{trace!r} left in {table}"
        if table != "audit_log":
            for row in rows:
                assert row.get("candidate_id") not in erased, f"row of the person in {table}"
    assert len(after["candidates"]) == 1 and len(after["resumes"]) == 1  # Tom stays
    assert not _on_disk(harness, sha256_hex(JANE))
    assert _on_disk(harness, sha256_hex(TOM))
    # the emptied batch (Bob's) is gone; the shared one is recounted
    assert [(b["total"], b["parsed"]) for b in after["batches"]] == [(1, 1)]
    tombstones = after["erasure_tombstones"]
    assert {t["kind"] for t in tombstones} == {"email", "phone"}
    assert all(len(t["digest"]) == 64 and set(t) == {"id", "kind", "digest", "created_at"}
               for t in tombstones)
    with harness.services.db.session() as session:
        actions = session.execute(select(AuditEvent.action, AuditEvent.candidate_id)
                                  .where(AuditEvent.action == "erased")).all()
    assert {c for _, c in actions} == erased

    # the same file again, and another document of the same person: both refused
    again = harness.submit({"janeway.pdf": JANE, "kj.docx": docx_resume(
        "K. Janeway", "Kathryn.Janeway@voyager.test")}, by="carol@agency.test")
    harness.run_burst_worker()
    resumes = harness.resumes(again.id)
    assert [(r.status, r.failure_reason) for r in resumes] == [
        ("failed", "erased on request"), ("failed", "erased on request")]
    assert all(r.storage_key is None and r.candidate_id is None for r in resumes)
    assert not _on_disk(harness, sha256_hex(JANE))
    assert harness.candidate_count() == 1
    with harness.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ErasureTombstone)) == 2


def test_export_holds_every_table_of_the_person(harness: Harness, tmp_path: Path) -> None:
    jane_id = _import_crew(harness)
    out = tmp_path / "export.json"
    _cli(harness, "export", str(jane_id), "-o", str(out))
    data = json.loads(out.read_text())
    assert data["candidate_id"] == jane_id and data["format"] == "hotgigs-export/1"
    tables = data["tables"]
    # every table with a foreign key to candidates or resumes is there, with this person's rows
    linked = {t.name for t in Base.metadata.sorted_tables
              if any(fk.column.table.name in ("candidates", "resumes") for fk in t.foreign_keys)}
    assert linked <= set(tables)
    for name in ("candidates", "resumes", "resume_data", "processing_jobs", "candidate_skills",
                 "candidate_matches", "candidate_profiles", "batches", "audit_log"):
        assert tables[name], f"nothing exported from {name}"
    assert tables["candidates"][0]["email"] == "kathryn.janeway@voyager.test"
    assert {s["skill"] for s in tables["candidate_skills"]} >= {"Python", "SQL"}
    assert "Tom" not in json.dumps(tables["candidates"])  # only this person
    assert [base64.b64decode(f["content_base64"]) for f in data["files"]] == [JANE]
    assert {e["action"] for e in tables["audit_log"]} == {"imported"}
    # the export itself is audited; by email address, both recruiters' records come out
    both = json.loads(_cli(harness, "export", "Kathryn.Janeway@voyager.test"))
    assert len(both["candidates"]) == 2
    with harness.services.db.session() as session:
        exported = session.scalars(select(AuditEvent.candidate_id)
                                   .where(AuditEvent.action == "exported")).all()
    assert sorted(exported) == sorted([jane_id, *(c["candidate_id"] for c in both["candidates"])])
    _cli(harness, "export", "999999", code=1)
    _cli(harness, "erase", "not-an-id", "--yes", code=2)



def test_retention_erases_idle_candidates_without_a_tombstone(harness: Harness) -> None:
    batch = harness.submit({"janeway.pdf": JANE, "paris.pdf": TOM, "junk.pdf": b"%PDF-1.4 junk"})
    harness.run_burst_worker()
    jane, tom, junk = harness.resumes(batch.id)
    assert junk.status == "failed" and junk.storage_key
    long_ago = utcnow() - timedelta(days=400)
    with harness.services.db.session() as session:
        session.execute(update(Candidate).where(Candidate.id == jane.candidate_id)
                        .values(updated_at=long_ago))
        session.execute(update(AuditEvent).where(AuditEvent.candidate_id == jane.candidate_id)
                        .values(at=long_ago))
        session.execute(update(Resume).where(Resume.id == junk.id).values(updated_at=long_ago))

    assert run_retention(harness.services).cutoff is None  # HOTGIGS_RETENTION_DAYS=0: keep all
    services = harness.services
    report = retention.run(services.db, services.blobs, tombstone_key_of(services.settings), 365)
    assert report.erased == [jane.candidate_id] and report.files_dropped == 1
    with services.db.session() as session:
        assert set(session.scalars(select(Candidate.id))) == {tom.candidate_id}
        assert session.scalar(select(func.count()).select_from(ErasureTombstone)) == 0
        kept_junk = session.get(Resume, junk.id)
        assert kept_junk is not None and kept_junk.storage_key is None
        assert session.scalar(select(AuditEvent.actor).where(
            AuditEvent.action == "erased")) == "retention"
    assert not _on_disk(harness, sha256_hex(JANE))
    # no tombstone: the same person may apply again
    again = harness.submit({"janeway.pdf": JANE})
    harness.run_burst_worker()
    assert [r.status for r in harness.resumes(again.id)] == ["parsed"]
