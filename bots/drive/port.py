"""The seam between HotGigs and Google Drive: what the folder sync needs, as a small Protocol.

`bots.drive.gdrive.GoogleDriveClient` is the one real implementation (google-api-python-client);
tests drive it against `tests/fakes/drive_api.py`. Errors are reduced to three outcomes the sync
can act on: the item is gone, access is refused, or Drive stayed unavailable after retries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

FOLDER_MIME = "application/vnd.google-apps.folder"
GOOGLE_DOC_MIME = "application/vnd.google-apps.document"
# Google Docs are exported as DOCX: headings and paragraphs survive as structure for the parser.
DOC_EXPORT_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC_EXPORT_SUFFIX = ".docx"


@dataclass(frozen=True)
class DriveItem:
    """A file or folder's metadata, as far as the sync uses it."""

    id: str
    name: str
    mime_type: str
    parents: tuple[str, ...] = ()
    md5: str | None = None  # binary files only; Google Docs have none
    version: str | None = None  # bumps on every change, renames included
    size: int | None = None
    trashed: bool = False
    drive_id: str | None = None  # set for items on a shared drive

    @property
    def is_folder(self) -> bool:
        return self.mime_type == FOLDER_MIME

    @property
    def is_google_doc(self) -> bool:
        return self.mime_type == GOOGLE_DOC_MIME


@dataclass(frozen=True)
class ChangePage:
    """Every change since a page token, and the token to start from next time."""

    items: list[DriveItem] = field(default_factory=list)  # changed files that still exist
    new_start_token: str = ""


class DriveError(Exception):
    """Base of what the Drive port raises; `reason` is a short text an operator can read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DriveNotFound(DriveError):
    """404: deleted, or not (or no longer) shared with our account."""


class DriveForbidden(DriveError):
    """403 other than rate limiting: the account may not read it."""


class DriveUnavailable(DriveError):
    """Rate limits or server errors outlasted the retries; try again at the next sync."""


class DriveAuthError(DriveError):
    """The credentials were refused: nothing can be synced until an operator fixes them."""


class DriveGrantRevoked(DriveAuthError):
    """Google refused the refresh token (`invalid_grant`): revoked by its user, or expired.
    For a recruiter's own grant this stops their folders until they reconnect."""


class DriveInvalidToken(DriveError):
    """The stored changes page token is no longer valid; a full listing is needed."""


class DriveClient(Protocol):
    """Read-only Drive v3 calls, paging and retries handled inside."""

    def get(self, item_id: str) -> DriveItem:
        """Metadata of one file or folder (raises DriveNotFound / DriveForbidden)."""
        ...

    def children(self, folder: DriveItem) -> Iterator[DriveItem]:
        """Items directly in `folder`, not trashed, every page followed."""
        ...

    def start_page_token(self, drive_id: str | None) -> str:
        """Where the change log of the user (or of a shared drive) stands now."""
        ...

    def changes(self, token: str, drive_id: str | None) -> ChangePage:
        """Changed files since `token`, every page followed (raises DriveInvalidToken)."""
        ...

    def download(self, item: DriveItem) -> bytes:
        """A binary file's bytes (alt=media)."""
        ...

    def export(self, item: DriveItem, mime_type: str) -> bytes:
        """A Google Doc converted to `mime_type` (files.export)."""
        ...

    def close(self) -> None:
        """Release connections at the end of a sync run."""
        ...
