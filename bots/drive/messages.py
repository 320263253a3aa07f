"""Every text about Drive folders that a recruiter or an operator reads, in one place."""

from __future__ import annotations

FOLDER_GONE = ("folder not found: deleted, or no longer shared with {account} "
               "({detail})")
FOLDER_FORBIDDEN = "access denied to the folder ({detail})"
FOLDER_TRASHED = "the folder is in the trash"
NOT_A_FOLDER = "not a folder: {name} is {mime}"
BAD_REFERENCE = "not a Google Drive folder id or URL: {ref!r}"
NO_CREDENTIALS = "HOTGIGS_DRIVE_CREDENTIALS is not set: no Drive folder can be read"
SYNC_NOTE = "Google Drive folder {name}: {count} new or changed file(s)"
ACCESS_REVOKED = "access revoked: reconnect"
DISCONNECTED = "disconnected by the recruiter"
NO_GRANT_CREDENTIALS = ("no Drive account: its owner has not connected Google Drive and "
                        "HOTGIGS_DRIVE_CREDENTIALS is not set")
YOUR_ACCOUNT = "your Google account {email}"
SHARE_HINT = "share the folder (Viewer) with {account}, then run `hotgigs drive sync`"


def account_name(email: str | None) -> str:
    return email or "the HotGigs Drive account"
