"""GDPR access: everything held about a candidate, as one JSON-ready dict.

Tables are found through their foreign keys to `candidates`, `resumes` and `batches`, so a
table added later is exported without touching this module; the stored files come along
(base64) because the resume itself is the data the person asked about.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from storage.files import BlobError, BlobStore
from storage.models import AuditEvent, Base, Candidate, Resume, utcnow

FORMAT = "hotgigs-export/1"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _rows(session: Session, table: Table, column: str, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = session.execute(select(table).where(table.c[column].in_(ids))).mappings()
    return [{k: _plain(v) for k, v in row.items()} for row in rows]


def export_candidate(session: Session, blobs: BlobStore | None,
                     candidate_id: int) -> dict[str, Any]:
    """{"format", "candidate_id", "exported_at", "tables": {name: rows}, "files": [...]}."""
    if session.get(Candidate, candidate_id) is None:
        raise LookupError(f"candidate {candidate_id} does not exist")
    resume_ids = list(session.scalars(select(Resume.id).where(Resume.candidate_id == candidate_id)
                                      .order_by(Resume.id)))
    batch_ids = sorted(set(session.scalars(select(Resume.batch_id)
                                           .where(Resume.id.in_(resume_ids)))))
    keys = {"candidates": [candidate_id], "resumes": resume_ids, "batches": batch_ids}
    meta = Base.metadata
    tables: dict[str, list[dict[str, Any]]] = {
        "candidates": _rows(session, meta.tables["candidates"], "id", [candidate_id]),
        "resumes": _rows(session, meta.tables["resumes"], "id", resume_ids),
        "batches": _rows(session, meta.tables["batches"], "id", batch_ids),
        "audit_log": _rows(session, AuditEvent.__table__, "candidate_id",  # type: ignore[arg-type]
                           [candidate_id]),
    }
    for table in meta.sorted_tables:
        if table.name in tables or table.name == "resumes":
            continue
        # every foreign key to the person's rows (candidate_links names them in two columns)
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
            target = fk.column.table.name
            if target not in keys:
                continue
            if target == "batches" and table.name not in ("inbound_messages", "drive_files",
                                                          "applications"):
                continue  # other tables of a batch are about other people's resumes
            have = tables.setdefault(table.name, [])
            have += [row for row in _rows(session, table, fk.parent.name, keys[target])
                     if row not in have]
    files = []
    for resume in session.scalars(select(Resume).where(Resume.id.in_(resume_ids))):
        entry: dict[str, Any] = {"resume_id": resume.id, "filename": resume.filename,
                                 "sha256": resume.sha256}
        if blobs is not None and resume.storage_key:
            try:
                entry["content_base64"] = base64.b64encode(blobs.get(resume.storage_key)).decode()
            except BlobError as exc:
                entry["error"] = str(exc)
        files.append(entry)
    return {"format": FORMAT, "candidate_id": candidate_id,
            "exported_at": utcnow().isoformat(), "tables": tables, "files": files}
