"""The web addresses every notice links to, written once for every door.

Email replies, Slack cards and digests (and the web pages themselves) link a candidate to
`{HOTGIGS_PUBLIC_URL}/candidates/{id}`, the recruiter's candidate page; without a public URL
there is no address anyone outside this machine could open, so there is no link.
"""

from __future__ import annotations


def candidate_path(candidate_id: int) -> str:
    """The candidate page's path on this server (pages link with it)."""
    return f"/candidates/{candidate_id}"


def candidate_url(public_url: str | None, candidate_id: int | None) -> str | None:
    """The candidate page's full address, or None without a public URL (or a candidate)."""
    if not public_url or candidate_id is None:
        return None
    return public_url.rstrip("/") + candidate_path(candidate_id)
