"""`hotgigs erase` and `hotgigs export`: a candidate's GDPR rights, run by an operator.

A candidate is named by id or by email address. Exit codes follow the CLI: 0 done, 1 nothing
found, 2 bad usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hotgigs.cli.support import UsageError, default_owner, run_with_services

if TYPE_CHECKING:
    from hotgigs.bootstrap import Services


def erase(
    candidate: Annotated[str, typer.Argument(help="candidate id or email address")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """GDPR erasure: remove every trace of the person but a keyed-hash tombstone."""
    if not yes and not typer.confirm(f"Erase candidate {candidate} and all their data?"):
        raise typer.Exit(1)
    run_with_services(lambda services: cmd_erase(services, candidate, default_owner()))


def export(
    candidate: Annotated[str, typer.Argument(help="candidate id or email address")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here instead of stdout")
    ] = None,
) -> None:
    """GDPR access: a JSON of everything held about the person (files included, base64)."""
    run_with_services(lambda services: cmd_export(services, candidate, output, default_owner()))


def resolve_candidate(services: Services, text: str) -> list[int]:
    """Candidate ids for an id or an email address (one person may be several records)."""
    from sqlalchemy import func, select

    from storage import privacy
    from storage.models import Candidate

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


def cmd_erase(services: Services, candidate: str, actor: str) -> int:
    from hotgigs.privacy import erase_candidate

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
    from hotgigs.privacy import export_json

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
