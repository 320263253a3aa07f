"""Per-recruiter API tokens: made, listed and revoked by `hotgigs token`, checked by `/api/v1`.

A token is 256 random bits (`hg_` + 43 urlsafe characters), shown once when made. Only its
SHA-256 is stored: a token that random needs no salt or slow hash, and a leaked table gives
nothing to replay. The first characters (`prefix`) are kept in clear so `token list` can tell
tokens apart and `token revoke` can name one without the secret.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import ApiToken, Recruiter, utcnow
from storage.recruiters import recruiter_for

TOKEN_PREFIX = "hg_"
SHOWN = 12  # characters of a token kept in clear (`hg_` and 9 of the secret)
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token


class UnknownToken(Exception):
    """No token has this id or prefix (or the prefix names several)."""


@dataclass(frozen=True)
class TokenView:
    id: int
    owner: str
    name: str | None
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class TokenOwner:
    """Who a valid token speaks for."""

    token_id: int
    recruiter_id: int
    identity: str
    email: str | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    email = email.strip().strip("<>").lower()
    if "@" not in email or " " in email or email.startswith("@") or email.endswith("@"):
        raise ValueError(f"not an email address: {email!r}")
    return email


def _view(token: ApiToken, owner: str) -> TokenView:
    return TokenView(token.id, owner, token.name, token.prefix, token.created_at,
                     token.last_used_at, token.revoked_at)


def create_token(db: Database, owner_email: str, name: str | None = None
                 ) -> tuple[TokenView, str]:
    """A new token for the recruiter with this address (made when unknown); returns its
    view and the token itself, which is never shown again."""
    email = normalise_email(owner_email)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as session:
        recruiter = recruiter_for(session, email)
        if not recruiter.email:
            recruiter.email = email
        row = ApiToken(owner_id=recruiter.id, name=(name or "").strip() or None,
                       prefix=secret[:SHOWN], token_hash=digest(secret))
        session.add(row)
        session.flush()
        return _view(row, recruiter.identity), secret


def list_tokens(db: Database, owner_email: str | None = None) -> list[TokenView]:
    with db.session() as session:
        query = (select(ApiToken, Recruiter.identity)
                 .join(Recruiter, Recruiter.id == ApiToken.owner_id).order_by(ApiToken.id))
        if owner_email:
            query = query.where(Recruiter.identity == normalise_email(owner_email))
        return [_view(token, owner) for token, owner in session.execute(query).all()]


def _find(session: Session, ref: str) -> ApiToken:
    ref = ref.strip()
    condition = ApiToken.prefix.startswith(ref) if len(ref) >= 6 else ApiToken.prefix == ref
    if ref.isdigit():
        condition = or_(ApiToken.id == int(ref), condition)
    found = list(session.scalars(select(ApiToken).where(condition)))
    if len(found) != 1:
        raise UnknownToken(f"no token {ref!r}" if not found else
                           f"{ref!r} names {len(found)} tokens: give more of the prefix")
    return found[0]


def revoke_token(db: Database, ref: str) -> TokenView:
    """Revoke the token with this id or prefix; it stops working at once."""
    with db.session() as session:
        token = _find(session, ref)
        if token.revoked_at is None:
            token.revoked_at = utcnow()
        owner = session.get(Recruiter, token.owner_id)
        return _view(token, owner.identity if owner else "?")


def verify_token(db: Database, secret: str) -> TokenOwner | None:
    """The owner of a valid, unrevoked token, or None. Notes the use (at most per minute)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with db.session() as session:
        row = session.execute(
            select(ApiToken, Recruiter)
            .join(Recruiter, Recruiter.id == ApiToken.owner_id)
            .where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
        ).first()
        if row is None:
            return None
        token, recruiter = row
        now = utcnow()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            token.last_used_at = now
        return TokenOwner(token.id, recruiter.id, recruiter.identity, recruiter.email)
