"""What benchmarks/fleet.py prints: the ledger read from the database, the machine's CPU
split, and the text form of the report (`--json` prints the same dict)."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import psutil
from sqlalchemy import func, select

from hotgigs.bootstrap import Services
from storage.models import AuditEvent, Batch, Candidate, ProcessingJob, Resume


def ledger(services: Services, bulk_batches: list[int], submitted: int) -> dict[str, Any]:
    """What became of every submitted file (bulk batches), and duplicates anywhere."""
    with services.db.session() as session:
        by_status = dict(session.execute(
            select(Resume.status, func.count()).where(Resume.batch_id.in_(bulk_batches))
            .group_by(Resume.status)).all())
        failed_no_reason = session.scalar(select(func.count()).select_from(Resume).where(
            Resume.batch_id.in_(bulk_batches), Resume.status == "failed",
            Resume.failure_reason.is_(None)))
        outcomes = dict(session.execute(
            select(Resume.outcome, func.count()).where(Resume.batch_id.in_(bulk_batches))
            .group_by(Resume.outcome)).all())
        # a resume recorded to completion writes one "imported" audit entry; a second one
        # would be a resume processed to completion twice
        imports = Counter(detail.get("resume_id") for detail in session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "imported")))
        retried = session.scalar(select(func.count()).select_from(
            select(ProcessingJob.resume_id).group_by(ProcessingJob.resume_id)
            .having(func.count() > 1).subquery()))
        same_email = (select((func.count() - 1).label("extra")).where(
            Candidate.email.is_not(None)).group_by(func.lower(Candidate.email))
            .having(func.count() > 1).subquery())
        extra = session.scalar(select(func.coalesce(func.sum(same_email.c.extra), 0)))
        candidates = session.scalar(select(func.count()).select_from(Candidate))
        counted = session.execute(select(func.sum(Batch.parsed), func.sum(Batch.failed))
                                  .where(Batch.id.in_(bulk_batches))).one()
        # failed in the end although an attempt of it finished (parsed): a second attempt
        # ran after the first one had recorded the resume
        finished = select(ProcessingJob.resume_id).where(ProcessingJob.status == "finished")
        parsed_then_failed = session.scalar(select(func.count()).select_from(Resume).where(
            Resume.batch_id.in_(bulk_batches), Resume.status == "failed",
            Resume.id.in_(finished)))
    parsed, failed = by_status.get("parsed", 0), by_status.get("failed", 0)
    return {"submitted": submitted, "rows": sum(by_status.values()), "parsed": parsed,
            "failed_with_reason": failed - (failed_no_reason or 0),
            "failed_without_reason": failed_no_reason or 0,
            "unfinished": by_status.get("pending", 0) + by_status.get("processing", 0),
            "lost": submitted - parsed - failed, "outcomes": outcomes,
            "processed_to_completion_twice": sum(1 for n in imports.values() if n > 1),
            "resumes_with_several_attempts": retried or 0,
            "duplicate_candidates": int(extra or 0), "candidates": candidates,
            "batch_counters": {"parsed": int(counted[0] or 0), "failed": int(counted[1] or 0)},
            "parsed_then_failed": parsed_then_failed or 0}


def machine_load(before: Any, after: Any, ours: float, script: float) -> dict[str, Any]:
    """Busy CPU seconds of the machine: this fleet's processes still running at the end (the
    killed host's are gone), this script (files, mails, polling), and the rest."""
    busy = sum(after) - sum(before) - (after.idle - before.idle) - (
        getattr(after, "iowait", 0) - getattr(before, "iowait", 0))
    return {"cores": psutil.cpu_count(), "cpu_seconds_busy": round(busy, 1),
            "cpu_seconds_fleet": round(ours, 1), "cpu_seconds_script": round(script, 1),
            "cpu_seconds_others": round(max(busy - ours - script, 0), 1),
            "load_average_1m": round(os.getloadavg()[0], 2)}


def print_row(row: dict[str, Any]) -> None:
    print(f"{row['hosts']} host(s), {row['workers']} workers: {row['resumes']} resumes in "
          f"{row['seconds']} s = {row['resumes_per_s']} resumes/s; fleet CPU "
          f"{row['cpu_seconds']} s = {row['resumes_per_cpu_s']} resumes per CPU-second",
          flush=True)


def render(report: dict[str, Any]) -> str:
    lines = [f"fleet: {report['hosts']} hosts × {report['workers_per_host']} workers"]
    lines += [f"  sweep {r['hosts']} host(s): {r['resumes_per_s']} resumes/s, "
              f"{r['resumes_per_cpu_s']} resumes/CPU-s ({r['resumes']} in {r['seconds']} s)"
              for r in report["sweep"]]
    c = report["chaos"]
    if c:
        lines.append(
            f"  chaos run ({c['seconds']} s{', TIMED OUT' if c['timed_out'] else ''}): "
            f"{c['victim']} killed at {c.get('killed_at_s')} s holding "
            f"{c.get('claimed_by_victim')} claimed resumes; Redis restarted at "
            f"{c.get('redis_restart_at_s')} s ({c.get('redis_down_s')} s down), PostgreSQL at "
            f"{c.get('pg_restart_at_s')} s ({c.get('pg_down_s')} s down)")
        recovered = c.get("recovered_s")
        if not c.get("claimed_by_victim"):
            recovered = None
            c["recovered_s"] = "nothing was claimed by the victim"
        lines.append(
            "  recovery after the host kill: "
            + (f"{recovered} s ({'while the host was down' if c.get('recovered_while_down') else 'only after the host came back'})"  # noqa: E501
               if recovered is not None else str(c.get("recovered_s", "NOT recovered")))
            + f"; host back after {c.get('back_after_s')} s, its workers ready at "
              f"{c.get('back_ready_s')} s (target: recovered < 60 s)")
    led = report["ledger"]
    lines.append(
        f"  ledger: submitted {led['submitted']} = parsed {led['parsed']} + failed with reason "
        f"{led['failed_with_reason']} (+ without reason {led['failed_without_reason']}); "
        f"lost {led['lost']}, unfinished {led['unfinished']}; outcomes {led['outcomes']}; "
        f"processed to completion twice {led['processed_to_completion_twice']} (resumes with "
        f"more than one attempt: {led['resumes_with_several_attempts']}); "
        f"duplicate candidates {led['duplicate_candidates']} of {led['candidates']}; "
        f"batch counters say parsed {led['batch_counters']['parsed']} + failed "
        f"{led['batch_counters']['failed']}; failed after an attempt had parsed them "
        f"{led['parsed_then_failed']}")
    em = report["email"]
    lines.append(
        f"  email: {em['sent']} sent ({em['proven']} proven), {em['accepted']} accepted after "
        f"{em['retries']} retries of 4xx/connection errors, {em['refused']} refused; stored "
        f"{em['stored']} ({em['statuses']}); proven answered exactly once {em['exactly_once']} "
        f"of {em['proven']} (none {em['unanswered']}, more than once {em['answered_twice']}); "
        f"replies to unproven {em['replies_to_unproven']}")
    m = report["machine"]
    lines.append(
        f"  machine: {m['cores']} cores, CPU busy {m['cpu_seconds_busy']} s during the run, of "
        f"which this fleet {m['cpu_seconds_fleet']} s, this script {m['cpu_seconds_script']} s, "
        f"others {m['cpu_seconds_others']} s; "
        f"load {m['load_average_1m']}")
    return "\n".join(lines)
