"""A recruiter's own Google Drive grant: the refresh token sealed at rest, and what connecting,
disconnecting and a refused grant do to that recruiter's watched folders.

The token is AES-256-GCM sealed with a sub-key derived (HKDF, its own purpose label) from
`HOTGIGS_ENCRYPTION_KEY`, so the blob key never seals tokens; the recruiter's id is the
associated data, so a sealed token moved to another recruiter's row does not open. A revoked
grant (disconnected, or refused by Google) marks the owner's folders broken with
`messages.ACCESS_REVOKED` and keeps their page tokens, so a reconnect resumes each folder
where it stopped.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from bots.drive import messages
from bots.drive.folders import owner_identity
from storage.db import Database
from storage.models import DriveFolder, DriveGrant, Recruiter, utcnow
from storage.recruiters import recruiter_for

log = logging.getLogger(__name__)

_INFO = b"hotgigs drive oauth refresh token v1"
_MAGIC = b"HGT1"
_NONCE = 12
ACTIVE, REVOKED = "active", "revoked"


class SealError(Exception):
    """A stored token cannot be opened with this key (the key changed, or the row moved)."""


class TokenSealer:
    """Seals and opens refresh tokens with the grants' own sub-key."""

    def __init__(self, encryption_key: bytes) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=_INFO).derive(encryption_key)
        self._aead = AESGCM(key)

    @staticmethod
    def _aad(recruiter_id: int) -> bytes:
        return f"drive-grant:{recruiter_id}".encode()

    def seal(self, token: str, recruiter_id: int) -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        return _MAGIC + nonce + self._aead.encrypt(nonce, token.encode(), self._aad(recruiter_id))

    def open(self, sealed: bytes, recruiter_id: int) -> str:
        if not sealed.startswith(_MAGIC):
            raise SealError("not a sealed HotGigs token")
        nonce, body = sealed[len(_MAGIC):len(_MAGIC) + _NONCE], sealed[len(_MAGIC) + _NONCE:]
        try:
            return self._aead.decrypt(nonce, body, self._aad(recruiter_id)).decode()
        except InvalidTag:
            raise SealError("the stored Drive token cannot be decrypted with this key") from None


@dataclass(frozen=True)
class Grant:
    """A grant as the sync and the pages use it (the token opened, when there is one)."""

    recruiter_id: int
    identity: str
    state: str  # active / revoked
    scopes: tuple[str, ...]
    google_email: str | None
    connected_at: datetime
    refresh_token: str | None = None  # None once revoked
    reason: str | None = None  # why it was revoked

    @property
    def active(self) -> bool:
        return self.state == ACTIVE and self.refresh_token is not None


def _view(row: DriveGrant, identity: str, sealer: TokenSealer) -> Grant:
    """The grant with its token opened; one that no longer opens (the encryption key was
    replaced) reads as revoked, so the recruiter is asked to reconnect and no one else's
    sync stops over it."""
    token, state, reason = None, row.state, row.reason
    if row.refresh_token is not None and row.state == ACTIVE:
        try:
            token = sealer.open(row.refresh_token, row.recruiter_id)
        except SealError as exc:
            log.warning("drive grant of recruiter %s: %s", row.recruiter_id, exc)
            state, reason = REVOKED, str(exc)
    return Grant(row.recruiter_id, identity, state, tuple(row.scopes.split()),
                 row.google_email, row.connected_at, token, reason)


def grant_for(db: Database, sealer: TokenSealer, identity: str) -> Grant | None:
    """The recruiter's grant, active or revoked; None when they never connected."""
    identity = owner_identity(identity)
    with db.session() as session:
        row = session.scalar(select(DriveGrant).join(
            Recruiter, Recruiter.id == DriveGrant.recruiter_id).where(
            Recruiter.identity == identity))
        return _view(row, identity, sealer) if row is not None else None


def grants_by_owner(db: Database, sealer: TokenSealer) -> dict[int, Grant]:
    """Every recruiter's grant, by recruiter id (what a sync run reads each folder with)."""
    with db.session() as session:
        rows = session.execute(select(DriveGrant, Recruiter.identity).join(
            Recruiter, Recruiter.id == DriveGrant.recruiter_id)).all()
        return {row.recruiter_id: _view(row, identity, sealer) for row, identity in rows}


def connect(db: Database, sealer: TokenSealer, identity: str, refresh_token: str,
            scopes: tuple[str, ...], google_email: str | None) -> int:
    """Store a new grant for the recruiter (replacing any earlier one) and resume the folders
    a revoked grant had stopped; returns how many were resumed."""
    with db.session() as session:
        recruiter = recruiter_for(session, owner_identity(identity))
        row = session.scalar(select(DriveGrant).where(DriveGrant.recruiter_id == recruiter.id))
        if row is None:
            row = DriveGrant(recruiter_id=recruiter.id)
            session.add(row)
        row.refresh_token = sealer.seal(refresh_token, recruiter.id)
        row.scopes, row.google_email = " ".join(scopes), google_email
        row.state, row.reason, row.connected_at, row.revoked_at = ACTIVE, None, utcnow(), None
        stopped = list(session.scalars(select(DriveFolder).where(
            DriveFolder.owner_id == recruiter.id, DriveFolder.state == "broken",
            DriveFolder.broken_reason == messages.ACCESS_REVOKED)))
        for folder in stopped:
            folder.state, folder.broken_reason = "active", None
    log.info("drive grant of %s connected (%s); %d folder(s) resumed", identity,
             google_email or "account unknown", len(stopped))
    return len(stopped)


def _revoke_rows(session: Session, recruiter_id: int, reason: str) -> int:
    row = session.scalar(select(DriveGrant).where(DriveGrant.recruiter_id == recruiter_id))
    if row is not None:
        row.refresh_token, row.state, row.reason = None, REVOKED, reason
        row.revoked_at = utcnow()
    # the page tokens stay: a reconnect resumes each folder where it stopped
    folders = list(session.scalars(select(DriveFolder).where(
        DriveFolder.owner_id == recruiter_id)))
    for folder in folders:
        folder.state, folder.broken_reason = "broken", messages.ACCESS_REVOKED
    return len(folders)


def mark_revoked(db: Database, recruiter_id: int, detail: str) -> int:
    """Google refused the grant (revoked or expired): forget the token, stop the folders."""
    with db.session() as session:
        broken = _revoke_rows(session, recruiter_id, detail)
    log.warning("drive grant of recruiter %s refused (%s): %d folder(s) marked broken",
                recruiter_id, detail, broken)
    return broken


@dataclass(frozen=True)
class Disconnected:
    found: bool  # False: the recruiter had no active grant
    revoked_at_google: bool  # False: Google could not be told; the token is forgotten anyway
    folders: int  # folders marked broken


def disconnect(db: Database, sealer: TokenSealer, identity: str,
               revoke: Callable[[str], bool]) -> Disconnected:
    """Revoke the grant at Google (`revoke(token)`: False when Google could not be told),
    then forget it and stop the folders.

    The stored token is deleted even when Google cannot be reached: the recruiter asked for
    HotGigs to stop reading their Drive, and it will.
    """
    grant = grant_for(db, sealer, identity)
    if grant is None or not grant.active or grant.refresh_token is None:
        return Disconnected(False, False, 0)
    told = revoke(grant.refresh_token)
    with db.session() as session:
        broken = _revoke_rows(session, grant.recruiter_id, messages.DISCONNECTED)
    log.info("drive grant of %s disconnected; %d folder(s) marked broken", identity, broken)
    return Disconnected(True, told, broken)
