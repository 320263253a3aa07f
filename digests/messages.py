"""Every word of the digests a recruiter reads (templates hold the layout, not the wording)."""

from __future__ import annotations

from datetime import date, datetime

SUBJECT = "HotGigs daily digest — {resumes}, {failed} failed, {strong}"
SLACK_FALLBACK = "HotGigs daily digest for {day}: {resumes}, {failed} failed, {strong}"
TITLE = "HotGigs daily digest"
NOTHING = "Nothing arrived since the last digest."

SOURCE_EMAIL = "Email"
SOURCE_SLACK = "Slack channel {channel}"
SOURCE_DRIVE = "Drive folder “{folder}”"
SOURCE_CLI = "Command line"
FROM_EMAIL = "email from {sender}"
NO_REASON = "no reason recorded"
NO_NAME = "(name not found)"

NEW = "new"
MERGED = "merged"
SIGNATURE = "HotGigs sends this digest once a day. Forward resumes to this address to import them."


def role(title: str | None, company: str | None) -> str:
    """A candidate's latest role: `Backend Engineer at Acme`; empty when neither is known."""
    if title and company:
        return f"{title} at {company}"
    return title or (f"at {company}" if company else "")


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def resumes(count: int) -> str:
    return plural(count, "resume")


def strong_matches(count: int) -> str:
    return plural(count, "strong match", "strong matches")


def day_label(moment: datetime) -> str:
    """A bar of the week chart: `Mon 30`."""
    return f"{moment:%a} {moment.day}"


def long_date(day: date) -> str:
    """`Tuesday 1 December 2026`."""
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"


def since(moment: datetime) -> str:
    """The start of the digest's stretch, in the recipient's timezone."""
    return f"{moment:%a} {moment.day} {moment:%b %H:%M %Z}"

# section headings (email and Slack)
ARRIVED = "Arrived"
BY_SOURCE = "By source"
FAILED = "Failed"
MATCHES = "New candidates in the top matches of open jobs"
NEW_IN_TOP = "new in its top matches"
BROKEN = "Drive folders that stopped syncing"
WEEK = "This week"
MORE = "… and {count} more"
REPARSED = "Re-parsed with the current parser: {count} resumes ({changed} read differently)"
DUPLICATES = ("Possible duplicates to review: {count} (Slack cards, /admin/duplicates, "
              "`hotgigs duplicates list`)")
CANDIDATES = "Candidates"
NEW_CANDIDATE = "new"
UPDATED_CANDIDATE = "updated"
