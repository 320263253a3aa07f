"""Watched folders: add, list and remove them (used by `hotgigs drive` and the Slack command).

`watch_folder` is the use case "add a Drive folder", written once: `hotgigs drive add` and
Slack's `/hotgigs drive add` call it and only turn its outcome into their own words.

A folder is given as its id or any Drive URL that contains it; it belongs to one recruiter,
whose candidates its resumes become.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlparse

from sqlalchemy import delete, select

from bots.drive import messages
from bots.drive.port import DriveItem
from storage.db import Database
from storage.models import DriveFile, DriveFolder, DriveGrant, Recruiter
from storage.recruiters import recruiter_for

_ID = re.compile(r"^[A-Za-z0-9_-]{10,200}$")


def parse_folder_ref(ref: str) -> str:
    """The folder id in an id or a Drive URL (…/folders/<id>, …/open?id=<id>)."""
    ref = ref.strip()
    if _ID.match(ref):
        return ref
    url = urlparse(ref)
    if url.scheme in ("http", "https") and url.netloc.endswith("google.com"):
        match = re.search(r"/folders/([A-Za-z0-9_-]+)", url.path)
        candidate = match.group(1) if match else (parse_qs(url.query).get("id") or [""])[0]
        if _ID.match(candidate):
            return candidate
    raise ValueError(messages.BAD_REFERENCE.format(ref=ref))


def owner_identity(owner: str) -> str:
    """A recruiter identity: emails in lower case; Slack ids (`slack:T…/U…`) are case-sensitive."""
    owner = owner.strip()
    return owner if owner.startswith("slack:") else owner.lower()


@dataclass(frozen=True)
class FolderView:
    """One watched folder as listings show it."""

    id: int
    folder_id: str
    name: str | None
    owner: str
    slack_channel: str | None
    state: str
    broken_reason: str | None
    last_synced_at: datetime | None
    # whose account reads it: "operator", or the owner's own Google grant
    # ("google:<address>" while active, "google (revoked)" once refused or disconnected)
    account: str = "operator"


def add_folder(db: Database, ref: str, owner: str, *, slack_channel: str | None = None,
               name: str | None = None) -> tuple[DriveFolder, bool]:
    """Watch a folder for `owner` (an email or `slack:<team>/<user>`); returns it and whether
    it was new."""
    folder_id = parse_folder_ref(ref)
    with db.session() as session:
        recruiter = recruiter_for(session, owner_identity(owner))
        if slack_channel and not recruiter.slack_channel:
            recruiter.slack_channel = slack_channel
        folder = session.scalar(select(DriveFolder).where(
            DriveFolder.folder_id == folder_id, DriveFolder.owner_id == recruiter.id))
        created = folder is None
        if folder is None:
            folder = DriveFolder(folder_id=folder_id, owner_id=recruiter.id, state="active")
            session.add(folder)
        if slack_channel:
            folder.slack_channel = slack_channel
        if name:
            folder.name = name
        session.flush()
    return folder, created


@dataclass(frozen=True)
class DriveAccess:
    """Reading a folder's metadata from Drive, and the account folders are shared with."""

    get: Callable[[str], DriveItem]
    account: str | None = None


class NotAFolder(ValueError):
    """The id names a file, not a folder."""

    def __init__(self, item: DriveItem) -> None:
        super().__init__(messages.NOT_A_FOLDER.format(name=item.name, mime=item.mime_type))
        self.item = item


@dataclass(frozen=True)
class Watched:
    folder: DriveFolder
    created: bool
    checked: bool  # False: Drive is not configured, the folder was saved unchecked


def watch_folder(db: Database, ref: str, owner: str, *, drive: DriveAccess | None,
                 slack_channel: str | None = None) -> Watched:
    """Check the folder with Drive (when configured) and watch it for `owner`.

    Raises ValueError for a reference that names no folder id, `DriveNotFound` when the folder
    is not shared with `drive.account`, `DriveError` when Drive cannot be read, and
    `NotAFolder` for a file.
    """
    folder_id = parse_folder_ref(ref)
    name = None
    if drive is not None:
        item = drive.get(folder_id)
        if not item.is_folder:
            raise NotAFolder(item)
        name = item.name
    folder, created = add_folder(db, folder_id, owner, slack_channel=slack_channel, name=name)
    return Watched(folder, created, checked=drive is not None)


def list_folders(db: Database, owner: str | None = None) -> list[FolderView]:
    with db.session() as session:
        query = (select(DriveFolder, Recruiter.identity, DriveGrant)
                 .join(Recruiter, Recruiter.id == DriveFolder.owner_id)
                 .outerjoin(DriveGrant, DriveGrant.recruiter_id == DriveFolder.owner_id)
                 .order_by(DriveFolder.id))
        if owner:
            query = query.where(Recruiter.identity == owner_identity(owner))
        return [FolderView(f.id, f.folder_id, f.name, identity, f.slack_channel, f.state,
                           f.broken_reason, f.last_synced_at, _account(grant))
                for f, identity, grant in session.execute(query).all()]


def _account(grant: DriveGrant | None) -> str:
    if grant is None:
        return "operator"
    if grant.state != "active":
        return "google (revoked)"
    return f"google:{grant.google_email or 'connected'}"


def broken_folders(db: Database, owner_id: int) -> list[FolderView]:
    """What the owner's digest reports: folders that stopped syncing, with the reason."""
    with db.session() as session:
        identity = session.scalar(select(Recruiter.identity).where(Recruiter.id == owner_id))
    return [f for f in list_folders(db, identity) if f.state == "broken"] if identity else []


def remove_folder(db: Database, ref: str, owner: str | None = None) -> int:
    """Stop watching; returns how many watches were removed (one per owner)."""
    folder_id = parse_folder_ref(ref)
    with db.session() as session:
        query = select(DriveFolder.id).where(DriveFolder.folder_id == folder_id)
        if owner:
            query = query.join(Recruiter, Recruiter.id == DriveFolder.owner_id).where(
                Recruiter.identity == owner_identity(owner))
        ids = list(session.scalars(query))
        if ids:
            session.execute(delete(DriveFile).where(DriveFile.folder_id.in_(ids)))
            session.execute(delete(DriveFolder).where(DriveFolder.id.in_(ids)))
    return len(ids)
