"""Registered recruiters: who may email resumes, and their personal inbound addresses.

`hotgigs recruiter add/list/remove/address` and Slack's `/hotgigs email` call these functions.
A recruiter row is also made by any import (`storage.recruiters.recruiter_for`); only `register`
makes one known to the email door. The personal address `resumes+<token>@domain` is a
credential, as an ATS maildrop is: the token is random (100 bits) and can be rotated.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import Recruiter, utcnow
from storage.recruiters import recruiter_for


class UnknownRecruiter(Exception):
    """No registered recruiter has this email address."""


@dataclass(frozen=True)
class RecruiterView:
    email: str
    name: str | None
    slack_user: str | None
    token: str
    registered_at: datetime


def new_token() -> str:
    """20 lowercase base32 characters: safe in a local part, whatever case an MTA keeps."""
    return base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()


def normalise(email: str) -> str:
    email = email.strip().strip("<>").lower()
    if "@" not in email or " " in email or email.startswith("@") or email.endswith("@"):
        raise ValueError(f"not an email address: {email!r}")
    return email


def _view(r: Recruiter) -> RecruiterView:
    assert r.registered_at is not None and r.inbound_token is not None
    return RecruiterView(str(r.email or r.identity), r.display_name, r.slack_user,
                         r.inbound_token, r.registered_at)


def register(db: Database, email: str, *, name: str | None = None,
             slack_user: str | None = None) -> tuple[RecruiterView, bool]:
    """Register (or update) a recruiter; returns the view and whether they were new."""
    email = normalise(email)
    with db.session() as session:
        recruiter = recruiter_for(session, email)
        created = recruiter.registered_at is None
        if created:
            recruiter.registered_at = utcnow()
        if not recruiter.inbound_token:
            recruiter.inbound_token = new_token()
        recruiter.email = email
        if name is not None:
            recruiter.display_name = name
        if slack_user is not None:
            recruiter.slack_user = slack_user.strip() or None
        return _view(recruiter), created


def _registered(session: Session, email: str) -> Recruiter:
    recruiter = session.scalar(
        select(Recruiter).where(Recruiter.identity == normalise(email),
                                Recruiter.registered_at.is_not(None)))
    if recruiter is None:
        raise UnknownRecruiter(f"{email} is not a registered recruiter")
    return recruiter


def unregister(db: Database, email: str) -> None:
    """The recruiter may no longer email resumes; their candidates stay theirs."""
    with db.session() as session:
        recruiter = _registered(session, email)
        recruiter.registered_at = None
        recruiter.inbound_token = None


def personal_token(db: Database, email: str, *, rotate: bool = False) -> str:
    """The recruiter's token; `rotate` replaces it (the old address stops working)."""
    with db.session() as session:
        recruiter = _registered(session, email)
        if rotate or not recruiter.inbound_token:
            recruiter.inbound_token = new_token()
        return str(recruiter.inbound_token)


def list_registered(db: Database) -> list[RecruiterView]:
    with db.session() as session:
        return [_view(r) for r in session.scalars(
            select(Recruiter).where(Recruiter.registered_at.is_not(None))
            .order_by(Recruiter.identity))]


def for_slack_user(db: Database, team: str, user: str) -> RecruiterView | None:
    """The registered recruiter linked to a Slack account (`recruiter add --slack-user`)."""
    with db.session() as session:
        found = session.scalar(select(Recruiter).where(
            Recruiter.slack_user == f"{team}/{user}", Recruiter.registered_at.is_not(None)))
        return _view(found) if found is not None else None


class Directory:
    """What the proof of a sender looks up, in the caller's session: a token's recruiter, and
    who is registered."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_token(self, token: str) -> str | None:
        return self.session.scalar(select(Recruiter.email).where(
            Recruiter.inbound_token == token, Recruiter.registered_at.is_not(None)))

    def registered(self, email: str) -> bool:
        return self.session.scalar(select(Recruiter.id).where(
            Recruiter.identity == email.lower(),
            Recruiter.registered_at.is_not(None))) is not None
