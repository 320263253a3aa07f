"""A candidate's GDPR rights and the daily retention run, over storage's privacy code.

`hotgigs erase`/`export`, the admin pages and the scheduler all call these.
"""

from __future__ import annotations

from typing import Any

from hotgigs.bootstrap import Services
from hotgigs.wiring import tombstone_key_of
from storage import audit, privacy, retention
from storage.export import export_candidate


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


def run_retention(services: Services) -> retention.RetentionReport:
    """The daily job: erase candidates idle for HOTGIGS_RETENTION_DAYS (0: keep everything),
    and drop quarantined emails as old (nobody released them: they hold resumes too)."""
    from bots.email.quarantine import drop_older_than

    report = retention.run(services.db, services.blobs, tombstone_key_of(services.settings),
                           services.settings.retention_days)
    if report.cutoff is not None:
        drop_older_than(services.db, services.blobs, report.cutoff)
    return report
