"""`hotgigs recruiter add/list/remove/address/smtp-password`: who may email resumes."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from hotgigs.cli.support import UsageError, run_with_services

recruiter_app = typer.Typer(help="Registered recruiters and their personal inbound addresses.",
                            no_args_is_help=True)


def _address(services: Any, token: str) -> str:
    from hotgigs.wiring import email_config

    return email_config(services.settings).personal_address(token)


def _call(run: Any) -> int:
    from bots.email.recruiters import UnknownRecruiter

    try:
        return int(run())
    except (UnknownRecruiter, ValueError) as exc:
        raise UsageError(str(exc)) from None


@recruiter_app.command("add")
def recruiter_add(
    email: Annotated[str, typer.Argument(help="the recruiter's email address")],
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    slack_user: Annotated[
        str | None, typer.Option("--slack-user", help="their Slack account, TEAM/USER (T…/U…)")
    ] = None,
) -> None:
    """Register a recruiter (or update one); prints their personal inbound address."""
    from bots.email.recruiters import register

    def run(services: Any) -> int:
        def add() -> int:
            view, created = register(services.db, email, name=name, slack_user=slack_user)
            print(f"{'added' if created else 'updated'} {view.email}: forward resumes to "
                  f"{_address(services, view.token)}")
            return 0
        return _call(add)

    run_with_services(run)


@recruiter_app.command("list")
def recruiter_list(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Registered recruiters with their personal inbound addresses."""
    from bots.email.recruiters import list_registered

    def run(services: Any) -> int:
        rows = [{"email": r.email, "name": r.name, "slack_user": r.slack_user,
                 "address": _address(services, r.token),
                 "registered_at": r.registered_at.isoformat()}
                for r in list_registered(services.db)]
        if as_json:
            print(json.dumps(rows, indent=2))
        for row in [] if as_json else rows:
            print(f"{row['email']}\t{row['address']}\t{row['name'] or ''}\t"
                  f"{row['slack_user'] or ''}")
        return 0

    run_with_services(run)


@recruiter_app.command("remove")
def recruiter_remove(email: Annotated[str, typer.Argument(help="the recruiter's email")]) -> None:
    """Unregister: their mail is quarantined from now on (their candidates stay theirs)."""
    from bots.email.recruiters import unregister

    def run(services: Any) -> int:
        def remove() -> int:
            unregister(services.db, email)
            print(f"removed {email.strip().lower()}")
            return 0
        return _call(remove)

    run_with_services(run)


@recruiter_app.command("address")
def recruiter_address(
    email: Annotated[str, typer.Argument(help="the recruiter's email")],
    rotate: Annotated[
        bool, typer.Option("--rotate", help="a new address; the old one stops working")
    ] = False,
) -> None:
    """Print the recruiter's personal inbound address (new with --rotate)."""
    from bots.email.recruiters import personal_token

    def run(services: Any) -> int:
        def show() -> int:
            print(_address(services, personal_token(services.db, email, rotate=rotate)))
            return 0
        return _call(show)

    run_with_services(run)


@recruiter_app.command("smtp-password")
def recruiter_smtp_password(
    email: Annotated[str, typer.Argument(help="the recruiter's email (the SMTP AUTH login)")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)],
) -> None:
    """Set the SMTP AUTH password of a login in the HOTGIGS_SMTP_USERS file (hashed)."""
    from bots.email.passwords import set_password

    def run(services: Any) -> int:
        path = services.settings.smtp_users
        if path is None:
            raise UsageError("HOTGIGS_SMTP_USERS is not set")
        set_password(path, email, password)
        print(f"password of {email.strip().lower()} written to {path}; restart the SMTP server")
        return 0

    run_with_services(run)
