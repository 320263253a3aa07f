"""`hotgigs token create/list/revoke`: the recruiters' API tokens (`Authorization: Bearer`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from hotgigs.cli.support import UsageError, run_with_services

token_app = typer.Typer(help="API tokens of recruiters, for /api/v1.", no_args_is_help=True)


def _row(view: Any) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {"id": view.id, "owner": view.owner, "name": view.name, "prefix": view.prefix,
            "created_at": iso(view.created_at), "last_used_at": iso(view.last_used_at),
            "revoked_at": iso(view.revoked_at)}


@token_app.command("create")
def token_create(
    owner: Annotated[str, typer.Option(help="the recruiter's email address")],
    name: Annotated[str | None, typer.Option(help="what the token is for, e.g. 'ATS sync'")
                    ] = None,
) -> None:
    """Make a token for a recruiter; it is printed once and never shown again."""
    from storage.api_tokens import create_token

    def run(services: Any) -> int:
        try:
            view, secret = create_token(services.db, owner, name)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        print(secret)
        typer.echo(f"token {view.id} ({view.prefix}…) for {view.owner}: keep it now, it is "
                   "not shown again", err=True)
        return 0

    run_with_services(run)


@token_app.command("list")
def token_list(
    owner: Annotated[str | None, typer.Option(help="only this recruiter's tokens")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Tokens with their prefix, owner, name and when they were made, used and revoked."""
    from storage.api_tokens import list_tokens

    def run(services: Any) -> int:
        try:
            rows = [_row(v) for v in list_tokens(services.db, owner)]
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if as_json:
            print(json.dumps(rows, indent=2))
            return 0
        for r in rows:
            state = f"revoked {r['revoked_at']}" if r["revoked_at"] else "active"
            print(f"{r['id']}\t{r['prefix']}…\t{r['owner']}\t{r['name'] or ''}\t{state}\t"
                  f"last used {r['last_used_at'] or 'never'}")
        return 0

    run_with_services(run)


@token_app.command("revoke")
def token_revoke(
    token: Annotated[str, typer.Argument(help="the token's id or prefix (from token list)")],
) -> None:
    """Revoke a token: requests with it are refused (401) from now on."""
    from storage.api_tokens import UnknownToken, revoke_token

    def run(services: Any) -> int:
        try:
            view = revoke_token(services.db, token)
        except UnknownToken as exc:
            raise UsageError(str(exc)) from None
        print(f"token {view.id} ({view.prefix}…) of {view.owner} revoked")
        return 0

    run_with_services(run)
