"""`hotgigs erase` / `hotgigs export` and the daily retention run, wired to storage's privacy code.

A candidate is named by id or by email address. Exit codes follow the CLI: 0 done, 1 nothing
found, 2 bad usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from hotgigs.bootstrap import Services
from hotgigs.cli_support import UsageError
from hotgigs.worker import tombstone_key_of
from storage import audit, privacy, retention
from storage.export import export_candidate
from storage.models import Candidate


def resolve_candidate(services: Services, text: str) -> list[int]:
    """Candidate ids for an id or an email address (one person may be several records)."""
    with services.db.session() as session:
        if text.strip().isdigit():
            found = session.get(Candidate, int(text))
            return [found.id] if found else []
        email = privacy.normalize_email(text)
        if email is None:
            raise UsageError(f"{text!r} is neither a candidate id nor an email address")
        return list(session.scalars(select(Candidate.id)
                                    .where(func.lower(Candidate.email) == email)
                                    .order_by(Candidate.id)))


def erase_candidate(services: Services, candidate_id: int, *, actor: str,
                    source: str) -> privacy.ErasureReport:
    """Erase the person, then the quarantined emails that carry them (never imported, so
    no row of theirs points at them)."""
    from bots.email.quarantine import erase_person

    report = privacy.erase(services.db, services.blobs, tombstone_key_of(services.settings),
                           candidate_id, actor=actor, source=source)
    report.quarantined_dropped = len(erase_person(
        services.db, services.blobs, report.emails, report.phones,
        default_region=services.settings.default_phone_region))
    return report


def export_json(services: Services, candidate_id: int, *, actor: str,
                source: str) -> dict[str, Any]:
    """The export, and an audit entry saying who took it."""
    with services.db.session() as session:
        data = export_candidate(session, services.blobs, candidate_id)
        audit.record(session, "exported", actor=actor, source=source, candidate_id=candidate_id)
    return data


def cmd_erase(services: Services, candidate: str, actor: str) -> int:
    ids = resolve_candidate(services, candidate)
    if not ids:
        print(f"hotgigs: no candidate {candidate}", file=sys.stderr)
        return 1
    report = erase_candidate(services, ids[0], actor=actor, source="cli")
    print(json.dumps({"erased_candidates": report.candidate_ids, "resumes": report.resumes,
                      "batches_deleted": report.batches_deleted,
                      "files_deleted": report.blobs_deleted,
                      "files_kept_shared": report.blobs_kept,
                      "tombstones": report.tombstones,
                      "quarantined_emails_erased": report.quarantined_dropped}))
    return 0


def cmd_export(services: Services, candidate: str, output: Path | None, actor: str) -> int:
    ids = resolve_candidate(services, candidate)
    if not ids:
        print(f"hotgigs: no candidate {candidate}", file=sys.stderr)
        return 1
    exports = [export_json(services, i, actor=actor, source="cli") for i in ids]
    data: Any = exports[0] if len(exports) == 1 else {"candidates": exports}
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if output is None:
        print(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    return 0


def run_retention(services: Services) -> retention.RetentionReport:
    """The daily job: erase candidates idle for HOTGIGS_RETENTION_DAYS (0: keep everything),
    and drop quarantined emails as old (nobody released them: they hold resumes too)."""
    from bots.email.quarantine import drop_older_than

    report = retention.run(services.db, services.blobs, tombstone_key_of(services.settings),
                           services.settings.retention_days)
    if report.cutoff is not None:
        drop_older_than(services.db, services.blobs, report.cutoff)
    return report
