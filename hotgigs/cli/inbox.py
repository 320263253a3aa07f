"""`hotgigs inbox list/release/drop`: stored inbound email, and the quarantine."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from hotgigs.cli.support import UsageError, run_with_services

inbox_app = typer.Typer(help="Inbound email as stored, and the quarantine.",
                        no_args_is_help=True)


@inbox_app.command("list")
def inbox_list(
    status: Annotated[
        str | None, typer.Option(help="only this status (quarantined, submitted, ignored, …)")
    ] = None,
    limit: Annotated[int, typer.Option(help="newest N")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Stored messages, newest first: status, why, who sent it and who it was imported for."""
    from bots.email.quarantine import list_messages

    def run(services: Any) -> int:
        entries = list_messages(services.db, status, limit)
        if as_json:
            print(json.dumps([{**e.__dict__, "received_at": e.received_at.isoformat()}
                              for e in entries], indent=2))
            return 0
        for e in entries:
            who = e.owner or e.sender or e.mail_from or "?"
            print(f"{e.id}\t{e.received_at:%Y-%m-%d %H:%M}\t{e.status}\t{who}\t"
                  f"{e.reason or e.proof or ''}")
        return 0

    run_with_services(run)


@inbox_app.command("release")
def inbox_release(
    message: Annotated[int, typer.Argument(help="id from `inbox list`")],
    owner: Annotated[str, typer.Option(help="registered recruiter to import for and answer")],
) -> None:
    """Import a quarantined message for a registered recruiter; the reply goes to them."""
    from bots.email.quarantine import NotQuarantined, release
    from bots.email.recruiters import UnknownRecruiter

    def run(services: Any) -> int:
        queue = None
        if services.redis_ping() is None:
            from hotgigs.wiring import job_queue

            queue = job_queue(services)
        try:
            queued = release(services.db, queue, message, owner)
        except (UnknownRecruiter, NotQuarantined, ValueError) as exc:
            raise UsageError(str(exc)) from None
        print(f"message {message} released for {owner.strip().lower()}"
              + ("" if queued else "; Redis did not take it: the SMTP server queues it within "
                                   "a minute"))
        return 0

    run_with_services(run)


@inbox_app.command("drop")
def inbox_drop(message: Annotated[int, typer.Argument(help="id from `inbox list`")]) -> None:
    """Delete a quarantined message's stored bytes (its row stays, marked dropped)."""
    from bots.email.quarantine import NotQuarantined, drop

    def run(services: Any) -> int:
        try:
            drop(services.db, services.blobs, message)
        except NotQuarantined as exc:
            raise UsageError(str(exc)) from None
        print(f"message {message} dropped")
        return 0

    run_with_services(run)
